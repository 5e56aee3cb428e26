"""The task form's "Hạn nội bộ của đơn vị": the timing read from the text stays the department's
deadline and the units' occurrences fall N working days earlier (a cascade rule)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from parindex.core.errors import ApplicationError
from parindex.engine.deadlines import describe, expand
from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import CalendarDay, DayOffKind, PlanKind, Task
from parindex.plans.services import PlanFields

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def task(db) -> Task:
    plan = services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk,
            year=2025,
            kind=PlanKind.ANNUAL,
            title="Kế hoạch thử hạn nội bộ",
        ),
    )
    return services.task_create(
        by=None,
        plan=plan, number="1", group="", content="Báo cáo thử", product="", timing_text="Trước ngày 05/02/2025",
        lead=[Organization.objects.get(code="bp-stnmt-tt").pk], coordinating=[], responsible="",
        criteria_codes=[], known_codes=None,
    )  # fmt: skip


def form(**changes) -> dict:
    return {
        "content": "Báo cáo thử",
        "timing_text": "Trước ngày 05/02/2025",
        "lead": [Organization.objects.get(code="bp-stnmt-tt").pk],
        "criteria_codes": "",
        "version": Task.objects.latest("pk").version,  # the fixture's task, as its edit form carries it
        **changes,
    }


def dues(task: Task) -> list[date]:
    return list(task.occurrences.order_by("due").values_list("due", flat=True))


def test_the_form_wraps_the_timing_into_an_internal_deadline_that_skips_tet(login_as, task):
    client = login_as("vanphong")
    response = client.post(reverse("plans:task_edit", args=[task.pk]), form(internal_days="3"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.deadline_rule == {
        "kind": "cascade",
        "rule": {"kind": "fixed", "date": "2025-02-05"},
        "days_before": 3,
        "working": True,
    }
    # Wed 05/02 less 3 working days: 04/02, 03/02, then back over the Tết holiday and its weekends.
    assert dues(task) == [date(2025, 1, 24)]
    assert task.occurrences.get().label == "Hạn 05/02/2025 (nội bộ)"


def test_quarterly_internal_deadlines_skip_weekends_and_the_offices_own_days_off(task):
    CalendarDay.objects.create(organization=task.plan.organization, day=date(2025, 9, 12), kind=DayOffKind.OFF)
    services.task_update(
        task=task, by=None, expected_version=task.version,
        number="1", group="", content="Báo cáo quý", product="", timing_text="Ngày 18 của tháng cuối quý",
        lead=[Organization.objects.get(code="bp-stnmt-tt").pk], coordinating=[], responsible="", criteria_codes=[],
        known_codes=None, internal_days=5,
    )  # fmt: skip
    # 18/03 (Tue) → 11/03; 18/06 (Wed) → 11/06; 18/09 (Thu) less the day off 12/09 → 10/09; 18/12 → 11/12.
    assert dues(task) == [date(2025, 3, 11), date(2025, 6, 11), date(2025, 9, 10), date(2025, 12, 11)]
    department = expand(task.deadline_rule["rule"], 2025)
    assert [o.due for o in department] == [date(2025, m, 18) for m in (3, 6, 9, 12)]


def test_editing_shows_the_days_back_keeps_them_and_clearing_removes_them(login_as, task):
    client = login_as("vanphong")
    url = reverse("plans:task_edit", args=[task.pk])
    client.post(url, form(internal_days="3"))
    html = client.get(url).content.decode()
    assert "Hạn nội bộ của đơn vị: trước hạn của Sở … ngày làm việc" in html
    assert 'name="internal_days" value="3"' in html

    occurrence = task.occurrences.get()
    assert client.post(url, form(internal_days="3", content="Nội dung sửa")).status_code == 302
    assert task.occurrences.get().pk == occurrence.pk  # same rule: occurrences untouched
    task.refresh_from_db()
    assert task.deadline_rule["days_before"] == 3

    assert client.post(url, form(internal_days="")).status_code == 302
    task.refresh_from_db()
    assert task.deadline_rule == {"kind": "fixed", "date": "2025-02-05"}
    assert dues(task) == [date(2025, 2, 5)]


@pytest.mark.parametrize("value", ["0", "31", "-2", "năm"])
def test_invalid_days_give_a_vietnamese_message_and_change_nothing(login_as, task, value):
    client = login_as("vanphong")
    response = client.post(reverse("plans:task_edit", args=[task.pk]), form(internal_days=value, content="Mới"))
    assert response.status_code == 200
    assert services.ERR_INTERNAL_DAYS in response.content.decode()
    task.refresh_from_db()
    assert (task.content, task.deadline_rule) == ("Báo cáo thử", {"kind": "fixed", "date": "2025-02-05"})
    assert dues(task) == [date(2025, 2, 5)]


def test_an_open_ended_task_cannot_get_an_internal_deadline(task):
    with pytest.raises(ApplicationError, match="không có hạn cụ thể") as error:
        services.task_update(
            task=task, by=None, expected_version=task.version,
            number="1", group="", content="Rà soát", product="", timing_text="Thường xuyên",
            lead=[Organization.objects.get(code="bp-stnmt-tt").pk], coordinating=[], responsible="",
            criteria_codes=[], known_codes=None, internal_days=5,
        )  # fmt: skip
    assert error.value.field == "internal_days"
    with pytest.raises(ApplicationError, match="từ 1 đến 30"):
        services.task_update(
            task=task, by=None, expected_version=task.version,
            number="1", group="", content="X", product="", timing_text="Quý IV/2025", lead=[],
            coordinating=[], responsible="", criteria_codes=[], known_codes=None, internal_days=31,
        )  # fmt: skip


def test_the_plan_page_describes_both_deadlines_in_vietnamese(login_as, task):
    client = login_as("vanphong")
    client.post(reverse("plans:task_edit", args=[task.pk]), form(internal_days="3"))
    task.refresh_from_db()
    text = "Hạn 05/02/2025 (hạn của Sở) — hạn nội bộ của đơn vị: trước 3 ngày làm việc"
    assert describe(task.deadline_rule) == text
    assert text in client.get(task.plan.get_absolute_url()).content.decode()


def test_an_event_deadline_moves_ahead_when_the_event_is_recorded(task):
    services.task_update(
        task=task, by=None, expected_version=task.version,
        number="1", group="", content="Giải quyết", product="",
        timing_text="10 ngày làm việc kể từ khi nhận hồ sơ", lead=[Organization.objects.get(code="bp-stnmt-tt").pk],
        coordinating=[], responsible="", criteria_codes=[], known_codes=None, internal_days=3,
    )  # fmt: skip
    occurrence = task.occurrences.get()
    assert occurrence.due is None
    services.occurrence_record_event(occurrence=occurrence, by=None, event_date=date(2025, 3, 3))
    # Mon 03/03 + 10 working days = 17/03 for the department; 3 working days earlier = 12/03.
    assert occurrence.due == date(2025, 3, 12)


def test_review_points_of_an_open_part_stay_as_they_are_under_a_cascade():
    rule = {
        "kind": "all",
        "rules": [{"kind": "open", "label": "Thường xuyên"}, {"kind": "fixed", "date": "2025-12-15"}],
    }
    occurrences = expand({"kind": "cascade", "rule": rule, "days_before": 5, "working": True}, 2025)
    reviews = [o for o in occurrences if o.review]
    assert len(reviews) == 12
    assert reviews[0].due == date(2025, 1, 31)
    assert [o.due for o in occurrences if not o.review] == [date(2025, 12, 8)]
