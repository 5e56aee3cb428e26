"""A merge hands the merged unit's people, open plan tasks and criterion assignments to the
absorbing unit from the merge year, and leaves the earlier years as they were."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from parindex.accounts.models import User
from parindex.core.errors import ApplicationError
from parindex.criteria.models import CriteriaSet, Criterion, CriterionAssignment
from parindex.organizations import services
from parindex.organizations.models import Membership, Organization
from parindex.organizations.selectors import merge_footprint, organization_tree
from parindex.plans import services as plan_services
from parindex.plans.models import Occurrence, PlanKind, Task, TaskUnit
from parindex.plans.services import PlanFields


@pytest.fixture
def office(db):
    """Sở X (2019) with Phòng Một, Phòng Hai (which has a sub-unit) and their people."""
    province = services.organization_create(by=None, code="mp", kind="province", name="Tỉnh M", parent=None, year=2019)
    dept = services.organization_create(by=None, code="ms", kind="department", name="Sở M", parent=province, year=2019)
    one = services.organization_create(by=None, code="m1", kind="unit", name="Phòng Một", parent=dept, year=2019)
    two = services.organization_create(by=None, code="m2", kind="unit", name="Phòng Hai", parent=dept, year=2019)
    services.organization_create(by=None, code="m2a", kind="unit", name="Tổ Hai A", parent=two, year=2019)
    people = {name: User.objects.create(username=f"m-{name}", full_name=name) for name in ("head2", "staff2", "both")}
    services.membership_add(by=None, user=people["head2"], organization=two, role="unit_head")
    services.membership_add(by=None, user=people["staff2"], organization=two, role="staff")
    services.membership_add(by=None, user=people["both"], organization=two, role="staff")
    services.membership_add(by=None, user=people["both"], organization=one, role="staff")
    # Merges need the department's admin (the services check who acts).
    people["admin"] = User.objects.create(username="m-admin", full_name="admin")
    services.membership_add(by=None, user=people["admin"], organization=dept, role="admin")
    return {"dept": dept, "one": one, "two": two, **people}


def task(office, year: int, *, lead, coordinating=(), done: bool = False) -> Task:
    plan = plan_services.plan_create(
        by=None,
        fields=PlanFields(organization_id=office["dept"].pk, year=year, kind=PlanKind.ANNUAL, title=f"KH {year}"),
    )
    created = Task.objects.create(
        plan=plan, position=1, number="1", content="Việc", deadline_rule={"kind": "fixed", "date": f"{year}-06-30"}
    )
    plan_services.task_units_set(task=created, lead=[u.pk for u in lead], coordinating=[u.pk for u in coordinating])
    plan_services.occurrences_generate(task=created, year=year)
    if done:
        created.occurrences.update(done_on=date(year, 6, 1))
    return created


def criterion(office, year: int, code: str, assignments: dict) -> Criterion:
    criteria_set, _ = CriteriaSet.objects.get_or_create(
        code=f"m-{year}", defaults={"title": f"Bộ {year}", "year": year, "organization": office["dept"]}
    )
    created = Criterion.objects.create(criteria_set=criteria_set, code=code, position=1, title="Tiêu chí")
    for unit, role in assignments.items():
        CriterionAssignment.objects.create(criterion=created, organization=unit, role=role)
    return created


def roles(queryset_owner, model) -> dict[str, str]:
    return dict(model.objects.filter(**queryset_owner).values_list("organization__code", "role"))


def test_a_merge_hands_people_open_tasks_and_assignments_to_the_target(office):
    one, two = office["one"], office["two"]
    old_task = task(office, 2024, lead=[two])
    open_task = task(office, 2025, lead=[two])
    finished = task(office, 2025, lead=[two], done=True)
    shared = task(office, 2026, lead=[two], coordinating=[one])
    old_criterion = criterion(office, 2024, "1", {two: "lead"})
    new_criterion = criterion(office, 2025, "1", {two: "coordinating"})
    both_criterion = criterion(office, 2025, "2", {two: "lead", one: "coordinating"})

    assert merge_footprint(source=two, target=one, year=2025).__dict__ == {
        "sub_units": 1,
        "memberships": 2,
        "task_units": 2,
        "criterion_assignments": 2,
    }
    moved = services.organization_merge(source=two, target=one, year=2025, by=office["admin"], note="QĐ 5")
    assert (moved.sub_units, moved.memberships, moved.task_units, moved.criterion_assignments) == (1, 2, 2, 2)

    # People keep their role, once: "both" already was staff of Phòng Một.
    assert set(one.memberships.values_list("user__username", "role")) == {
        ("m-head2", "unit_head"),
        ("m-staff2", "staff"),
        ("m-both", "staff"),
    }
    assert two.memberships.count() == 3  # still reaching the unit's earlier years
    # Tasks: open ones of 2025 on go to Phòng Một; a finished one and the 2024 plan stay.
    assert roles({"task": open_task}, TaskUnit) == {"m1": "lead"}
    assert roles({"task": shared}, TaskUnit) == {"m1": "lead"}  # lead wins over coordinating
    assert roles({"task": finished}, TaskUnit) == {"m2": "lead"}
    assert roles({"task": old_task}, TaskUnit) == {"m2": "lead"}
    # Criteria: sets of 2025 on move, one assignment per unit, lead wins.
    assert roles({"criterion": new_criterion}, CriterionAssignment) == {"m1": "coordinating"}
    assert roles({"criterion": both_criterion}, CriterionAssignment) == {"m1": "lead"}
    assert roles({"criterion": old_criterion}, CriterionAssignment) == {"m2": "lead"}


def test_the_earlier_tree_still_shows_the_merged_unit(office):
    services.organization_merge(by=None, source=office["two"], target=office["one"], year=2025)
    before, after = organization_tree(year=2024), organization_tree(year=2025)
    assert before.nodes[office["two"].pk].name == "Phòng Hai"
    assert [c.code for c in before.children(office["two"].pk)] == ["m2a"]
    assert office["two"].pk not in after
    assert [c.code for c in after.children(office["one"].pk)] == ["m2a"]


def test_the_moves_reach_the_audit_log(office):
    one, two = office["one"], office["two"]
    moved_task = task(office, 2025, lead=[two])
    moved_criterion = criterion(office, 2025, "1", {two: "lead"})
    services.organization_merge(source=two, target=one, year=2025, by=office["admin"])

    copies = one.memberships.filter(user__in=[office["head2"], office["staff2"]])
    created = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Membership),
        action=LogEntry.Action.CREATE,
        object_pk__in=[str(pk) for pk in copies.values_list("pk", flat=True)],
        additional_data__organization_id=one.pk,
    )
    assert created.count() == 2
    (task_entry,) = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Task),
        object_pk=str(moved_task.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert task_entry.actor == office["admin"]
    assert task_entry.changes_dict == {services.AUDIT_TASK_UNITS: ["Phòng Hai (Chủ trì)", "Phòng Một (Chủ trì)"]}
    assignment = moved_criterion.assignments.get()
    (update,) = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(CriterionAssignment),
        object_pk=str(assignment.pk),
        action=LogEntry.Action.UPDATE,
    )
    assert update.changes_dict["organization"] == [str(two.pk), str(one.pk)]


def test_a_second_merge_or_a_merge_into_itself_is_refused_and_changes_nothing(office):
    one, two = office["one"], office["two"]
    with pytest.raises(ApplicationError, match="chính nó"):
        services.organization_merge(by=None, source=two, target=two, year=2025)
    services.organization_merge(by=None, source=two, target=one, year=2025)
    members, tasks = Membership.objects.count(), TaskUnit.objects.count()
    for year in (2025, 2024, 2026):
        with pytest.raises(ApplicationError, match="đã được sáp nhập từ năm 2025; không thể sáp nhập lần nữa"):
            services.organization_merge(by=None, source=two, target=office["dept"], year=year)
    with pytest.raises(ApplicationError, match="hãy chọn đơn vị còn hoạt động"):
        services.organization_merge(by=None, source=one, target=two, year=2024)
    assert (Membership.objects.count(), TaskUnit.objects.count()) == (members, tasks)
    assert organization_tree(year=2024).nodes[two.pk].valid_until == 2024


def test_a_refused_merge_rolls_everything_back(office, monkeypatch):
    one, two = office["one"], office["two"]
    open_task = task(office, 2025, lead=[two])

    def broken(**kwargs):
        raise RuntimeError("lỗi giữa chừng")

    monkeypatch.setattr(services, "_merge_criterion_assignments", broken)
    with pytest.raises(RuntimeError):
        services.organization_merge(by=None, source=two, target=one, year=2025)
    assert roles({"task": open_task}, TaskUnit) == {"m2": "lead"}
    assert one.memberships.count() == 1
    assert two.pk in organization_tree(year=2025)


@pytest.mark.usefixtures("demo")
def test_the_merge_page_previews_what_moves_then_merges_on_confirmation(login_as):
    tt, vp = Organization.objects.get(code="bp-stnmt-tt"), Organization.objects.get(code="bp-stnmt-vp")
    expected = merge_footprint(source=tt, target=vp, year=2026)
    assert (expected.memberships, expected.criterion_assignments) == (2, 0)
    assert expected.task_units > 0
    client = login_as("admin")
    url = reverse("organizations:merge", args=[tt.pk])
    form = {"target": vp.pk, "year": 2026, "note": "QĐ 1"}

    html = client.post(url, form).content.decode()
    assert 'data-testid="merge-preview"' in html
    assert f"<strong>{expected.task_units}</strong> nhiệm vụ kế hoạch chưa hoàn thành" in html
    assert f'name="confirm" value="{vp.pk}-2026"' in html
    assert tt.pk in organization_tree(year=2026)  # nothing merged yet

    # Confirming another year than the one previewed only previews again.
    html = client.post(url, {**form, "year": 2025, "confirm": f"{vp.pk}-2026"}).content.decode()
    assert 'name="confirm" value="' + f'{vp.pk}-2025"' in html
    assert tt.pk in organization_tree(year=2026)

    response = client.post(url, {**form, "confirm": f"{vp.pk}-2026"}, follow=True)
    assert tt.pk not in organization_tree(year=2026)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "Đã sáp nhập “Phòng Thanh tra” vào “Văn phòng Sở” từ năm 2026" in message
    assert f"{expected.task_units} nhiệm vụ kế hoạch chưa hoàn thành" in message
    assert not Occurrence.objects.filter(
        task__plan__year=2026, task__units__organization=tt, done_on__isnull=True
    ).exists()


@pytest.mark.usefixtures("demo")
def test_the_merge_page_refuses_a_second_merge_in_vietnamese(login_as):
    tt, vp = Organization.objects.get(code="bp-stnmt-tt"), Organization.objects.get(code="bp-stnmt-vp")
    services.organization_merge(by=None, source=tt, target=vp, year=2026)
    client = login_as("admin")
    client.post(reverse("year_switch"), {"year": 2025})
    html = client.post(reverse("organizations:merge", args=[tt.pk]), {"target": vp.pk, "year": 2025}).content.decode()
    assert "đã được sáp nhập từ năm 2026; không thể sáp nhập lần nữa" in html
    assert 'data-testid="merge-preview"' not in html
