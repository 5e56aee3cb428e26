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
