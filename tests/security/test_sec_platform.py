"""Issue 10, platform part: finding 11 (holiday calendar), 12 (settings), 13 (hardening) and
the test run itself. Each test fails on commit 6546012."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import CalendarDay, PlanKind
from parindex.plans.services import PlanFields

ROOT = Path(__file__).resolve().parents[2]

# --- finding 11: days off belong to an organization ----------------------------------------


def _event_task(code: str):
    """A 2025 plan of `code` with one "05 ngày làm việc kể từ …" task, its event on 22/04/2025."""
    plan = services.plan_create(
        fields=PlanFields(
            organization_id=Organization.objects.get(code=code).pk, year=2025, kind=PlanKind.ANNUAL, title="Thử lịch"
        )
    )
    unit = Organization.objects.filter(code__startswith=f"{code}-").order_by("code").first()
    return services.task_create(
        plan=plan, number="1", group="", content="Trả lời văn bản", product="",
        timing_text="05 ngày làm việc kể từ ngày nhận văn bản", lead=[unit.pk], coordinating=[], responsible="",
        criteria_codes=[], known_codes=None,
    )  # fmt: skip


def _due_after_event_on_22_04_2025(task) -> date:
    occurrence = task.occurrences.get()
    services.occurrence_record_event(occurrence=occurrence, event_date=date(2025, 4, 22))
    occurrence.refresh_from_db()
    return occurrence.due


@pytest.mark.django_db
def test_five_working_days_from_22_04_2025_end_on_28_04_with_the_make_up_saturday(demo):
    # Official 2025 schedule: Friday 02/05 off, Saturday 26/04 worked instead.
    assert _due_after_event_on_22_04_2025(_event_task("dn-sct")) == date(2025, 4, 28)


@pytest.mark.django_db
def test_a_day_off_added_by_one_departments_admin_does_not_move_another_departments_deadline(demo, login_as):
    client = login_as("admin")  # admin of Sở TN&MT Bình Phước only
    bp = Organization.objects.get(code="bp-stnmt")
    response = client.post(
        reverse("plans:calendar_days"),
        {"organization": bp.pk, "day": "24/04/2025", "kind": "off", "note": "Nghỉ bù của Sở"},
    )
    assert response.status_code == 302
    assert _due_after_event_on_22_04_2025(_event_task("dn-sct")) == date(2025, 4, 28)  # Đồng Nai: unchanged
    assert _due_after_event_on_22_04_2025(_event_task("bp-stnmt")) == date(2025, 4, 29)  # his own: one day later


@pytest.mark.django_db
def test_a_department_admin_cannot_add_or_remove_another_departments_days_off(demo, login_as, django_user_model):
    dn = Organization.objects.get(code="dn-sct")
    client = login_as("admin")
    response = client.post(reverse("plans:calendar_days"), {"organization": dn.pk, "day": "24/04/2025", "kind": "off"})
    assert response.status_code == 200  # the form refuses the choice
    assert not CalendarDay.objects.filter(day=date(2025, 4, 24)).exists()

    root = django_user_model.objects.create_superuser(username="goc-lich", password="x", email="")
    theirs = services.calendar_day_set(by=root, organization_id=dn.pk, day=date(2025, 4, 24), kind="off")
    assert client.post(reverse("plans:calendar_day_delete", args=[theirs.pk])).status_code == 403
    assert CalendarDay.objects.filter(pk=theirs.pk).exists()
    assert "24/04/2025" not in client.get(reverse("plans:calendar_days")).content.decode()  # not even listed

    # The service refuses a direct call too (a management command, the future API).
    admin = django_user_model.objects.get(username="admin")
    with pytest.raises(services.ApplicationError) as refused:
        services.calendar_day_set(by=admin, organization_id=dn.pk, day=date(2025, 4, 25), kind="off")
    assert refused.value.message == services.ERR_CALENDAR_FORBIDDEN
    with pytest.raises(services.ApplicationError):
        services.calendar_day_delete(by=admin, entry=theirs)


@pytest.mark.django_db
def test_a_provinces_day_off_reaches_its_departments_and_no_other_province(demo, django_user_model):
    root = django_user_model.objects.create_superuser(username="goc-tinh", password="x", email="")
    services.calendar_day_set(
        by=root, organization_id=Organization.objects.get(code="dn").pk, day=date(2025, 4, 24), kind="off"
    )
    assert _due_after_event_on_22_04_2025(_event_task("dn-sct")) == date(2025, 4, 29)
    assert _due_after_event_on_22_04_2025(_event_task("bp-stnmt")) == date(2025, 4, 28)


# --- finding 12: a typo in a boolean or integer setting stops start-up ----------------------

SETTINGS_PROBE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'parindex.settings'; django.setup(); "
    "from django.conf import settings as s; "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.PROXY_COUNT)"
)


def _start(**variables: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PARINDEX_VAR_DIR": os.environ.get("PARINDEX_VAR_DIR", str(ROOT / "var")), **variables}
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("variable", "value"), [("HTTPS", "ture"), ("HTTPS", "enabled"), ("BEHIND_PROXY", "yess"), ("DEBUG", "flase")]
)
def test_an_invalid_boolean_setting_stops_start_up_naming_the_variable(variable, value):
    started = _start(**{variable: value})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert f"{variable}='{value}'" in started.stderr


@pytest.mark.parametrize("variable", ["PROXY_COUNT", "AXES_FAILURE_LIMIT", "SURVEY_LIMIT_PER_DEVICE"])
def test_an_invalid_integer_setting_stops_start_up_naming_the_variable(variable):
    started = _start(**{variable: "5 lần"})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert variable in started.stderr


def test_valid_spellings_of_https_still_switch_secure_cookies_and_hsts_on():
    assert _start(HTTPS="True").stdout.split() == ["True", "True", "31536000", "0"]
    assert _start(HTTPS="1", PROXY_COUNT="1").stdout.split() == ["True", "True", "31536000", "1"]
    assert _start(HTTPS="").stdout.split() == ["False", "False", "0", "0"]
