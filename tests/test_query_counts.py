"""Pages keep a bounded number of SQL queries however many organizations and users there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy

from parindex.accounts.models import User
from parindex.organizations import services
from parindex.organizations.models import Membership, Organization

pytestmark = pytest.mark.usefixtures("demo")


def grow(n: int) -> None:
    """Add n units with one staff member each under the demo department."""
    parent = Organization.objects.get(code="bp-stnmt")
    for i in range(n):
        unit = services.organization_create(
            by=None, code=f"bulk-{n}-{i}", kind="unit", name=f"Đơn vị {i}", parent=parent, year=2019
        )
        user = User.objects.create(username=f"bulk-{n}-{i}", full_name=f"Người {i}")
        Membership.objects.create(user=user, organization=unit, role="staff")


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_name",
    ["dashboard", "organizations:tree", "accounts:user_list", "audit_log", "criteria:set_list"],
)
def test_it_keeps_queries_flat_as_data_grows(login_as, url_name):
    client = login_as("admin")
    url = reverse(url_name)
    grow(3)
    small = queries_for(client, url)
    grow(25)
    large = queries_for(client, url)
    if url_name == "audit_log":  # one query per kind of object on the page, not per entry
        assert max(small, large) <= 12
    else:
        assert large == small, f"{url_name}: {small} → {large} queries"
    assert small <= 12


def test_it_keeps_the_organization_page_bounded(login_as):
    client = login_as("admin")
    grow(20)
    url = reverse("organizations:detail", args=[Organization.objects.get(code="bp-stnmt").pk])
    assert queries_for(client, url) <= 12


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("dn.vanphong", reverse_lazy("criteria:set_detail", args=["dn-sct-2019"])),
        ("admin", reverse_lazy("criteria:set_detail", args=["bp-stnmt-2024"])),
        ("admin", reverse_lazy("criteria:assignment_matrix", args=["bp-stnmt-2024"])),
        ("dn.vanphong", reverse_lazy("criteria:criterion_detail", args=["dn-sct-2019", "3.2.6"])),
    ],
)
def test_it_keeps_criteria_pages_bounded_whatever_the_set_size(login_as, username, url):
    """91 to 110 criteria, each with several assignments: still a handful of queries."""
    assert queries_for(login_as(username), str(url)) <= 12


def big_plan(tasks: int, rule: dict | None = None):
    from parindex.plans import services as plan_services
    from parindex.plans.models import PlanKind, Task
    from parindex.plans.services import PlanFields

    plan = plan_services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk,
            year=2025,
            kind=PlanKind.ANNUAL,
            title=f"KH {tasks} nhiệm vụ",
        ),
    )
    units = list(Organization.objects.filter(code__startswith="bp-stnmt-").values_list("pk", flat=True))
    for i in range(tasks):
        task = Task.objects.create(
            plan=plan,
            position=i,
            number=str(i),
            content=f"Nhiệm vụ {i}",
            deadline_rule=rule or {"kind": "monthly", "day": 25},
        )
        plan_services.task_units_set(task=task, lead=[units[i % len(units)]], coordinating=units[:3])
        plan_services.occurrences_generate(task=task, year=2025)
    return plan


def _in_year(client, year):
    session = client.session
    session["working_year"] = year
    session.save()
    return client


def test_plan_page_and_my_work_stay_flat_from_10_to_70_tasks_of_12_occurrences(login_as):
    small = big_plan(10)
    worker = _in_year(login_as("chuyenvien"), 2025)
    work_small = queries_for(worker, reverse("plans:my_work"))
    large = big_plan(70)
    work_large = queries_for(worker, reverse("plans:my_work"))
    assert large.tasks.count() == 70
    assert sum(t.occurrences.count() for t in large.tasks.all()) == 840
    viewer = _in_year(login_as("lanhdao"), 2025)
    plan_small = queries_for(viewer, reverse("plans:plan_detail", args=[small.pk]))
    plan_large = queries_for(viewer, reverse("plans:plan_detail", args=[large.pk]))
    print(f"queries: my work {work_small}→{work_large}, plan page {plan_small}→{plan_large}")
    assert work_large == work_small
    assert plan_large == plan_small
    assert max(work_large, plan_large) <= 12


def test_open_ended_tasks_with_their_review_points_keep_the_plan_page_and_my_work_flat(login_as):
    """Each open-ended task has 12 review points besides its deadlines; the pages show the current
    one per task without a query per task."""
    rule = {"kind": "all", "rules": [{"kind": "open", "label": "Thường xuyên"}, {"kind": "quarterly", "day": 18}]}
    small = big_plan(10, rule)
    worker = _in_year(login_as("chuyenvien"), 2025)
    work_small = queries_for(worker, reverse("plans:my_work"))
    large = big_plan(60, rule)
    work_large = queries_for(worker, reverse("plans:my_work"))
    assert sum(t.occurrences.filter(review=True).count() for t in large.tasks.all()) == 720
    viewer = _in_year(login_as("lanhdao"), 2025)
    plan_small = queries_for(viewer, reverse("plans:plan_detail", args=[small.pk]))
    response = viewer.get(reverse("plans:plan_detail", args=[large.pk]))
    assert response.content.decode().count('data-testid="review-point"') == 60
    plan_large = queries_for(viewer, reverse("plans:plan_detail", args=[large.pk]))
    assert work_large == work_small
    assert plan_large == plan_small
    assert max(work_large, plan_large) <= 12


def test_the_assessment_page_of_the_100_point_set_is_bounded(login_as):
    from parindex.assessments.models import Assessment

    assessment = Assessment.objects.get(organization__code="dn-sct")
    for user in ("dn.vanphong", "dn.truongphong", "dn.thamdinh"):
        count = queries_for(login_as(user), assessment.get_absolute_url())
        assert count <= 15, f"{user}: {count}"


def test_the_ranking_and_what_if_stay_flat_as_departments_join_the_round(login_as):
    from parindex.assessments.models import Answer, Assessment

    demo_round = Assessment.objects.get(organization__code="dn-sct").round
    province = Organization.objects.get(code="dn")

    def join(n: int) -> None:
        for i in range(n):
            department = services.organization_create(
                by=None, code=f"dn-extra-{n}-{i}", kind="department", name=f"Sở {n}-{i}", parent=province, year=2019
            )
            assessment = Assessment.objects.create(round=demo_round, organization=department)
            Answer.objects.bulk_create(
                Answer(assessment=assessment, criterion=c) for c in demo_round.criteria_set.criteria.all()[:40]
            )

    client = login_as("dn.thamdinh")  # the appraiser sees every department of the province
    what_if = login_as("dn.vanphong")
    what_if_url = reverse("assessments:what_if", args=[Assessment.objects.get(organization__code="dn-sct").pk])
    ranking_url = reverse("assessments:round_detail", args=[demo_round.pk])

    def steady() -> tuple[int, int]:
        # The first request after a change rebuilds what is cached (the organization tree, the
        # set's structure) with one query each; what must stay flat is every request after it.
        queries_for(client, ranking_url), queries_for(what_if, what_if_url)
        return queries_for(client, ranking_url), queries_for(what_if, what_if_url)

    join(2)
    small = steady()
    join(12)
    large = steady()
    assert large == small, f"ranking, what-if: {small} → {large} queries"
    assert max(small) <= 20
