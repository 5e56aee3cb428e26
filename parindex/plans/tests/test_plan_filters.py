"""The plan page's figures per unit and its filters (unit, group, status, criterion)."""

from datetime import date

import pytest
from django.urls import reverse

from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import PlanKind, Task
from parindex.plans.selectors import plan_overview
from parindex.plans.services import PlanFields

pytestmark = pytest.mark.usefixtures("demo")
TODAY = date(2025, 6, 16)


@pytest.fixture
def plan():
    """Three tasks: Thanh tra leads two (one done late, one overdue), Văn phòng one not yet due."""
    plan = services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk, year=2025, kind=PlanKind.ANNUAL,
            title="Kế hoạch lọc",
        )
    )  # fmt: skip
    inspection, office = (Organization.objects.get(code=c).pk for c in ("bp-stnmt-tt", "bp-stnmt-vp"))
    specs = [
        ("1", "I. Chỉ đạo", "2025-03-10", inspection, office, ["1.1.2"], date(2025, 3, 20)),
        ("2", "I. Chỉ đạo", "2025-05-10", inspection, None, ["2.1"], None),
        ("3", "II. Thủ tục", "2025-11-10", office, inspection, ["1.1.2"], None),
    ]
    for position, (number, group, due, lead, coordinating, codes, done_on) in enumerate(specs):
        task = Task.objects.create(
            plan=plan, position=position, number=number, group=group, content=f"Việc {number}",
            deadline_rule={"kind": "fixed", "date": due}, criteria_codes=codes,
        )  # fmt: skip
        services.task_units_set(task=task, lead=[lead], coordinating=[coordinating] if coordinating else [])
        services.occurrences_generate(task=task, year=2025)
        if done_on:
            task.occurrences.update(done_on=done_on)
    return plan


def numbers(overview):
    return [row.task.number for row in overview.tasks]


def test_the_figures_are_counted_per_lead_unit(plan):
    overview = plan_overview(plan=plan, today=TODAY)
    assert overview.totals == {"done_late": 1, "overdue": 1, "not_due": 1}
    assert overview.ratio == (1, 2)  # done / due
    assert dict(overview.by_unit) == {"Thanh tra Sở": {"done_late": 1, "overdue": 1}, "VP": {"not_due": 1}}


def test_each_filter_keeps_only_matching_tasks(plan):
    inspection = Organization.objects.get(code="bp-stnmt-tt").pk
    assert numbers(plan_overview(plan=plan, today=TODAY, unit_id=inspection)) == ["1", "2", "3"]  # lead or coordinating
    assert numbers(plan_overview(plan=plan, today=TODAY, group="II. Thủ tục")) == ["3"]
    assert numbers(plan_overview(plan=plan, today=TODAY, status="overdue")) == ["2"]
    assert numbers(plan_overview(plan=plan, today=TODAY, status="done_late")) == ["1"]
    assert numbers(plan_overview(plan=plan, today=TODAY, criterion="1.1.2")) == ["1", "3"]
    only_overdue = plan_overview(plan=plan, today=TODAY, status="overdue")
    assert only_overdue.totals == {"overdue": 1}
    assert [row.task.number for _, row in only_overdue.overdue] == ["2"]


def test_the_page_applies_the_filters_from_the_address(login_as, plan):
    client = login_as("vanphong")
    page = client.get(reverse("plans:plan_detail", args=[plan.pk]), {"nhom": "II. Thủ tục"}).content.decode()
    assert "Việc 3" in page
    assert "Việc 1" not in page
    page = client.get(reverse("plans:plan_detail", args=[plan.pk]), {"tieu_chi": "2.1"}).content.decode()
    assert "Việc 2" in page
    assert "Việc 3" not in page
