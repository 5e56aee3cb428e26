"""Issue 11, item 4: plan progress and the dashboard's "my work" counts are counted by the
database; the figures stay those of the engine's rules (engine.deadlines), on every status."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.engine.deadlines import completion_ratio, occurrence_status
from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import Occurrence, Plan, PlanKind, Task
from parindex.plans.selectors import my_work, my_work_counts, plans_progress, plans_visible
from parindex.plans.services import PlanFields

pytestmark = pytest.mark.usefixtures("demo")
TODAY = date(2025, 6, 16)

# (due, done_on, review) relative to TODAY: every status the engine knows, and the bucket edges.
SHAPES = [
    (-30, -35, False),  # done on time
    (-30, -2, False),  # done late
    (-1, None, False),  # overdue
    (0, None, False),  # due today: due soon
    (7, None, False),  # last day of "due soon"
    (8, None, False),  # first day of "upcoming"
    (30, None, False),  # last day of "upcoming"
    (31, None, False),  # later
    (None, None, False),  # waiting for an event
    (-10, None, True),  # a review point: never counted
    (-40, -41, True),
]


def day(offset: int | None) -> date | None:
    return None if offset is None else TODAY + timedelta(days=offset)


def plan_with_every_status(title: str, *, units: list[str], copies: int = 1) -> Plan:
    plan = services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk,
            year=TODAY.year,
            kind=PlanKind.ANNUAL,
            title=title,
        ),
    )
    lead = [Organization.objects.get(code=code).pk for code in units]
    for n in range(copies):
        task = Task.objects.create(plan=plan, position=n, number=str(n), content=f"Nhiệm vụ {n}", deadline_rule={})
        services.task_units_set(task=task, lead=lead[:1], coordinating=lead[1:])
        Occurrence.objects.bulk_create(
            Occurrence(task=task, key=f"k{i}", label=f"Kỳ {i}", due=day(due), done_on=day(done), review=review)
            for i, (due, done, review) in enumerate(SHAPES)
        )
    return plan


def engine_progress(plan: Plan) -> tuple[int, int, int]:
    statuses = [
        occurrence_status(o.due, o.done_on, TODAY) for o in Occurrence.objects.filter(task__plan=plan, review=False)
    ]
    return (*completion_ratio(statuses), statuses.count("overdue"))


def test_plan_progress_counted_in_sql_equals_the_engines_ratio():
    plan = plan_with_every_status("KH mọi trạng thái", units=["bp-stnmt-tt"], copies=3)
    empty = plan_with_every_status("KH không nhiệm vụ", units=["bp-stnmt-tt"], copies=0)
    progress = plans_progress(plan_ids=[plan.pk, empty.pk], today=TODAY)
    assert (progress[plan.pk].done, progress[plan.pk].due, progress[plan.pk].overdue) == engine_progress(plan)
    assert (progress[plan.pk].done, progress[plan.pk].due, progress[plan.pk].overdue) == (6, 9, 3)
    assert (progress[empty.pk].done, progress[empty.pk].due, progress[empty.pk].percent) == (0, 0, None)


def test_my_work_counts_equal_the_buckets_of_my_work_and_count_a_task_once():
    """A task led by one of the user's units and coordinated by another is one task, not two."""
    plan_with_every_status("KH việc của tôi", units=["bp-stnmt-tt", "bp-stnmt-vp"], copies=2)
    unit_ids = set(Organization.objects.filter(code__in=["bp-stnmt-tt", "bp-stnmt-vp"]).values_list("pk", flat=True))
    buckets = my_work(unit_ids=unit_ids, year=TODAY.year, today=TODAY)
    counts = my_work_counts(unit_ids=unit_ids, year=TODAY.year, today=TODAY)
    assert counts == {key: len(buckets[key]) for key in ("overdue", "due_soon", "upcoming")}
    assert counts == {"overdue": 2, "due_soon": 4, "upcoming": 4}


def test_a_plan_with_many_tasks_assigned_to_a_unit_is_listed_once():
    plan = plan_with_every_status("KH nhiều nhiệm vụ", units=["bp-stnmt-tt", "bp-stnmt-vp"], copies=5)
    unit_ids = frozenset(
        Organization.objects.filter(code__in=["bp-stnmt-tt", "bp-stnmt-vp"]).values_list("pk", flat=True)
    )
    visible = list(plans_visible(org_ids=unit_ids, year=TODAY.year))
    assert visible.count(plan) == 1
    assert "DISTINCT" not in str(plans_visible(org_ids=unit_ids, year=TODAY.year).query)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def in_year(client, year: int):
    session = client.session
    session["working_year"] = year
    session.save()
    return client


@pytest.mark.parametrize("username", ["lanhdao", "chuyenvien"])  # plans at a glance; my work at a glance
def test_the_plan_list_and_the_dashboard_stay_flat_as_plans_and_tasks_grow(login_as, username):
    client = in_year(login_as(username), TODAY.year)
    urls = [reverse("dashboard")] + ([reverse("plans:plan_list")] if username == "lanhdao" else [])
    plan_with_every_status("KH 1", units=["bp-stnmt-tt"], copies=2)
    small = [queries_for(client, url) for url in urls]
    for n in range(6):
        plan_with_every_status(f"KH thêm {n}", units=["bp-stnmt-tt", "bp-stnmt-vp"], copies=10)
    large = [queries_for(client, url) for url in urls]
    assert large == small, f"{urls}: {small} → {large} queries"
