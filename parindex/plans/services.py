"""Writes for plans: creation, atomic appendix import, occurrences, progress, completion,
extensions. Every refusal is a Vietnamese ApplicationError and changes nothing."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import date

from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from parindex.core.errors import ApplicationError, Forbidden
from parindex.core.uploads import content_matches
from parindex.criteria.models import AssignmentRole, unit_roles
from parindex.engine.deadlines import (
    WorkingCalendar,
    due_after_event,
    expand,
    has_deadline,
    shift_before,
    with_internal_deadline,
)
from parindex.organizations.access import Access, access_for_user
from parindex.organizations.models import Organization, OrganizationKind
from parindex.organizations.permissions import Perm
from parindex.organizations.selectors import organization_tree
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
ERR_REVIEW_NO_EXTENSION = "Điểm rà soát định kỳ không có hạn nên không cần gia hạn."
ERR_NOT_EVENT = "Kỳ này không tính hạn theo sự kiện."
ERR_EVENT_YEAR = "Ngày phát sinh sự kiện phải trong các năm {first}–{last} (quanh năm của kế hoạch)."
ERR_UNITS_NOT_OURS = "Chỉ giao nhiệm vụ cho các đơn vị của chính cơ quan lập kế hoạch."
ERR_FILE_SIZE = "Tệp “{name}” lớn hơn {limit} MB."
ERR_FILE_TYPE = "Tệp “{name}” không thuộc loại được nhận (PDF, Word, Excel, ảnh)."
MAX_FILE_MB = 10
ERR_CALENDAR_FORBIDDEN = (
    "Chỉ quản trị của chính cơ quan này (hoặc của cấp trên) mới được thêm, xóa ngày nghỉ bù, làm bù của cơ quan."
)
ERR_CALENDAR_KIND = "Ngày nghỉ bù, làm bù chỉ đặt cho tỉnh hoặc sở, ban, ngành (áp dụng cho cả các đơn vị trực thuộc)."
ERR_NOT_PLAN_MANAGER = "Bạn không có quyền lập hoặc sửa kế hoạch của cơ quan này."
ERR_NOT_ASSIGNED = "Bạn không thuộc đơn vị được giao nhiệm vụ này nên không cập nhật được."
ERR_NOT_LEAD = (
    "Chỉ đơn vị chủ trì hoặc Văn phòng Sở mới đánh dấu hoàn thành, tính hạn theo sự kiện hoặc đề nghị gia hạn."
)
ERR_NOT_DECIDER = "Bạn không có quyền duyệt đề nghị gia hạn của cơ quan này."
ERR_TASK_STALE = (
    "Người khác vừa sửa nhiệm vụ này; thay đổi của bạn chưa được lưu. "
    "Hãy tải lại trang để xem nội dung mới rồi sửa lại."
)
ERR_ALREADY_IMPORTED = "Kế hoạch này đã được lưu từ bản xem trước này (có thể do bấm “Lưu” hai lần)."
IMPORT_BATCH = 500  # rows per INSERT: well under SQLite's 32 766 bound variables


class PlanAlreadyImported(ApplicationError):
    """The import token was already used: the plan it made is `plan`."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(ERR_ALREADY_IMPORTED)
        self.plan = plan


# --- who may write -------------------------------------------------------------------------
# Views ask the same questions to show or hide buttons; services refuse on their own, so a
# management command or a future API acting for a user of another department is refused too.
# `by=None` is the system itself (seed data, scheduled commands), acting for nobody.


def require_perm(by, *, perm: Perm, organization_id: int, year: int, message: str) -> None:
    if by is not None and not access_for_user(by, year).can(perm, organization_id):
        raise Forbidden(message)


def require_plan_manager(by, *, organization_id: int, year: int) -> None:
    require_perm(by, perm=Perm.PLAN_MANAGE, organization_id=organization_id, year=year, message=ERR_NOT_PLAN_MANAGER)


def may_act(access: Access, occurrence: Occurrence, *, lead_only: bool) -> bool:
    """The plan's managers, or a member of one of the task's units (its lead unit when
    `lead_only`: finishing, event dates, extensions)."""
    if access.can(Perm.PLAN_MANAGE, occurrence.task.plan.organization_id):
        return True
    mine = access.member_unit_ids(Perm.TASK_WORK)
    return any(
        u.organization_id in mine and (u.role == AssignmentRole.LEAD or not lead_only)
        for u in occurrence.task.units.all()
    )


def require_may_act(by, occurrence: Occurrence, *, lead_only: bool) -> None:
    if by is not None and not may_act(access_for_user(by, occurrence.task.plan.year), occurrence, lead_only=lead_only):
        raise Forbidden(ERR_NOT_LEAD if lead_only else ERR_NOT_ASSIGNED)


def _audit_update(instance, *, by, organization_id: int, changes: dict[str, tuple[object, object]]) -> None:
    """Record an update in the audit trail. The conditional QuerySet.update() calls below (which
    make the version and status checks atomic) bypass the save signal django-auditlog listens to.
    `organization_id` lets the entry show on the organization's audit page."""
    changed = {name: [_audit_text(old), _audit_text(new)] for name, (old, new) in changes.items() if old != new}
    if changed:
        additional = {**(getattr(instance, "get_additional_data", dict)() or {}), "organization_id": organization_id}
        LogEntry.objects.log_create(
            instance, action=LogEntry.Action.UPDATE, changes=changed, actor=by, additional_data=additional
        )


def _audit_text(value) -> str:
    if value is None:
        return "None"
    return str(value.pk) if hasattr(value, "pk") else str(value)


def _organization_id(occurrence: Occurrence) -> int:
    return occurrence.task.plan.organization_id  # views load occurrences with their task and plan


def working_calendar(*, organization_id: int, year: int) -> WorkingCalendar:
    """The national calendar with the days off and make-up days of the organization and of
    the organizations above it in `year`'s tree; another department's days never count.
    On one day the nearest organization's entry wins (a department may work a province's day off)."""
    tree = organization_tree(year=year)
    chain = [organization_id] + [node.org_id for node in tree.ancestors(organization_id)]
    depth = {org_id: position for position, org_id in enumerate(chain)}
    kinds: dict[date, tuple[int, str]] = {}
    for org_id, day, kind in CalendarDay.objects.filter(organization_id__in=chain).values_list(
        "organization_id", "day", "kind"
    ):
        if day not in kinds or depth[org_id] < kinds[day][0]:
            kinds[day] = (depth[org_id], kind)
    return WorkingCalendar(
        extra_days_off=[d for d, (_, k) in kinds.items() if k == DayOffKind.OFF],
        extra_workdays=[d for d, (_, k) in kinds.items() if k == DayOffKind.WORK],
    )


def plan_calendar(plan: Plan) -> WorkingCalendar:
    return working_calendar(organization_id=plan.organization_id, year=plan.year)


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
def plan_create(*, fields: PlanFields, by) -> Plan:
    require_plan_manager(by, organization_id=fields.organization_id, year=fields.year)
    plan = Plan(created_by=by, **fields.__dict__)
    plan.full_clean()
    plan.save()
    return plan


def plan_import(
    *, fields: PlanFields, drafts: list[TaskDraft], unit_choices: dict[str, int | None], by,
    import_token: str | None = None,
) -> Plan:  # fmt: skip
    """Create the plan with every task, its units and occurrences. Everything is checked and
    every occurrence computed first; the writes are then a few bulk INSERTs in one short
    transaction (all or nothing). `unit_choices` maps an unmatched unit text ("Chủ trì: VPĐK")
    to the unit a person chose. `import_token` (the preview's) is claimed by the plan's unique
    column: a second save of the same preview raises PlanAlreadyImported with the first plan."""
    if not drafts:
        raise ApplicationError(ERR_NO_TASKS)
    require_plan_manager(by, organization_id=fields.organization_id, year=fields.year)
    if import_token and (saved := Plan.objects.filter(import_token=import_token).first()):
        raise PlanAlreadyImported(saved)
    plan = Plan(created_by=by, import_token=import_token or None, **fields.__dict__)
    plan.full_clean(exclude=["import_token"])  # the token's uniqueness is claimed by the INSERT
    calendar = plan_calendar(plan)
    tasks, units, occurrences = [], [], []
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
        tasks.append(task)
        units += [(task, org_id, role) for org_id, role in unit_roles(lead, coordinating)]
        if draft.deadline_rule:
            occurrences += [(task, o) for o in expand(draft.deadline_rule, plan.year, calendar)]
    try:
        with transaction.atomic():
            plan.save()
            Task.objects.bulk_create(tasks, batch_size=IMPORT_BATCH)
            TaskUnit.objects.bulk_create(
                (TaskUnit(task=task, organization_id=org_id, role=role) for task, org_id, role in units),
                batch_size=IMPORT_BATCH,
            )
            Occurrence.objects.bulk_create(
                (
                    Occurrence(task=task, key=o.key, label=o.label, due=o.due, starts=o.starts, review=o.review)
                    for task, o in occurrences
                ),
                batch_size=IMPORT_BATCH,
            )
            # Bulk writes bypass django-auditlog's signals: one entry says what the import added.
            _audit_update(
                plan, by=by, organization_id=plan.organization_id,
                changes={"Nhiệm vụ": (0, len(tasks)), "Kỳ thực hiện": (0, len(occurrences))},
            )  # fmt: skip
    except IntegrityError:
        saved = Plan.objects.filter(import_token=import_token).first() if import_token else None
        if saved is None:
            raise
        raise PlanAlreadyImported(saved) from None
    return plan


ERR_TIMING = "Không hiểu thời gian “{text}”: {detail}"
INTERNAL_DAYS_MIN, INTERNAL_DAYS_MAX = 1, 30
ERR_INTERNAL_DAYS = f"Hạn nội bộ phải trước hạn của Sở từ {INTERNAL_DAYS_MIN} đến {INTERNAL_DAYS_MAX} ngày làm việc."
ERR_INTERNAL_NO_DEADLINE = "“{text}” không có hạn cụ thể nên không đặt được hạn nội bộ; hãy để trống ô này."
ERR_UNKNOWN_CRITERIA = "Bộ tiêu chí năm {year} không có mã: {codes}."


@transaction.atomic
def task_update(
    *, task: Task, by, expected_version: int, number: str, group: str, content: str, product: str, timing_text: str,
    lead: list[int], coordinating: list[int], responsible: str, criteria_codes: list[str],
    known_codes: set[str] | None, internal_days: int | None = None,
) -> Task:  # fmt: skip
    """Save a task; a changed timing is re-read and occurrences not yet worked on follow it,
    while occurrences with progress or completion are kept as they are. With `internal_days`,
    the timing is the department's deadline and the units' own falls that many working days
    earlier (a cascade rule). `expected_version` is the version the editor's form was made
    from: when someone saved the task since, nothing is saved (ERR_TASK_STALE)."""
    from parindex.engine.timing_parser import parse_timing

    require_plan_manager(by, organization_id=task.plan.organization_id, year=task.plan.year)
    # Claimed first, inside the transaction: a refusal below rolls the claim back with the rest.
    if not Task.objects.filter(pk=task.pk, version=expected_version).update(version=F("version") + 1):
        raise ApplicationError(ERR_TASK_STALE)
    parsed = parse_timing(timing_text, task.plan.year)
    if not parsed.ok:
        raise ApplicationError(
            ERR_TIMING.format(text=timing_text, detail=" ".join(parsed.problems)), field="timing_text"
        )
    rule = parsed.rule
    if internal_days is not None:
        if not INTERNAL_DAYS_MIN <= internal_days <= INTERNAL_DAYS_MAX:
            raise ApplicationError(ERR_INTERNAL_DAYS, field="internal_days")
        if not has_deadline(rule):
            raise ApplicationError(ERR_INTERNAL_NO_DEADLINE.format(text=timing_text), field="internal_days")
        rule = with_internal_deadline(rule, internal_days)
    if known_codes is not None and (unknown := [c for c in criteria_codes if c not in known_codes]):
        raise ApplicationError(
            ERR_UNKNOWN_CRITERIA.format(year=task.plan.year, codes=", ".join(unknown)), field="criteria_codes"
        )
    rule_changed = rule != task.deadline_rule
    task.number, task.group, task.content, task.product = number, group, content, product
    task.timing_text, task.deadline_rule, task.responsible = timing_text, rule, responsible
    task.criteria_codes = criteria_codes
    task.full_clean()
    task.version = expected_version + 1  # as claimed above; set late so a refusal leaves the object as it was
    task.save()
    task_units_set(task=task, lead=lead, coordinating=coordinating)
    if rule_changed:
        task.occurrences.filter(done_on__isnull=True, updates__isnull=True, extensions__isnull=True).delete()
        occurrences_generate(task=task, year=task.plan.year)
    return task


@transaction.atomic
def task_create(*, plan: Plan, by, **fields) -> Task:
    """Add a task at the end of the plan; the same reading of the timing and the same checks as
    task_update, which also makes its units and occurrences. A refusal leaves nothing behind."""
    require_plan_manager(by, organization_id=plan.organization_id, year=plan.year)
    last = plan.tasks.aggregate(last=Max("position"))["last"] or 0
    task = Task(plan=plan, position=last + 1, content=fields.get("content", ""))
    task.save()
    fields.pop("expected_version", None)  # a new task has no version to compare with yet
    return task_update(task=task, by=by, expected_version=task.version, **fields)


@transaction.atomic
def task_delete(*, task: Task, by) -> int:
    """Delete the task with its units, occurrences, progress updates, files and extension requests.
    The cascade goes through Django's collector, so django-auditlog records the task and each
    occurrence it removes. Returns the number of occurrences removed. Stored files are removed once
    the transaction commits."""
    require_plan_manager(by, organization_id=task.plan.organization_id, year=task.plan.year)
    files = [f.file.name for f in ProgressFile.objects.filter(update__occurrence__task=task) if f.file]
    occurrences = task.occurrences.count()
    task.delete()
    if files:
        storage = ProgressFile._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return occurrences


def task_units_set(*, task: Task, lead: list[int], coordinating: list[int]) -> None:
    """The form offers only the plan's own units; a direct call must not hand a task to (and so
    open its work pages to) another department's units."""
    plan = task.plan
    own = organization_tree(year=plan.year).subtree_ids(plan.organization_id)
    if set(lead) - own or set(coordinating) - own:
        raise ApplicationError(ERR_UNITS_NOT_OURS, field="lead")
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
        for o in expand(task.deadline_rule, year, calendar or plan_calendar(task.plan))
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
    *, occurrence: Occurrence, by, text: str, percent: int, evidence_link: str = "", files=()
) -> ProgressUpdate:
    require_may_act(by, occurrence, lead_only=False)
    author = by
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
    _audit_update(
        occurrence,
        by=author,
        organization_id=_organization_id(occurrence),
        changes={"percent": (occurrence.percent, percent)},
    )
    return update


@transaction.atomic
def occurrence_mark_done(
    *, occurrence: Occurrence, by, done_on: date, product: str, expected_version: int, today: date
) -> None:
    require_may_act(by, occurrence, lead_only=True)
    if done_on > today:
        raise ApplicationError(ERR_DONE_IN_FUTURE, field="done_on")
    claimed = Occurrence.objects.filter(pk=occurrence.pk, version=expected_version, done_on__isnull=True).update(
        done_on=done_on, done_product=product, percent=100, version=F("version") + 1
    )
    if claimed:
        _audit_update(
            occurrence,
            by=by,
            organization_id=_organization_id(occurrence),
            changes={
                "done_on": (occurrence.done_on, done_on),
                "done_product": (occurrence.done_product, product),
                "percent": (occurrence.percent, 100),
            },
        )
        text = f"Đã rà soát. Kết quả: {product}" if occurrence.review else f"Hoàn thành. Sản phẩm: {product}"
        ProgressUpdate.objects.create(occurrence=occurrence, author=by, text=text, percent=100)
        return
    current = Occurrence.objects.get(pk=occurrence.pk)
    if current.done_on:
        raise ApplicationError(ERR_ALREADY_DONE.format(day=current.done_on))
    raise ApplicationError(ERR_STALE)


def occurrence_record_event(*, occurrence: Occurrence, by, event_date: date) -> None:
    require_may_act(by, occurrence, lead_only=True)
    rule = occurrence.task.deadline_rule or {}
    # An internal deadline (cascade) wraps the department's rule: the event date is found inside
    # it, then moved ahead by the same number of days as every other deadline of the task.
    cascade = rule if rule.get("kind") == "cascade" else None
    rule = cascade["rule"] if cascade else rule
    inner = next((r for r in rule.get("rules", [rule]) if r.get("kind") == "after_event"), None)
    if inner is None:
        raise ApplicationError(ERR_NOT_EVENT)
    year = occurrence.task.plan.year
    # A plan's events happen around its year; a date far off is a typo (and 31/12/9999 plus
    # working days would overflow the calendar).
    if not year - 1 <= event_date.year <= year + 1:
        raise ApplicationError(ERR_EVENT_YEAR.format(first=year - 1, last=year + 1), field="event_date")
    calendar = plan_calendar(occurrence.task.plan)
    occurrence.event_date = event_date
    occurrence.due = due_after_event(inner, event_date, calendar)
    if cascade:
        occurrence.due = shift_before(occurrence.due, cascade, calendar)
    occurrence.version += 1
    occurrence.save(update_fields=["event_date", "due", "version", "updated_at"])


@transaction.atomic
def extension_request(*, occurrence: Occurrence, by, new_due: date, reason: str, today: date) -> ExtensionRequest:
    require_may_act(by, occurrence, lead_only=True)
    if occurrence.review:
        raise ApplicationError(ERR_REVIEW_NO_EXTENSION)
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
    """Approve or refuse a pending request. The decision is claimed by a conditional UPDATE
    (pending → decided): of concurrent decisions exactly one wins, the others are told it was
    already decided (ERR_EXTENSION_DECIDED) and change nothing."""
    plan = Plan.objects.only("organization_id", "year").get(tasks__occurrences__extensions=request)
    require_perm(
        by, perm=Perm.EXTENSION_DECIDE, organization_id=plan.organization_id, year=plan.year, message=ERR_NOT_DECIDER
    )
    status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    decided = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_note=note
    )
    if not decided:
        raise ApplicationError(ERR_EXTENSION_DECIDED)
    occurrence = Occurrence.objects.select_related("task__plan").get(pk=request.occurrence_id)
    organization_id = _organization_id(occurrence)
    changes = {
        "status": (ExtensionStatus.PENDING, status),
        "decided_by": (None, by),
        "decision_note": ("", note),
    }
    _audit_update(request, by=by, organization_id=organization_id, changes=changes)
    if approve:
        Occurrence.objects.filter(pk=occurrence.pk).update(due=request.new_due, version=F("version") + 1)
        changes = {"due": (occurrence.due, request.new_due)}
        _audit_update(occurrence, by=by, organization_id=organization_id, changes=changes)


def _calendar_check(*, by, organization_id: int, year: int) -> None:
    if not access_for_user(by, year).can(Perm.ORG_MANAGE, organization_id):
        raise Forbidden(ERR_CALENDAR_FORBIDDEN, field="organization")


@transaction.atomic
def calendar_day_set(*, by, organization_id: int, day: date, kind: str, note: str = "") -> CalendarDay:
    """Add (or change) a day off / make-up day of one organization. Only an admin of that
    organization or of one above it (or a superuser) may: it moves the deadlines of its plans."""
    _calendar_check(by=by, organization_id=organization_id, year=day.year)
    organization = Organization.objects.get(pk=organization_id)
    if organization.kind == OrganizationKind.UNIT:
        raise ApplicationError(ERR_CALENDAR_KIND, field="organization")
    entry = CalendarDay.objects.filter(organization=organization, day=day).first() or CalendarDay(
        organization=organization, day=day
    )
    entry.kind, entry.note = kind, note
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def calendar_day_delete(*, by, entry: CalendarDay) -> None:
    _calendar_check(by=by, organization_id=entry.organization_id, year=entry.day.year)
    entry.delete()
