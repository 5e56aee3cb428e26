from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet

from parindex.criteria.models import AssignmentRole
from parindex.engine.deadlines import (
    DUE_SOON_DAYS,
    STATUS_LABELS,
    completion_ratio,
    days_late,
    describe,
    occurrence_status,
)
from parindex.plans.models import (
    CalendarDay,
    ExtensionRequest,
    ExtensionStatus,
    Occurrence,
    Plan,
    ProgressUpdate,
    Task,
    TaskUnit,
)

UPCOMING_DAYS = 30
# Statuses of a review point (Occurrence.review): a monthly check-in of an open-ended task
# ("Thường xuyên", "Theo yêu cầu", "… và các năm tiếp theo"). It has no deadline, so it is never
# overdue and never enters the completion ratio; it is either still to review or reviewed.
REVIEW_STATUS_LABELS = {"to_review": "Chưa rà soát", "reviewed": "Đã rà soát"}


def review_label(occurrence: Occurrence) -> str:
    """The label shown for a review point, "Rà soát tháng 06/2025" (the engine stores "… 6/2025")."""
    return f"Rà soát tháng {occurrence.due:%m/%Y}" if occurrence.due else occurrence.label


@dataclass
class OccurrenceRow:
    occurrence: Occurrence
    status: str
    days_late: int

    @property
    def status_label(self) -> str:
        return REVIEW_STATUS_LABELS.get(self.status) or STATUS_LABELS[self.status]

    @property
    def label(self) -> str:
        return review_label(self.occurrence) if self.occurrence.review else self.occurrence.label

    @classmethod
    def of(cls, occurrence: Occurrence, today: date) -> OccurrenceRow:
        if occurrence.review:
            return cls(occurrence, "reviewed" if occurrence.done_on else "to_review", 0)
        due, done_on = occurrence.due, occurrence.done_on
        return cls(occurrence, occurrence_status(due, done_on, today), days_late(due, done_on, today))


def current_review(reviews: list[Occurrence], today: date) -> Occurrence | None:
    """Of one task's review points (sorted by due), the one of the month `today` is in, else the
    latest whose month has begun (a past year: December), else the first (a future year)."""
    begun = [o for o in reviews if o.due and o.due.replace(day=1) <= today]
    return begun[-1] if begun else (reviews[0] if reviews else None)


def _split_reviews(occurrences, today: date) -> tuple[list[Occurrence], dict[int, Occurrence]]:
    """Deadline occurrences as they come, and each task's current review point."""
    deadlines, reviews = [], defaultdict(list)
    for occurrence in occurrences:
        (reviews[occurrence.task_id] if occurrence.review else deadlines).append(occurrence)
    current = {}
    for task_id, points in reviews.items():
        if chosen := current_review(sorted(points, key=lambda o: (o.due or date.max, o.key)), today):
            current[task_id] = chosen
    return deadlines, current


def plans_visible(*, org_ids: frozenset[int], year: int) -> QuerySet[Plan]:
    """Plans of the organizations in scope, plus plans with a task assigned to one of them (a
    subquery: a join through tasks and units would repeat a plan per assigned task, then DISTINCT)."""
    assigned = TaskUnit.objects.filter(organization_id__in=org_ids).values("task__plan_id")
    return (
        Plan.objects.filter(year=year)
        .filter(Q(organization_id__in=org_ids) | Q(pk__in=assigned))
        .select_related("organization")
    )


@dataclass(frozen=True)
class PlanProgress:
    done: int
    due: int
    overdue: int

    @property
    def percent(self) -> int | None:
        return round(self.done * 100 / self.due) if self.due else None


def _progress_counts(today: date) -> dict[str, Count]:
    """engine.deadlines' completion ratio as SQL counts, over deadline occurrences (not review
    points): done is done on time or late (done_on set), overdue is not done and past due, and
    due is their sum; test_progress_in_sql holds the two to the same figures."""
    return {
        "done": Count("pk", filter=Q(done_on__isnull=False)),
        "overdue": Count("pk", filter=Q(done_on__isnull=True, due__lt=today)),
    }


def plans_progress(*, plan_ids: list[int], today: date) -> dict[int, PlanProgress]:
    """Done / due and overdue per plan, counted by the database in one query for any number of
    plans (plan list, dashboard)."""
    rows = (
        Occurrence.objects.filter(task__plan_id__in=plan_ids, review=False)
        .values("task__plan_id")
        .annotate(**_progress_counts(today))
        .order_by()
    )
    counts = {row["task__plan_id"]: row for row in rows}
    progress = {}
    for plan_id in plan_ids:
        row = counts.get(plan_id, {"done": 0, "overdue": 0})
        progress[plan_id] = PlanProgress(row["done"], row["done"] + row["overdue"], row["overdue"])
    return progress


def plans_with_progress(*, org_ids: frozenset[int], year: int, today: date) -> list[tuple[Plan, PlanProgress]]:
    """The visible plans of a year, each with its progress (plan list, dashboard): two queries."""
    plans = list(plans_visible(org_ids=org_ids, year=year))
    progress = plans_progress(plan_ids=[plan.pk for plan in plans], today=today)
    return [(plan, progress[plan.pk]) for plan in plans]


def _occurrences() -> QuerySet[Occurrence]:
    return Occurrence.objects.select_related("task", "task__plan").prefetch_related(
        Prefetch("task__units", queryset=TaskUnit.objects.select_related("organization"))
    )


def _my_occurrences(unit_ids: set[int], year: int) -> QuerySet[Occurrence]:
    """Occurrences of the year's tasks assigned to any of the units, each once (a subquery, not
    a join that repeats a task per assigned unit and needs DISTINCT)."""
    assigned = TaskUnit.objects.filter(organization_id__in=unit_ids).values("task_id")
    return _occurrences().filter(task_id__in=assigned, task__plan__year=year)


def my_work_counts(*, unit_ids: set[int], year: int, today: date) -> dict[str, int]:
    """How many of "Việc của tôi"'s deadlines are overdue, due within DUE_SOON_DAYS, or due within
    UPCOMING_DAYS after that: the buckets of my_work, counted by the database (the dashboard)."""
    open_deadlines = Q(review=False, done_on__isnull=True)
    soon, horizon = today + timedelta(days=DUE_SOON_DAYS), today + timedelta(days=UPCOMING_DAYS)
    assigned = TaskUnit.objects.filter(organization_id__in=unit_ids).values("task_id")
    return Occurrence.objects.filter(task_id__in=assigned, task__plan__year=year).aggregate(
        overdue=Count("pk", filter=open_deadlines & Q(due__lt=today)),
        due_soon=Count("pk", filter=open_deadlines & Q(due__gte=today, due__lte=soon)),
        upcoming=Count("pk", filter=open_deadlines & Q(due__gt=soon, due__lte=horizon)),
    )


def my_work(*, unit_ids: set[int], year: int, today: date) -> dict[str, list[OccurrenceRow]]:
    """Occurrences of tasks assigned to the user's units, in the buckets "Việc của tôi" shows;
    open-ended tasks appear once, in "review", with their current review point."""
    occurrences = _my_occurrences(unit_ids, year).order_by("due", "task__position")
    buckets: dict[str, list[OccurrenceRow]] = {
        "overdue": [], "due_soon": [], "upcoming": [], "later": [], "event": [], "review": [], "done": []
    }  # fmt: skip
    horizon = today + timedelta(days=UPCOMING_DAYS)
    deadlines, reviews = _split_reviews(occurrences, today)
    buckets["review"] = sorted(
        (OccurrenceRow.of(o, today) for o in reviews.values()),
        key=lambda r: (r.status == "reviewed", r.occurrence.task.plan_id, r.occurrence.task.position),
    )
    for occurrence in deadlines:
        row = OccurrenceRow.of(occurrence, today)
        status = row.status
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
    occurrences: list[OccurrenceRow]  # deadline occurrences only: what counts and what can be overdue
    counts: Counter = field(default_factory=Counter)
    review: OccurrenceRow | None = None  # the current review point of an open-ended task


@dataclass
class PlanOverview:
    tasks: list[TaskRow]
    totals: Counter
    by_unit: list[tuple[str, Counter]]
    overdue: list[tuple[OccurrenceRow, TaskRow]]
    groups: list[str]
    reviews: Counter = field(default_factory=Counter)  # current review points: to_review / reviewed

    @property
    def ratio(self) -> tuple[int, int]:
        return completion_ratio(self.totals.elements())


def plan_overview(*, plan: Plan, today: date, unit_id: int | None = None, group: str = "", status: str = "",
                  criterion: str = "") -> PlanOverview:  # fmt: skip
    """Everything the plan page shows, in three queries whatever the number of tasks. Review points
    are kept apart: each open-ended task shows its current one, outside the counts and the ratio.
    `status` "to_review" keeps the open-ended tasks whose current review point is not yet done."""
    tasks = list(
        plan.tasks.order_by("position").prefetch_related(
            Prefetch("units", queryset=TaskUnit.objects.select_related("organization")),
            Prefetch("occurrences", queryset=Occurrence.objects.order_by("due", "key")),
        )
    )
    names = _unit_names(tasks, plan.year)
    rows, totals, per_unit, reviews = [], Counter(), defaultdict(Counter), Counter()
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
        deadlines, current = _split_reviews(task.occurrences.all(), today)
        occurrence_rows = [OccurrenceRow.of(o, today) for o in deadlines]
        review = OccurrenceRow.of(current[task.pk], today) if task.pk in current else None
        if status in REVIEW_STATUS_LABELS:
            if review is None or review.status != status:
                continue
            occurrence_rows = []
        elif status:
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
            review=review,
        )
        rows.append(row)
        if review:
            reviews[review.status] += 1
        totals.update(row.counts)
        for unit in units:
            if unit.role == AssignmentRole.LEAD:
                per_unit[names[unit.organization_id]].update(row.counts)
        overdue += [(r, row) for r in occurrence_rows if r.status == "overdue"]
    overdue.sort(key=lambda item: -item[0].days_late)
    return PlanOverview(rows, totals, sorted(per_unit.items()), overdue, groups, reviews)


def _unit_names(tasks: list[Task], year: int) -> dict[int, str]:
    from parindex.organizations.selectors import organization_tree

    tree = organization_tree(year=year)
    names = {}
    for task in tasks:
        for unit in task.units.all():
            node = tree.nodes.get(unit.organization_id)
            names[unit.organization_id] = (node.short_name or node.name) if node else unit.organization.code
    return names


def task_footprint(*, task: Task) -> dict[str, int]:
    """What deleting the task removes with it, for the confirmation page."""
    return {
        "occurrence_count": task.occurrences.count(),
        "update_count": ProgressUpdate.objects.filter(occurrence__task=task).count(),
        "done_count": task.occurrences.filter(done_on__isnull=False).count(),
    }


def plan_completion_ratio(*, plan: Plan, today: date) -> tuple[int, int]:
    progress = plans_progress(plan_ids=[plan.pk], today=today)[plan.pk]
    return progress.done, progress.due


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


def calendar_days_for(*, managed_ids: frozenset[int], tree) -> list[tuple[CalendarDay, bool]]:
    """The days off / make-up days that reach the organizations a user manages: their own and
    those of the organizations above them (shown, not editable), with whether the user may edit each."""
    reach = set(managed_ids)
    for org_id in managed_ids:
        reach |= {node.org_id for node in tree.ancestors(org_id)}
    days = CalendarDay.objects.filter(organization_id__in=reach).select_related("organization")
    return [(day, day.organization_id in managed_ids) for day in days.order_by("day", "organization__code")]
