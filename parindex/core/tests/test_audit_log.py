from datetime import UTC

import pytest
from django.urls import reverse

from parindex.accounts.models import User
from parindex.organizations import services
from parindex.organizations.models import Organization

pytestmark = pytest.mark.usefixtures("demo")


def rename(code, name):
    org = Organization.objects.get(code=code)
    version = org.versions.get(valid_until__isnull=True)
    services.organization_rename(
        by=None, organization=org, year=2026, name=name, short_name=version.short_name, parent=version.parent
    )


def test_it_shows_an_admin_readable_changes_of_their_own_organizations(login_as):
    rename("bp-stnmt-tt", "Thanh tra Sở Nông nghiệp và Môi trường")
    page = login_as("admin").get(reverse("audit_log")).content.decode()
    assert "Thanh tra Sở Nông nghiệp và Môi trường" in page
    assert "Trực thuộc:" in page
    assert "Đổi tên / chuyển trực thuộc" in page


def test_it_hides_changes_of_other_departments_from_a_department_admin(login_as):
    rename("kh-stnmt-tt", "Thanh tra Sở Khánh Hòa mới")
    assert "Thanh tra Sở Khánh Hòa mới" not in login_as("admin").get(reverse("audit_log")).content.decode()


def test_it_reads_in_vietnamese_with_dates_as_offices_write_them(login_as):
    from datetime import date
    from decimal import Decimal

    from parindex.surveys.services import campaign_create

    campaign_create(
        organization_id=Organization.objects.get(code="bp-stnmt").pk, title="Đợt ghi nhật ký",
        starts_on=date(2026, 10, 1), ends_on=date(2026, 12, 30), target=Decimal(87), min_n=5,
        points=[(Organization.objects.get(code="bp-stnmt-motcua").pk, "Bộ phận một cửa")],
        by=User.objects.get(username="vanphong"),
    )  # fmt: skip
    page = login_as("admin").get(reverse("audit_log")).content.decode()
    assert "Đợt ghi nhật ký" in page
    assert "01/10/2026" in page
    assert "2026-10-01" not in page
    assert ".None" not in page
    assert "Organization" not in page


def _log(n: int, organization: Organization, *, start: int = 0) -> None:
    """n entries about `organization`, one a minute, as bulk writes leave them (no signal)."""
    from datetime import datetime, timedelta

    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    kind = ContentType.objects.get_for_model(Organization)
    base = datetime(2030, 1, 1, tzinfo=UTC)  # after the demo's own entries
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=kind,
            object_pk=str(organization.pk),
            object_id=organization.pk,
            object_repr=f"Mục nhật ký {i:05d}",
            action=LogEntry.Action.UPDATE,
            changes={},
            timestamp=base + timedelta(minutes=i),
            additional_data={"organization_id": organization.pk},
        )
        for i in range(start, start + n)
    )


def _queries(client, url):
    """The page, and its queries; none counts the whole log (a bounded probe may count)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    counts = [q["sql"] for q in captured.captured_queries if "auditlog_logentry" in q["sql"] and "COUNT(" in q["sql"]]
    assert all("LIMIT" in sql for sql in counts), counts
    return response.content.decode(), len(captured)


@pytest.mark.parametrize("by_time", [False, True], ids=["organization index", "time index"])
def test_it_pages_many_entries_newest_first_without_counting_them(login_as, monkeypatch, by_time):
    """Both ways to a page (the organization index, or the time index when entries in scope are
    many) give the same pages; other departments' entries never show; queries do not grow."""
    from parindex.core import selectors

    if by_time:
        monkeypatch.setattr(selectors, "_organization_index_serves", lambda wanted: False)
    client = login_as("admin")
    own, other = Organization.objects.get(code="bp-stnmt-tt"), Organization.objects.get(code="kh-stnmt-tt")
    _log(60, own)
    _log(60, other, start=1_000_000)  # newer than all of ours
    url = reverse("audit_log")
    _, small = _queries(client, url)
    _log(1_000, own, start=60)
    first, large = _queries(client, url)
    assert large == small, f"{small} → {large} queries"
    assert "Mục nhật ký 01059" in first
    assert "Mục nhật ký 01010" in first
    assert "Mục nhật ký 01009" not in first
    assert "Mục nhật ký 1000000" not in first
    assert "?trang=2" in first
    second, _ = _queries(client, url + "?trang=2")
    assert "Mục nhật ký 01009" in second
    assert "Mục nhật ký 00960" in second
    assert "Mục nhật ký 01010" not in second
    oldest, _ = _queries(client, url + "?trang=22")  # our 1,060: 21 pages of 50, then 10 and the demo's
    assert "Mục nhật ký 00000" in oldest
    assert "Mục nhật ký 00010" not in oldest
    assert "?trang=21" in oldest
    beyond = client.get(url + "?trang=999").content.decode()
    assert "Chưa có thay đổi nào" in beyond
    assert "Sau ›" not in beyond


def test_on_sqlite_a_scope_with_many_entries_walks_the_time_index(monkeypatch):
    from django.db import connection

    from parindex.core import selectors

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's planner chooses from its statistics")
    from auditlog.models import LogEntry

    own = Organization.objects.get(code="bp-stnmt-tt")
    seeded = LogEntry.objects.filter(additional_data__organization_id=own.pk).count()
    monkeypatch.setattr(selectors, "AUDIT_SPARSE_SCOPE", seeded + 30)
    _log(29, own)
    assert selectors._organization_index_serves([own.pk])
    _log(1, own, start=29)
    assert not selectors._organization_index_serves([own.pk])
