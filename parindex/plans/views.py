from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from parindex.core.errors import ApplicationError
from parindex.core.params import plain_int
from parindex.core.permissions import any_perm_required, call_service, perm_required
from parindex.criteria.models import AssignmentRole, Criterion
from parindex.criteria.units import UnitResolver
from parindex.engine.deadlines import describe, internal_working_days
from parindex.organizations.access import access_for
from parindex.organizations.models import OrganizationKind
from parindex.organizations.permissions import Perm
from parindex.plans import appendix, exports, selectors, services
from parindex.plans.forms import (
    AppendixForm,
    CalendarDayForm,
    DoneForm,
    EventForm,
    ExtensionForm,
    PlanForm,
    ProgressForm,
    TaskForm,
)
from parindex.plans.models import CalendarDay, ExtensionRequest, Plan, ProgressFile, Task
from parindex.plans.services import PlanFields

SESSION_APPENDIX = "plan_appendix"
SESSION_IMPORTED = "plan_appendix_saved"  # the last preview saved: its token and plan
ERR_PREVIEW_CHANGED = (
    "Bản xem trước này đã được thay bằng một phụ lục khác (tải lên ở một cửa sổ khác). "
    "Hãy xem lại bản xem trước mới bên dưới rồi bấm “Lưu kế hoạch”."
)


def _today():
    return timezone.localdate()


def _departments(request, perm: Perm) -> list[tuple[int, str]]:
    access = access_for(request)
    scope = access.org_ids_with(perm)
    return [(n.org_id, n.name) for n, _ in access.tree.walk(only=set(scope)) if n.kind == OrganizationKind.DEPARTMENT]


def _get_plan(request, pk: int, perm: Perm = Perm.PLAN_VIEW) -> Plan:
    plan = get_object_or_404(Plan.objects.select_related("organization"), pk=pk)
    if plan.organization_id not in access_for(request).org_ids_with(perm):
        raise Http404
    return plan


def _fields(data: dict) -> PlanFields:
    return PlanFields(**{k: data[k] for k in PlanFields.__dataclass_fields__})


@perm_required(Perm.PLAN_VIEW)
def plan_list(request):
    access = access_for(request)
    rows = selectors.plans_with_progress(
        org_ids=access.org_ids_with(Perm.PLAN_VIEW), year=request.working_year, today=_today()
    )
    return render(request, "plans/plan_list.html", {"rows": rows, "can_manage": access.has(Perm.PLAN_MANAGE)})


@perm_required(Perm.PLAN_MANAGE)
def plan_create(request):
    form = PlanForm(
        request.POST or None,
        organizations=_departments(request, Perm.PLAN_MANAGE),
        initial={"year": request.working_year},
    )
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(fields=_fields(form.cleaned_data), by=request.user)
        messages.success(request, "Đã tạo kế hoạch. Hãy thêm nhiệm vụ bằng nút “Thêm nhiệm vụ”.")
        return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "title": "Tạo kế hoạch"})


@perm_required(Perm.PLAN_MANAGE)
def plan_import(request):
    """Step 1: the plan's header and its appendix (pasted or a file). Step 2 is the preview."""
    form = AppendixForm(
        request.POST or None,
        request.FILES or None,
        organizations=_departments(request, Perm.PLAN_MANAGE),
        initial={"year": request.working_year},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data.get("file")
        if upload is None:  # a refused paste or file becomes an error on the form
            rows, source = call_service(form, lambda: appendix.rows_from_text(data["pasted"])), "text"
        else:
            rows, source = call_service(form, lambda: appendix.read_upload(upload.name, upload.read())) or (None, "")
        if rows is not None:
            fields = {k: data[k] for k in PlanFields.__dataclass_fields__}
            fields["document_date"] = data["document_date"].isoformat() if data["document_date"] else None
            # The token is this preview's, used once: a second "Lưu" finds the plan it saved.
            request.session[SESSION_APPENDIX] = {
                "rows": rows, "fields": fields, "mapping": appendix.detect_mapping(rows), "source": source,
                "token": secrets.token_urlsafe(24),
            }  # fmt: skip
            return redirect("plans:plan_import_preview")
    # A refused file or paste (damaged, hostile, too big) is a client error: 400, nothing kept.
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plan_import.html", {"form": form}, status=status)


def _preview(request, stored: dict):
    fields = stored["fields"]
    access = access_for(request)
    resolver = UnitResolver(access.tree, fields["organization_id"])
    built = appendix.build_drafts(
        stored["rows"], stored["mapping"], plan_year=fields["year"], scanner=appendix.UnitScanner(resolver)
    )
    return built, resolver


@perm_required(Perm.PLAN_MANAGE)
def plan_import_preview(request):
    stored = request.session.get(SESSION_APPENDIX)
    if not stored:
        saved = request.session.get(SESSION_IMPORTED, {})
        if request.method == "POST" and request.POST.get("token") and request.POST["token"] == saved.get("token"):
            return _already_saved(request, get_object_or_404(Plan, pk=saved["plan"], import_token=saved["token"]))
        return redirect("plans:plan_import")
    width = max((len(r) for r in stored["rows"]), default=0)
    if request.method == "POST" and "remap" in request.POST:
        stored["mapping"] = appendix.mapping_from_post(request.POST, width, stored["mapping"])
        request.session[SESSION_APPENDIX] = stored
    built, resolver = _preview(request, stored)
    # Nothing to save: say why instead of offering a button that can only fail.
    empty = "" if built.drafts else (
        appendix.ERR_NO_TABLE.get(stored.get("source", "text")) if not stored["rows"] else appendix.ERR_NO_TASK_ROWS
    )  # fmt: skip
    error = ""
    token = stored.get("token", "")
    if request.method == "POST" and "confirm" in request.POST and request.POST.get("token") != token:
        error = ERR_PREVIEW_CHANGED  # another tab uploaded another appendix since this page was shown
    elif request.method == "POST" and "confirm" in request.POST and not empty:
        own_units = {u.org_id for u in resolver.units}
        posted = {text: plain_int(request.POST.get(f"unit:{text}")) for text in _unresolved(built)}
        choices = {text: unit for text, unit in posted.items() if unit in own_units}
        fields = dict(stored["fields"])
        if fields["document_date"]:
            from datetime import date

            fields["document_date"] = date.fromisoformat(fields["document_date"])
        try:
            plan = services.plan_import(
                fields=PlanFields(**fields), drafts=built.drafts, unit_choices=choices, by=request.user,
                import_token=token,
            )  # fmt: skip
        except services.PlanAlreadyImported as done:
            request.session.pop(SESSION_APPENDIX, None)
            return _already_saved(request, done.plan)
        except ApplicationError as refusal:
            error = refusal.message
        except ValidationError as invalid:  # a model check (full_clean) the preview did not foresee
            error = "Không lưu được kế hoạch: " + " ".join(invalid.messages)
        else:
            del request.session[SESSION_APPENDIX]
            request.session[SESSION_IMPORTED] = {"token": token, "plan": plan.pk}
            messages.success(request, f"Đã lưu kế hoạch với {len(built.drafts)} nhiệm vụ.")
            return redirect(plan)
    names = {n.org_id: n.short_name or n.name for n in access_for(request).tree.nodes.values()}
    samples = [
        next((appendix.clean(r[c])[:40] for r in stored["rows"][:6] if c < len(r) and appendix.clean(r[c])), "")
        for c in range(width)
    ]
    return render(
        request,
        "plans/plan_import_preview.html",
        {
            "built": built,
            "fields": stored["fields"],
            "columns": [
                (c, samples[c], stored["mapping"][c] if c < len(stored["mapping"]) else "ignore") for c in range(width)
            ],
            "field_choices": appendix.FIELDS.items(),
            "drafts": [
                (
                    d,
                    [names.get(i, "?") for i in d.lead_ids],
                    [names.get(i, "?") for i in d.coordinating_ids],
                    describe(d.deadline_rule) if d.deadline_rule else "",
                )
                for d in built.drafts
            ],
            "units": sorted(((u.org_id, u.name) for u in resolver.units), key=lambda item: item[1]),
            "unresolved": [(text, built.guesses.get(text)) for text in _unresolved(built)],
            "with_problems": [d for d in built.drafts if d.problems],
            "empty": empty,
            "error": error,
            "token": token,
        },
    )


def _already_saved(request, plan: Plan):
    messages.info(request, f"{services.ERR_ALREADY_IMPORTED} Đây là kế hoạch đã lưu; không có gì được lưu thêm.")
    return redirect(plan)


def _unresolved(built) -> list[str]:
    return list(dict.fromkeys(text for draft in built.drafts for text in draft.unresolved))


@perm_required(Perm.PLAN_VIEW)
def plan_detail(request, pk: int):
    plan = _get_plan(request, pk)
    unit = request.GET.get("don_vi", "")
    overview = selectors.plan_overview(
        plan=plan,
        today=_today(),
        unit_id=plain_int(unit),
        group=request.GET.get("nhom", ""),
        status=request.GET.get("trang_thai", ""),
        criterion=request.GET.get("tieu_chi", ""),
    )
    access = access_for(request)
    units = [(n.org_id, n.short_name or n.name) for n in access.tree.children(plan.organization_id)]
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "overview": overview,
            "units": units,
            "filters": request.GET,
            "statuses": [
                *((k, v) for k, v in selectors.STATUS_LABELS.items() if k != "no_deadline"),
                ("to_review", "Chưa rà soát kỳ này (thường xuyên)"),
            ],
            "months": _months(overview),
            "can_manage": plan.organization_id in access.org_ids_with(Perm.PLAN_MANAGE),
        },
    )


def _months(overview) -> list[tuple[int, list]]:
    """The timeline: each month with the deadlines that fall in it."""
    by_month: dict[int, list] = {m: [] for m in range(1, 13)}
    for task_row in overview.tasks:
        for row in task_row.occurrences:
            if row.occurrence.due:
                by_month.setdefault(row.occurrence.due.month, []).append((row, task_row))
    return [(m, sorted(items, key=lambda i: i[0].occurrence.due)) for m, items in sorted(by_month.items())]


def _task_form(request, plan: Plan, initial: dict) -> TaskForm:
    """TaskForm with the plan organization's units to choose from."""
    units = [(n.org_id, n.name) for n in access_for(request).tree.children(plan.organization_id)]
    return TaskForm(request.POST or None, units=units, initial=initial)


def _task_data(form: TaskForm, plan: Plan) -> dict:
    """The form's data as task_create/task_update take it: criteria codes split and checked
    against the plan year's active criteria sets (no check when the year has none)."""
    data = dict(form.cleaned_data)
    data["expected_version"] = data.pop("version")
    data["criteria_codes"] = [c.strip() for c in data["criteria_codes"].split(",") if c.strip()]
    known = set(
        Criterion.objects.filter(criteria_set__year=plan.year, criteria_set__status="active").values_list(
            "code", flat=True
        )
    )
    return {**data, "known_codes": known or None}


def _task_page(request, form, plan: Plan, title: str, **extra):
    context = {"form": form, "title": title, "cancel_url": plan.get_absolute_url(), **extra}
    return render(request, "plans/plan_form.html", context)


@perm_required(Perm.PLAN_MANAGE)
def task_create(request, pk: int):
    plan = _get_plan(request, pk, Perm.PLAN_MANAGE)
    form = _task_form(request, plan, initial={})
    if request.method == "POST" and form.is_valid():
        data = _task_data(form, plan)
        task = call_service(form, lambda: services.task_create(plan=plan, by=request.user, **data))
        if task:
            count = task.occurrences.count()
            messages.success(request, f"Đã thêm nhiệm vụ {task.number or task.content[:60]} ({count} kỳ thực hiện).")
            return redirect(plan)
    return _task_page(request, form, plan, f"Thêm nhiệm vụ vào “{Truncator(plan.title).chars(80)}”")


@perm_required(Perm.PLAN_MANAGE)
def task_edit(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    plan = _get_plan(request, task.plan_id, Perm.PLAN_MANAGE)
    roles = dict(task.units.values_list("organization_id", "role"))
    form = _task_form(
        request,
        plan,
        initial={
            "number": task.number, "group": task.group, "content": task.content, "product": task.product,
            "timing_text": task.timing_text, "internal_days": internal_working_days(task.deadline_rule),
            "responsible": task.responsible,
            "criteria_codes": ", ".join(task.criteria_codes),
            "lead": [o for o, r in roles.items() if r == AssignmentRole.LEAD],
            "coordinating": [o for o, r in roles.items() if r == AssignmentRole.COORDINATING],
            "version": task.version,
        },
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = _task_data(form, plan)
        if data["expected_version"] is None:  # a form without its version cannot be checked: refuse
            data["expected_version"] = -1
        if call_service(form, lambda: services.task_update(task=task, by=request.user, **data)):
            messages.success(request, "Đã lưu nhiệm vụ.")
            return redirect(plan)
    return _task_page(
        request, form, plan, f"Sửa nhiệm vụ {task.number}", delete_url=reverse("plans:task_delete", args=[task.pk])
    )


@perm_required(Perm.PLAN_MANAGE)
def task_delete(request, pk: int):
    """GET asks for confirmation, saying what goes with the task; POST deletes it."""
    task = get_object_or_404(Task.objects.select_related("plan"), pk=pk)
    plan = _get_plan(request, task.plan_id, Perm.PLAN_MANAGE)
    if request.method == "POST":
        services.task_delete(task=task, by=request.user)
        messages.success(request, f"Đã xóa nhiệm vụ {task.number or task.content[:60]}.")
        return redirect(plan)
    context = {"task": task, "plan": plan, **selectors.task_footprint(task=task)}
    return render(request, "plans/task_confirm_delete.html", context)


@perm_required(Perm.PLAN_VIEW)
def plan_export(request, pk: int, fmt: str):
    plan = _get_plan(request, pk)
    overview = selectors.plan_overview(plan=plan, today=_today())
    if fmt == "xlsx":
        return exports.plan_xlsx_response(plan, overview)
    if fmt == "docx":
        return exports.plan_docx_response(plan, overview)
    raise Http404


@perm_required(Perm.TASK_WORK)
def my_work(request):
    access = access_for(request)
    buckets = selectors.my_work(
        unit_ids=access.member_unit_ids(Perm.TASK_WORK), year=request.working_year, today=_today()
    )
    return render(request, "plans/my_work.html", {"buckets": buckets, "today": _today()})


def _occurrence(request, pk: int):
    access = access_for(request)
    occurrence = selectors.occurrence_for_user(
        pk=pk, unit_ids=access.member_unit_ids(Perm.TASK_WORK), plan_org_ids=access.org_ids_with(Perm.PLAN_VIEW)
    )
    if occurrence is None:
        raise Http404
    return occurrence


def _may_act(request, occurrence, *, lead_only: bool) -> bool:
    return services.may_act(access_for(request), occurrence, lead_only=lead_only)


@any_perm_required(Perm.TASK_WORK, Perm.PLAN_VIEW)
def occurrence_detail(request, pk: int, forms: dict | None = None):
    occurrence = _occurrence(request, pk)
    can_update, can_finish = (
        _may_act(request, occurrence, lead_only=False),
        _may_act(request, occurrence, lead_only=True),
    )
    row = selectors.OccurrenceRow.of(occurrence, _today())
    access = access_for(request)
    units = list(occurrence.task.units.all())

    def names(role: str) -> list[str]:
        return [access.tree.name_of(u.organization_id) or u.organization.code for u in units if u.role == role]

    context = {
        "occurrence": occurrence,
        # links only where they open: unit people may not see the whole plan, leaders have no "Việc của tôi"
        "show_my_work": access.has(Perm.TASK_WORK),
        "show_plan": occurrence.task.plan.organization_id in access.org_ids_with(Perm.PLAN_VIEW),
        "lead_names": names(AssignmentRole.LEAD),
        "coordinating_names": names(AssignmentRole.COORDINATING),
        "status": row.status,
        "label": row.label,
        "updates": occurrence.updates.select_related("author").prefetch_related("files"),
        "extensions": occurrence.extensions.select_related("requested_by", "decided_by"),
        "can_update": can_update,
        "can_finish": can_finish,
        "needs_event": occurrence.due is None and not occurrence.done_on,
        "progress_form": ProgressForm(initial={"percent": occurrence.percent}),
        "done_form": DoneForm(initial={"done_on": _today(), "version": occurrence.version}),
        "extension_form": ExtensionForm(),
        "event_form": EventForm(),
        **(forms or {}),
    }
    if occurrence.review:
        context["done_form"].fields["product"].label = "Kết quả rà soát (việc đã làm, văn bản…)"
    return render(request, "plans/occurrence_detail.html", context)


def _act(request, pk: int, form_class, key: str, *, lead_only: bool, service, success: str):
    occurrence = _occurrence(request, pk)
    if not _may_act(request, occurrence, lead_only=lead_only):
        raise PermissionDenied
    form = form_class(request.POST, request.FILES) if form_class is ProgressForm else form_class(request.POST)
    if form.is_valid() and call_service(form, lambda: service(occurrence, form.cleaned_data)) is not None:
        messages.success(request, success(occurrence) if callable(success) else success)
        return redirect("plans:occurrence_detail", pk=pk)
    return occurrence_detail(request, pk, forms={key: form})


@require_POST
@any_perm_required(Perm.TASK_WORK, Perm.PLAN_VIEW)
def occurrence_progress(request, pk: int):
    def add(occurrence, data):
        return services.progress_add(
            occurrence=occurrence, by=request.user, files=request.FILES.getlist("files"), **data
        )

    return _act(
        request, pk, ProgressForm, "progress_form", lead_only=False, service=add, success="Đã cập nhật tiến độ."
    )


@require_POST
@any_perm_required(Perm.TASK_WORK, Perm.PLAN_VIEW)
def occurrence_done(request, pk: int):
    def finish(occurrence, data):
        services.occurrence_mark_done(
            occurrence=occurrence, by=request.user, done_on=data["done_on"], product=data["product"],
            expected_version=data["version"], today=_today(),
        )  # fmt: skip
        return True

    def success(occurrence):
        if occurrence.review:
            return f"Đã ghi nhận rà soát {selectors.review_label(occurrence)}."
        return "Đã đánh dấu hoàn thành."

    return _act(request, pk, DoneForm, "done_form", lead_only=True, service=finish, success=success)


@require_POST
@any_perm_required(Perm.TASK_WORK, Perm.PLAN_VIEW)
def occurrence_event(request, pk: int):
    def record(occurrence, data):
        services.occurrence_record_event(occurrence=occurrence, by=request.user, event_date=data["event_date"])
        return True

    return _act(
        request, pk, EventForm, "event_form", lead_only=True, service=record, success="Đã tính hạn theo sự kiện."
    )


@require_POST
@any_perm_required(Perm.TASK_WORK, Perm.PLAN_VIEW)
def extension_create(request, pk: int):
    def ask(occurrence, data):
        return services.extension_request(occurrence=occurrence, by=request.user, today=_today(), **data)

    return _act(request, pk, ExtensionForm, "extension_form", lead_only=True, service=ask,
                success="Đã gửi đề nghị gia hạn; Văn phòng Sở sẽ xem xét.")  # fmt: skip


@perm_required(Perm.EXTENSION_DECIDE)
def extension_list(request):
    pending = selectors.extension_requests_pending(org_ids=access_for(request).org_ids_with(Perm.EXTENSION_DECIDE))
    return render(request, "plans/extension_list.html", {"pending": pending})


@require_POST
@perm_required(Perm.EXTENSION_DECIDE)
def extension_decide(request, pk: int):
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(
            occurrence__task__plan__organization_id__in=access_for(request).org_ids_with(Perm.EXTENSION_DECIDE)
        ),
        pk=pk,
    )
    approve = request.POST.get("decision") == "approve"
    try:
        services.extension_decide(
            request=extension, by=request.user, approve=approve, note=request.POST.get("note", "")
        )
    except ApplicationError as refusal:  # decided meanwhile (another tab, another coordinator)
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Đã đồng ý gia hạn." if approve else "Đã từ chối đề nghị gia hạn.")
    return redirect("plans:extension_list")


@any_perm_required(Perm.TASK_WORK, Perm.PLAN_VIEW)
def progress_file(request, pk: int):
    attachment = get_object_or_404(ProgressFile.objects.select_related("update"), pk=pk)
    _occurrence(request, attachment.update.occurrence_id)  # 404 unless the user may see the task
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@perm_required(Perm.ORG_MANAGE)
def calendar_days(request):
    access = access_for(request)
    managed = access.org_ids_with(Perm.ORG_MANAGE)
    organizations = [
        (n.org_id, n.name) for n, _ in access.tree.walk(only=set(managed)) if n.kind != OrganizationKind.UNIT
    ]
    form = CalendarDayForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = call_service(
            form,
            lambda: services.calendar_day_set(
                by=request.user, organization_id=data["organization"], day=data["day"], kind=data["kind"],
                note=data["note"],
            ),
        )  # fmt: skip
        if saved:
            messages.success(request, "Đã lưu ngày nghỉ bù / làm bù. Hạn theo ngày làm việc sẽ tính theo lịch mới.")
            return redirect("plans:calendar_days")
    days = selectors.calendar_days_for(managed_ids=managed, tree=access.tree)
    return render(request, "plans/calendar_days.html", {"form": form, "days": days})


@require_POST
@perm_required(Perm.ORG_MANAGE)
def calendar_day_delete(request, pk: int):
    entry = get_object_or_404(CalendarDay, pk=pk)
    try:
        services.calendar_day_delete(by=request.user, entry=entry)
    except ApplicationError as error:
        raise PermissionDenied(error.message) from error
    return redirect("plans:calendar_days")
