from __future__ import annotations

from dataclasses import astuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from parindex.core.downloads import attachment
from parindex.core.errors import ApplicationError
from parindex.core.params import plain_int
from parindex.core.permissions import call_service, perm_required
from parindex.criteria import services
from parindex.criteria.document import read_yaml, write_yaml
from parindex.criteria.forms import CloneForm, ImportForm, calculator_fields, inputs_from_post
from parindex.criteria.models import Area, AssignmentRole, CriteriaSet, Criterion, SetStatus
from parindex.criteria.selectors import (
    ROLE_ABBREVIATIONS,
    assignable_departments,
    assignment_matrix_rows,
    assignment_scope,
    criteria_set_diff,
    criteria_set_for,
    criteria_sets,
    criteria_tree,
    document_from_set,
    rule_summary,
    set_manageable,
)
from parindex.criteria.spreadsheet import read_workbook, where, write_workbook
from parindex.engine.criteria_check import Issue
from parindex.engine.errors import RuleError
from parindex.organizations.access import Access, access_for, access_for_user
from parindex.organizations.models import Organization
from parindex.organizations.permissions import Perm

SESSION_IMPORT = "criteria_import"
TEMPLATE_NAME = "mau-bo-tieu-chi.xlsx"


def _get_set(request, code: str, *, manage: bool = False) -> CriteriaSet:
    """Every criteria view's one way to a set: 404 for a set the user may not read (another
    province's looks missing), 403 for a write to a set he reads but does not own."""
    try:
        criteria_set = criteria_set_for(access=access_for(request), code=code)
    except CriteriaSet.DoesNotExist:
        raise Http404 from None
    if manage and not set_manageable(access_for(request), criteria_set):
        raise PermissionDenied
    return criteria_set


def _access_in(request, year: int) -> Access:
    """Assignments follow the set's year's tree (the units that existed then)."""
    return access_for(request) if year == request.working_year else access_for_user(request.user, year)


def _get_criterion(criteria_set: CriteriaSet, code: str) -> Criterion:
    return get_object_or_404(Criterion, criteria_set=criteria_set, code=code)


@perm_required(Perm.CRITERIA_VIEW)
def set_list(request):
    access = access_for(request)
    sets = list(criteria_sets(access=access).order_by("-year", "code"))
    for criteria_set in sets:
        criteria_set.manageable = set_manageable(access, criteria_set)
    return render(
        request,
        "criteria/set_list.html",
        {
            "sets": sets,
            "can_manage": access.has(Perm.CRITERIA_MANAGE),
            "years": sorted({s.year for s in sets}, reverse=True),
        },
    )


@perm_required(Perm.CRITERIA_VIEW)
def set_detail(request, code: str):
    criteria_set = _get_set(request, code)
    access = access_for(request)
    rows = criteria_tree(criteria_set=criteria_set, org_ids=assignment_scope(access, criteria_set))
    mine_only = request.GET.get("cua_toi") == "1"
    my_orgs = {org_id for org_id, _ in access.memberships}
    if mine_only:
        rows = _assigned_with_ancestors(rows, my_orgs)
    areas: list[tuple[object, list]] = []
    for row in rows:
        if row.depth == 0 or not areas:
            areas.append((row, []))
        else:
            areas[-1][1].append(row)
    return render(
        request,
        "criteria/set_detail.html",
        {
            "criteria_set": criteria_set,
            "areas": areas,
            "outside_areas": [area for area, _ in areas if area.criterion.area != Area.STANDARD],
            "mine_only": mine_only,
            "can_manage": set_manageable(access, criteria_set),
            "can_assign": bool(assignable_departments(_access_in(request, criteria_set.year), criteria_set)),
            "clone_form": CloneForm(initial={"year": criteria_set.year + 1}),
            "statuses": SetStatus.choices,
            "other_sets": criteria_sets(access=access).exclude(pk=criteria_set.pk).order_by("-year", "code"),
        },
    )


def _assigned_with_ancestors(rows, org_ids: set[int]):
    by_id = {row.criterion.pk: row for row in rows}
    keep: set[int] = set()
    for row in rows:
        if row.assigned_org_ids & org_ids:
            node = row.criterion
            while node is not None and node.pk not in keep:
                keep.add(node.pk)
                node = by_id[node.parent_id].criterion if node.parent_id else None
    return [row for row in rows if row.criterion.pk in keep]


@perm_required(Perm.CRITERIA_VIEW)
def criterion_detail(request, code: str, criterion_code: str):
    criteria_set = _get_set(request, code)
    scope = assignment_scope(access_for(request), criteria_set)
    rows = {row.criterion.pk: row for row in criteria_tree(criteria_set=criteria_set, org_ids=scope)}
    row = next((r for r in rows.values() if r.criterion.code == criterion_code), None)
    if row is None:
        raise Http404
    criterion = row.criterion
    children = [r.criterion for r in rows.values() if r.criterion.parent_id == criterion.pk]
    ancestors, parent_id = [], criterion.parent_id
    while parent_id:
        ancestors.insert(0, rows[parent_id].criterion)
        parent_id = rows[parent_id].criterion.parent_id
    rule_error, fields, summary = None, [], None
    if not children and criterion.max_points is not None:
        try:
            fields = calculator_fields(criterion.compiled_rule())
        except RuleError as error:
            rule_error = error.message
        summary = rule_summary(criterion=criterion, ancestors=ancestors)
    return render(
        request,
        "criteria/criterion_detail.html",
        {
            "criteria_set": criteria_set,
            "criterion": criterion,
            "row": row,
            "children": children,
            "ancestors": ancestors,
            "fields": fields,
            "rule_error": rule_error,
            "summary": summary,
        },
    )


@require_POST
@perm_required(Perm.CRITERIA_VIEW)
def criterion_calculate(request, code: str, criterion_code: str):
    criterion = _get_criterion(_get_set(request, code), criterion_code)
    try:
        rule = criterion.compiled_rule()
    except RuleError as error:
        return render(request, "criteria/partials/_calc_result.html", {"error": error.message})
    result = rule.evaluate(inputs_from_post(rule.fields(), request.POST))
    return render(request, "criteria/partials/_calc_result.html", {"result": result, "criterion": criterion})


@perm_required(Perm.CRITERIA_VIEW)
def set_export(request, code: str, fmt: str):
    criteria_set = _get_set(request, code)
    scope = assignment_scope(access_for(request), criteria_set)
    document = document_from_set(criteria_set=criteria_set, org_ids=scope)
    writers = {"xlsx": write_workbook, "yaml": write_yaml}
    if fmt not in writers:
        raise Http404
    return attachment(writers[fmt](document), f"{criteria_set.code}.{fmt}")


@perm_required(Perm.CRITERIA_MANAGE)
def set_template(request):
    """The blank Excel template a coordinator types a set into."""
    return attachment(write_workbook(), TEMPLATE_NAME)


def _preview(request, plan, name: str, lines: dict[str, int]):
    """The validation report, each issue placed where the user finds it in his file."""
    plan.document.lines = lines
    located = [(where(issue, plan.document), issue) for issue in plan.issues]
    return render(request, "criteria/import_preview.html", {"plan": plan, "file_name": name, "located": located})


@perm_required(Perm.CRITERIA_MANAGE)
def set_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        if upload.name.lower().endswith(".xlsx"):
            document = read_workbook(content, name=upload.name)
        else:
            document = read_yaml(content.decode("utf-8", errors="replace"))
        replace = form.cleaned_data["replace"]
        plan = services.criteria_set_plan_import(document=document, replace=replace, by=request.user)
        request.session[SESSION_IMPORT] = {
            "yaml": write_yaml(document), "replace": replace, "name": upload.name, "lines": document.lines,
            # What only the uploaded file showed (a cell's bad parameters leave no trace in the YAML)
            "issues": [astuple(issue) for issue in document.issues],
        }  # fmt: skip
        return _preview(request, plan, upload.name, document.lines)
    return render(request, "criteria/import_upload.html", {"form": form})


@require_POST
@perm_required(Perm.CRITERIA_MANAGE)
def set_import_confirm(request):
    stored = request.session.get(SESSION_IMPORT)
    if not stored:
        messages.error(request, "Phiên nhập đã hết hạn; hãy tải tệp lên lại.")
        return redirect("criteria:set_import")
    document = read_yaml(stored["yaml"])
    document.issues += [i for i in (Issue(*values) for values in stored.get("issues", [])) if i not in document.issues]
    plan = services.criteria_set_plan_import(document=document, replace=stored["replace"], by=request.user)
    lines = stored.get("lines") or {}
    if plan.errors:
        return _preview(request, plan, stored["name"], lines)
    try:
        criteria_set = services.criteria_set_import(plan=plan, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _preview(request, plan, stored["name"], lines)
    del request.session[SESSION_IMPORT]
    messages.success(
        request, f"Đã lưu bộ tiêu chí “{criteria_set.title}” ({len(plan.document.rows)} tiêu chí) ở trạng thái dự thảo."
    )
    return redirect(criteria_set)


@require_POST
@perm_required(Perm.CRITERIA_MANAGE)
def set_clone(request, code: str):
    source = _get_set(request, code, manage=True)
    form = CloneForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        new_code = form.cleaned_data["code"] or slugify(source.code.replace(str(source.year), str(year)))
        clone = call_service(
            form, lambda: services.criteria_set_clone(source=source, year=year, code=new_code, by=request.user)
        )
        if clone:
            messages.success(request, f"Đã sao chép sang năm {year} (dự thảo): “{clone.code}”.")
            return redirect(clone)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect(source)


@require_POST
@perm_required(Perm.CRITERIA_MANAGE)
def set_status(request, code: str):
    criteria_set = _get_set(request, code, manage=True)
    status = request.POST.get("status", "")
    try:
        services.criteria_set_set_status(criteria_set=criteria_set, status=status, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Bộ tiêu chí chuyển sang trạng thái “{SetStatus(status).label}”.")
    return redirect(criteria_set)


@perm_required(Perm.CRITERIA_VIEW)
def set_diff(request, code: str):
    new = _get_set(request, code)
    old = _get_set(request, request.GET.get("so_voi", ""))
    return render(
        request, "criteria/set_diff.html", {"new": new, "old": old, "diff": criteria_set_diff(old=old, new=new)}
    )


def _matrix_units(request, criteria_set: CriteriaSet):
    """The department whose units are assigned, among those the user may assign in this set
    (his own; a superuser or a province's admin chooses), and its units."""
    access = _access_in(request, criteria_set.year)
    departments = assignable_departments(access, criteria_set)
    if not departments:
        raise PermissionDenied
    wanted = request.GET.get("don_vi") or request.POST.get("don_vi")
    chosen = next((d for d in departments if str(d.org_id) == str(wanted)), None) or next(
        (d for d in departments if d.org_id == criteria_set.organization_id), departments[0]
    )
    units = list(access.tree.children(chosen.org_id))
    return chosen, departments, units


@perm_required(Perm.CRITERIA_ASSIGN)
def assignment_matrix(request, code: str):
    """The matrix, a letter per cell; `sua=<criterion code>` opens that row as one small form per
    unit, the way to assign without JavaScript (the script opens one shared picker per cell)."""
    criteria_set = _get_set(request, code)
    department, departments, units = _matrix_units(request, criteria_set)
    return render(
        request,
        "criteria/assignment_matrix.html",
        {
            "criteria_set": criteria_set,
            "department": department,
            "departments": departments,
            "units": units,
            "matrix": assignment_matrix_rows(criteria_set=criteria_set, units=units),
            "editing": request.GET.get("sua", ""),
            "role_choices": AssignmentRole.choices,
            "legend": [(value, ROLE_ABBREVIATIONS[value], label) for value, label in AssignmentRole.choices],
        },
    )


ERR_BAD_ASSIGNMENT = "Dữ liệu phân công không hợp lệ."
ERR_BAD_CRITERION = "Tiêu chí không hợp lệ: chọn lại ô trong bảng phân công."


def _posted_id(value: str | None) -> int | None:
    return plain_int(value)


@require_POST
@perm_required(Perm.CRITERIA_ASSIGN)
def assignment_update(request, code: str):
    criteria_set = _get_set(request, code)
    department, _, units = _matrix_units(request, criteria_set)
    criterion_id = _posted_id(request.POST.get("criterion"))
    criterion = Criterion.objects.filter(criteria_set=criteria_set, pk=criterion_id).first() if criterion_id else None
    if criterion is None:
        return HttpResponse(ERR_BAD_CRITERION, status=400)
    unit = next((u for u in units if str(u.org_id) == request.POST.get("unit")), None)
    role = request.POST.get("role") or None
    if unit is None or role not in (None, *AssignmentRole.values):
        return HttpResponse(ERR_BAD_ASSIGNMENT, status=400)
    try:
        services.assignment_set(
            criterion=criterion, organization=Organization.objects.get(pk=unit.org_id), role=role, by=request.user
        )
    except ApplicationError as error:
        return HttpResponse(error.message, status=403)
    if request.POST.get("sua") and not request.htmx:
        # The no-JavaScript row form: back to the row, as a full page (post/redirect/get).
        messages.success(request, f"Đã lưu phân công tiêu chí {criterion.code} cho {unit.short_name or unit.name}.")
        query = urlencode({"don_vi": department.org_id, "sua": criterion.code})
        return redirect(f"{reverse('criteria:assignment_matrix', args=[criteria_set.code])}?{query}#sua")
    context = {"criterion": criterion, "unit": unit, "role": role or "", "role_choices": AssignmentRole.choices,
               "department": department, "criteria_set": criteria_set, "saved": True}  # fmt: skip
    return render(request, "criteria/partials/_assignment_cell.html", context)
