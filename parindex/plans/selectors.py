from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch, Q, QuerySet

from parindex.criteria.models import AssignmentRole
from parindex.engine.deadlines import STATUS_LABELS, completion_ratio, days_late, describe, occurrence_status
from parindex.plans.models import ExtensionRequest, ExtensionStatus, Occurrence, Plan, Task, TaskUnit

UPCOMING_DAYS = 30


@dataclass
class OccurrenceRow:
    occurrence: Occurrence
    status: str
    days_late: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def plans_visible(*, org_ids: frozenset[int], year: int) -> QuerySet[Plan]:
    """Plans of the organizations in scope, plus plans with a task assigned to one of them."""
    return (
        Plan.objects.filter(year=year)
        .filter(Q(organization_id__in=org_ids) | Q(tasks__units__organization_id__in=org_ids))
        .distinct()
        .select_related("organization")
    )


def _occurrences() -> QuerySet[Occurrence]:
    return Occurrence.objects.select_related("task", "task__plan").prefetch_related(
        Prefetch("task__units", queryset=TaskUnit.objects.select_related("organization"))
    )


def my_work(*, unit_ids: set[int], year: int, today: date) -> dict[str, list[OccurrenceRow]]:
    """Occurrences of tasks assigned to the user's units, in the buckets "Việc của tôi" shows."""
    occurrences = (
        _occurrences()
        .filter(task__units__organization_id__in=unit_ids, task__plan__year=year, review=False)
        .distinct()
        .order_by("due", "task__position")
    )
    buckets: dict[str, list[OccurrenceRow]] = {
        "overdue": [], "due_soon": [], "upcoming": [], "later": [], "event": [], "done": []
    }  # fmt: skip
    horizon = today + timedelta(days=UPCOMING_DAYS)
    for occurrence in occurrences:
        status = occurrence_status(occurrence.due, occurrence.done_on, today)
        row = OccurrenceRow(occurrence, status, days_late(occurrence.due, occurrence.done_on, today))
        if status in {"done_on_time", "done_late"}:
            buckets["done"].append(row)
        elif status == "no_deadline":
            buckets["event"].append(row)
        elif status == "not_due":
            buckets["upcoming" if occurrence.due <= horizon else "later"].append(row)
        else:
            buckets[status].append(row)
    buckets["done"] = sorted(buckets["done"], key=lambda r: r.occurrence.done_on, reverse=True)[:20]
    return buckets


@dataclass
class TaskRow:
    task: Task
    lead: list[str]
    coordinating: list[str]
    deadline: str
    occurrences: list[OccurrenceRow]
    counts: Counter = field(default_factory=Counter)


@dataclass
class PlanOverview:
    tasks: list[TaskRow]
    totals: Counter
    by_unit: list[tuple[str, Counter]]
    overdue: list[tuple[OccurrenceRow, TaskRow]]
    groups: list[str]

    @property
    def ratio(self) -> tuple[int, int]:
        return completion_ratio(self.totals.elements())


def plan_overview(*, plan: Plan, today: date, unit_id: int | None = None, group: str = "", status: str = "",
                  criterion: str = "") -> PlanOverview:  # fmt: skip
    """Everything the plan page shows, in three queries whatever the number of tasks."""
    tasks = list(
        plan.tasks.order_by("position").prefetch_related(
            Prefetch("units", queryset=TaskUnit.objects.select_related("organization")),
            Prefetch("occurrences", queryset=Occurrence.objects.filter(review=False).order_by("due", "key")),
        )
    )
    names = _unit_names(tasks, plan.year)
    rows, totals, per_unit = [], Counter(), defaultdict(Counter)
    overdue = []
    groups = list(dict.fromkeys(t.group for t in tasks if t.group))
    for task in tasks:
        units = list(task.units.all())
        if unit_id and not any(u.organization_id == unit_id for u in units):
            continue
        if group and task.group != group:
            continue
        if criterion and criterion not in task.criteria_codes:
            continue
        occurrence_rows = [
            OccurrenceRow(o, occurrence_status(o.due, o.done_on, today), days_late(o.due, o.done_on, today))
            for o in task.occurrences.all()
        ]
        if status:
            occurrence_rows = [r for r in occurrence_rows if r.status == status]
            if not occurrence_rows:
                continue
        row = TaskRow(
            task=task,
            lead=[names[u.organization_id] for u in units if u.role == AssignmentRole.LEAD],
            coordinating=[names[u.organization_id] for u in units if u.role == AssignmentRole.COORDINATING],
            deadline=describe(task.deadline_rule) if task.deadline_rule else "Chưa xác định",
            occurrences=occurrence_rows,
            counts=Counter(r.status for r in occurrence_rows),
        )
        rows.append(row)
        totals.update(row.counts)
        for unit in units:
            if unit.role == AssignmentRole.LEAD:
                per_unit[names[unit.organization_id]].update(row.counts)
        overdue += [(r, row) for r in occurrence_rows if r.status == "overdue"]
    overdue.sort(key=lambda item: -item[0].days_late)
    return PlanOverview(rows, totals, sorted(per_unit.items()), overdue, groups)


def _unit_names(tasks: list[Task], year: int) -> dict[int, str]:
    from parindex.organizations.selectors import organization_tree

    tree = organization_tree(year=year)
    names = {}
    for task in tasks:
        for unit in task.units.all():
            node = tree.nodes.get(unit.organization_id)
            names[unit.organization_id] = (node.short_name or node.name) if node else unit.organization.code
    return names


def occurrences_completion(pairs, today: date) -> tuple[int, int]:
    """(b, a) over (due, done_on) pairs: done (on time or late) over due — the input of
    "Tỷ lệ hoàn thành kế hoạch CCHC" and of any criterion fed by plan tasks."""
    return completion_ratio(occurrence_status(due, done_on, today) for due, done_on in pairs)


def plan_completion_ratio(*, plan: Plan, today: date) -> tuple[int, int]:
    pairs = Occurrence.objects.filter(task__plan=plan, review=False).values_list("due", "done_on")
    return occurrences_completion(pairs, today)


def extension_requests_pending(*, org_ids: frozenset[int]) -> QuerySet[ExtensionRequest]:
    return (
        ExtensionRequest.objects.filter(
            status=ExtensionStatus.PENDING, occurrence__task__plan__organization_id__in=org_ids
        )
        .select_related("occurrence", "occurrence__task", "occurrence__task__plan", "requested_by")
        .order_by("created_at")
    )


def occurrence_for_user(*, pk: int, unit_ids: set[int], plan_org_ids: frozenset[int]) -> Occurrence | None:
    """An occurrence the user may see: its task is assigned to one of the user's units, or its plan
    belongs to an organization the user oversees."""
    return (
        _occurrences()
        .filter(pk=pk)
        .filter(Q(task__units__organization_id__in=unit_ids) | Q(task__plan__organization_id__in=plan_org_ids))
        .distinct()
        .first()
    )
