"""Deadline reminders: which occurrences are due in 7 days, 1 day, or overdue, and a notice for
every member of each lead unit. Safe to run again: one notice per user, occurrence and kind."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from parindex.criteria.models import AssignmentRole
from parindex.notifications.models import NoticeKind, Notification
from parindex.organizations.models import Membership
from parindex.plans.models import Occurrence, TaskUnit

WORKING_ROLES = ("unit_head", "staff")


def _message(kind: str, occurrence: Occurrence, today: date) -> str:
    task = occurrence.task
    head = f"{task.number} {task.content[:120]}".strip() + f" — {occurrence.label}"
    if kind == NoticeKind.OVERDUE:
        return f"Quá hạn {(today - occurrence.due).days} ngày (hạn {occurrence.due:%d/%m/%Y}): {head}"
    return f"Đến hạn ngày {occurrence.due:%d/%m/%Y}: {head}"


@transaction.atomic
def reminders_send(*, today: date) -> dict[str, int]:
    targets = {
        NoticeKind.DUE_IN_7: Occurrence.objects.filter(due=today + timedelta(days=7)),
        NoticeKind.DUE_IN_1: Occurrence.objects.filter(due=today + timedelta(days=1)),
        NoticeKind.OVERDUE: Occurrence.objects.filter(due__lt=today),
    }
    sent: dict[str, int] = {}
    for kind, occurrences in targets.items():
        # Deadline occurrences only: the monthly review points of open-ended tasks (review=True,
        # "Thường xuyên", "Theo yêu cầu") have no deadline, so they are worked from "Việc của tôi"
        # and the plan page but never reminded about as due or overdue.
        occurrences = list(occurrences.filter(done_on__isnull=True, review=False).select_related("task"))
        leads = TaskUnit.objects.filter(task__in={o.task_id for o in occurrences}, role=AssignmentRole.LEAD)
        units_by_task: dict[int, set[int]] = {}
        for task_id, org_id in leads.values_list("task_id", "organization_id"):
            units_by_task.setdefault(task_id, set()).add(org_id)
        members: dict[int, set[int]] = {}
        for org_id, user_id in Membership.objects.filter(
            organization_id__in={o for s in units_by_task.values() for o in s}, role__in=WORKING_ROLES
        ).values_list("organization_id", "user_id"):
            members.setdefault(org_id, set()).add(user_id)
        notices = [
            Notification(user_id=user_id, kind=kind, occurrence=occurrence, message=_message(kind, occurrence, today))
            for occurrence in occurrences
            for user_id in {u for org in units_by_task.get(occurrence.task_id, ()) for u in members.get(org, ())}
        ]
        # ignore_conflicts + the unique constraint make a rerun (or two schedulers) send nothing twice.
        before = Notification.objects.filter(kind=kind).count()
        Notification.objects.bulk_create(notices, ignore_conflicts=True, batch_size=500)
        sent[kind] = Notification.objects.filter(kind=kind).count() - before
    return sent


def notifications_mark_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
