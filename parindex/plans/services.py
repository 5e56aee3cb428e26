"""Writes for plans: creation, atomic appendix import, occurrences, progress, completion,
extensions. Every refusal is a Vietnamese ApplicationError and changes nothing."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parindex.core.errors import ApplicationError
from parindex.core.uploads import content_matches
from parindex.criteria.models import unit_roles
from parindex.engine.deadlines import WorkingCalendar, due_after_event, expand
from parindex.plans.appendix import TaskDraft
from parindex.plans.models import (
    CalendarDay,
    DayOffKind,
    ExtensionRequest,
    ExtensionStatus,
    Occurrence,
    Plan,
    ProgressFile,
    ProgressUpdate,
    Task,
    TaskUnit,
)

ERR_NO_TASKS = "Không có nhiệm vụ nào để lưu."
ERR_ALREADY_DONE = "Kỳ này đã được đánh dấu hoàn thành ngày {day:%d/%m/%Y}."
ERR_STALE = "Người khác vừa cập nhật kỳ này; hãy tải lại trang để xem thay đổi rồi làm lại."
ERR_PERCENT = "Tiến độ phải từ 0 đến 100 %."
ERR_DONE_IN_FUTURE = "Ngày hoàn thành không thể sau hôm nay."
ERR_EXTENSION_LATE = "Chỉ đề nghị gia hạn trước khi đến hạn ({due:%d/%m/%Y})."
ERR_EXTENSION_NOT_LATER = "Hạn đề nghị phải sau hạn hiện tại ({due:%d/%m/%Y})."
ERR_EXTENSION_PENDING = "Kỳ này đang có một đề nghị gia hạn chờ duyệt."
ERR_EXTENSION_DECIDED = "Đề nghị này đã được xử lý."
ERR_NO_DUE = "Kỳ này chưa có hạn nên không cần gia hạn."
ERR_NOT_EVENT = "Kỳ này không tính hạn theo sự kiện."
ERR_FILE_SIZE = "Tệp “{name}” lớn hơn {limit} MB."
ERR_FILE_TYPE = "Tệp “{name}” không thuộc loại được nhận (PDF, Word, Excel, ảnh)."
MAX_FILE_MB = 10


def working_calendar() -> WorkingCalendar:
    days = list(CalendarDay.objects.values_list("day", "kind"))
    return WorkingCalendar(
        extra_days_off=[d for d, k in days if k == DayOffKind.OFF],
        extra_workdays=[d for d, k in days if k == DayOffKind.WORK],
    )


@dataclass
class PlanFields:
    organization_id: int
    year: int
    kind: str
    title: str
    document_number: str = ""
    document_date: date | None = None
    objectives: str = ""


@transaction.atomic
def plan_create(*, fields: PlanFields, by=None) -> Plan:
    plan = Plan(created_by=by, **fields.__dict__)
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_import(*, fields: PlanFields, drafts: list[TaskDraft], unit_choices: dict[str, int | None], by=None) -> Plan:
    """Create the plan with every task, its units and occurrences, in one transaction.
    `unit_choices` maps an unmatched unit text ("Chủ trì: VPĐK") to the unit a person chose."""
    if not drafts:
        raise ApplicationError(ERR_NO_TASKS)
    plan = plan_create(fields=fields, by=by)
    calendar = working_calendar()
    for position, draft in enumerate(drafts, start=1):
        lead, coordinating = list(draft.lead_ids), list(draft.coordinating_ids)
        unresolved = []
        for text in draft.unresolved:
            chosen = unit_choices.get(text)
            if chosen:
                (lead if text.startswith("Chủ trì") else coordinating).append(chosen)
            else:
                unresolved.append(text)
        task = Task(
            plan=plan,
            position=position,
            number=draft.number,
            group=draft.group,
            content=draft.content,
            product=draft.product,
            timing_text=draft.timing,
            deadline_rule=draft.deadline_rule,
            unresolved_units=unresolved,
        )
        task.full_clean(exclude=["plan"])
        task.save()
        task_units_set(task=task, lead=lead, coordinating=coordinating)
        occurrences_generate(task=task, year=plan.year, calendar=calendar)
    return plan


ERR_TIMING = "Không hiểu thời gian “{text}”: {detail}"
ERR_UNKNOWN_CRITERIA = "Bộ tiêu chí năm {year} không có mã: {codes}."


@transaction.atomic
def task_update(
    *, task: Task, number: str, group: str, content: str, product: str, timing_text: str, lead: list[int],
    coordinating: list[int], responsible: str, criteria_codes: list[str], known_codes: set[str] | None,
) -> Task:  # fmt: skip
    """Save a task; a changed timing is re-read and occurrences not yet worked on follow it,
    while occurrences with progress or completion are kept as they are."""
    from parindex.engine.timing_parser import parse_timing

    parsed = parse_timing(timing_text, task.plan.year)
    if not parsed.ok:
        raise ApplicationError(
            ERR_TIMING.format(text=timing_text, detail=" ".join(parsed.problems)), field="timing_text"
        )
    if known_codes is not None and (unknown := [c for c in criteria_codes if c not in known_codes]):
        raise ApplicationError(
            ERR_UNKNOWN_CRITERIA.format(year=task.plan.year, codes=", ".join(unknown)), field="criteria_codes"
        )
    rule_changed = parsed.rule != task.deadline_rule
    task.number, task.group, task.content, task.product = number, group, content, product
    task.timing_text, task.deadline_rule, task.responsible = timing_text, parsed.rule, responsible
    task.criteria_codes = criteria_codes
    task.full_clean()
    task.save()
    task_units_set(task=task, lead=lead, coordinating=coordinating)
    if rule_changed:
        task.occurrences.filter(done_on__isnull=True, updates__isnull=True, extensions__isnull=True).delete()
        occurrences_generate(task=task, year=task.plan.year)
    return task


def task_units_set(*, task: Task, lead: list[int], coordinating: list[int]) -> None:
    TaskUnit.objects.filter(task=task).delete()
    TaskUnit.objects.bulk_create(
        TaskUnit(task=task, organization_id=org_id, role=role) for org_id, role in unit_roles(lead, coordinating)
    )


def occurrences_generate(*, task: Task, year: int, calendar: WorkingCalendar | None = None) -> int:
    """Create the task's missing occurrences for `year`; existing ones (with their progress) stay."""
    if not task.deadline_rule:
        return 0
    existing = set(task.occurrences.values_list("key", flat=True))
    new = [
        Occurrence(task=task, key=o.key, label=o.label, due=o.due, starts=o.starts, review=o.review)
        for o in expand(task.deadline_rule, year, calendar or working_calendar())
        if o.key not in existing
    ]
    Occurrence.objects.bulk_create(new)
    return len(new)


def upload_validate(upload) -> None:
    """Size limit and content sniffing: the name's extension must match the file's first bytes."""
    name = upload.name
    if upload.size > MAX_FILE_MB * 1024 * 1024:
        raise ApplicationError(ERR_FILE_SIZE.format(name=name, limit=MAX_FILE_MB), field="files")
    if not content_matches(upload):
        raise ApplicationError(ERR_FILE_TYPE.format(name=name), field="files")


@transaction.atomic
def progress_add(
    *, occurrence: Occurrence, author, text: str, percent: int, evidence_link: str = "", files=()
) -> ProgressUpdate:
    if not 0 <= percent <= 100:
        raise ApplicationError(ERR_PERCENT, field="percent")
    for upload in files:
        upload_validate(upload)
    update = ProgressUpdate(
        occurrence=occurrence, author=author, text=text, percent=percent, evidence_link=evidence_link
    )
    update.full_clean()
    update.save()
    for upload in files:
        content_type = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
        ProgressFile.objects.create(
            update=update, file=upload, original_name=upload.name[:255], size=upload.size, content_type=content_type
        )
    Occurrence.objects.filter(pk=occurrence.pk).update(percent=percent, version=F("version") + 1)
    return update


@transaction.atomic
def occurrence_mark_done(
    *, occurrence: Occurrence, by, done_on: date, product: str, expected_version: int, today: date
) -> None:
    if done_on > today:
        raise ApplicationError(ERR_DONE_IN_FUTURE, field="done_on")
    claimed = Occurrence.objects.filter(pk=occurrence.pk, version=expected_version, done_on__isnull=True).update(
        done_on=done_on, done_product=product, percent=100, version=F("version") + 1
    )
    if claimed:
        ProgressUpdate.objects.create(
            occurrence=occurrence, author=by, text=f"Hoàn thành. Sản phẩm: {product}", percent=100
        )
        return
    current = Occurrence.objects.get(pk=occurrence.pk)
    if current.done_on:
        raise ApplicationError(ERR_ALREADY_DONE.format(day=current.done_on))
    raise ApplicationError(ERR_STALE)


def occurrence_record_event(*, occurrence: Occurrence, event_date: date) -> None:
    rule = occurrence.task.deadline_rule or {}
    inner = next((r for r in rule.get("rules", [rule]) if r.get("kind") == "after_event"), None)
    if inner is None:
        raise ApplicationError(ERR_NOT_EVENT)
    occurrence.event_date = event_date
    occurrence.due = due_after_event(inner, event_date, working_calendar())
    occurrence.version += 1
    occurrence.save(update_fields=["event_date", "due", "version", "updated_at"])


@transaction.atomic
def extension_request(*, occurrence: Occurrence, by, new_due: date, reason: str, today: date) -> ExtensionRequest:
    if occurrence.due is None:
        raise ApplicationError(ERR_NO_DUE)
    if today > occurrence.due:
        raise ApplicationError(ERR_EXTENSION_LATE.format(due=occurrence.due))
    if new_due <= occurrence.due:
        raise ApplicationError(ERR_EXTENSION_NOT_LATER.format(due=occurrence.due), field="new_due")
    if occurrence.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ApplicationError(ERR_EXTENSION_PENDING)
    request = ExtensionRequest(
        occurrence=occurrence, requested_by=by, old_due=occurrence.due, new_due=new_due, reason=reason
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, by, approve: bool, note: str = "") -> None:
    decided = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
        decided_by=by,
        decided_at=timezone.now(),
        decision_note=note,
    )
    if not decided:
        raise ApplicationError(ERR_EXTENSION_DECIDED)
    if approve:
        Occurrence.objects.filter(pk=request.occurrence_id).update(due=request.new_due, version=F("version") + 1)
