from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from parindex.assessments import exports, policy, selectors, services
from parindex.assessments.access import MAX_ID, assessment_for, rights_for, visible_assessment_org_ids
from parindex.assessments.forms import EvidenceForm, RoundForm
from parindex.assessments.models import Answer, AssessmentRound, Evidence, EvidenceFile, State
from parindex.assessments.policy import Action
from parindex.core.errors import ApplicationError
from parindex.core.params import plain_int
from parindex.criteria.forms import flatten_inputs, inputs_from_post
from parindex.criteria.selectors import criteria_sets_usable
from parindex.engine.errors import RuleError
from parindex.engine.numbers import fmt, to_decimal
from parindex.engine.scoring import rank
from parindex.organizations.access import access_for
from parindex.organizations.models import OrganizationKind
from parindex.organizations.permissions import Perm
from parindex.organizations.selectors import organization_names
from parindex.plans.remediation import remediation_plan_create

TRANSITION_LABELS = {
    Action.SUBMIT: "Gửi thẩm định",
    Action.APPRAISAL_1_START: "Bắt đầu thẩm định vòng 1",
    Action.EXPLANATION_REQUEST: "Gửi yêu cầu giải trình",
    Action.APPRAISAL_2_START: "Bắt đầu thẩm định vòng 2",
    Action.FINALIZE: "Chốt kết quả",
    Action.PUBLISH: "Công bố",
}
ERR_BAD_VERSION = "Phiên bản của biểu mẫu không hợp lệ: hãy tải lại trang rồi nhập lại."
ERR_BAD_TARGET = "Bước chuyển không hợp lệ."
ERR_BAD_WHAT_IF = "Ô giả định không hợp lệ: “{key}”."
WHAT_IF_KEY = re.compile(r"c([0-9]{1,18})", re.ASCII)


def _today():
    return timezone.localdate()


def _bad_request(message: str) -> HttpResponse:
    """A malformed request (never sent by our own forms): a 400 with the reason, not a 500."""
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def _version(request) -> int | None:
    return plain_int(request.POST.get("version"))


def _names_in(request, year: int, org_ids: set[int]) -> dict[int, str]:
    """Organization names of `year`: from the request's tree when it is that year's (no query), else one query."""
    tree = access_for(request).tree
    if tree.year == year:
        return {org_id: tree.name_of(org_id) for org_id in org_ids if org_id in tree}
    return organization_names(year=year, org_ids=org_ids)


@login_required
def round_list(request):
    access = access_for(request)
    org_ids = visible_assessment_org_ids(access)
    if not org_ids:
        raise PermissionDenied
    rounds = (
        AssessmentRound.objects.filter(assessments__organization_id__in=org_ids)
        .distinct()
        .select_related("criteria_set")
    )
    can_open = bool(_round_departments(access))
    return render(request, "assessments/round_list.html", {"rounds": rounds, "can_open": can_open})


def _round_departments(access) -> list[tuple[int, str]]:
    """The departments the user may open a round for: those he compiles for or appraises, never
    an appraising body (Sở Nội vụ's own admin sees no "open a round" button he could not use)."""
    scope = set(access.org_ids_with(Perm.ASSESS_COMPILE)) | set(access.org_ids_with(Perm.APPRAISE))
    return [(n.org_id, n.name) for n in access.tree.nodes.values()
            if n.kind == OrganizationKind.DEPARTMENT and n.org_id in scope
            and not n.is_appraising_body]  # fmt: skip


@login_required
def round_create(request):
    access = access_for(request)
    departments = _round_departments(access)
    if not departments:
        raise PermissionDenied
    sets = criteria_sets_usable(access=access)
    form = RoundForm(request.POST or None, departments=departments, sets=sets, initial={"year": request.working_year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.round_open(
                criteria_set=sets.get(pk=data["criteria_set"]), year=data["year"], title=data["title"],
                opens_on=data["opens_on"], closes_on=data["closes_on"],
                explanation_deadline=data["explanation_deadline"], organization_ids=data["organizations"],
                by=request.user, today=_today(),
            )  # fmt: skip
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Đã mở đợt đánh giá cho {len(data['organizations'])} cơ quan.")
            return redirect(created)
    return render(request, "assessments/round_form.html", {"form": form})


def visible_round_results(access, assessment_round) -> list[selectors.ResultRow]:
    """The results a user may see in a round, ranked among themselves: all of the departments he
    may open, and the others' once published (a published index is public). Nothing when he may
    open none of the round's departments. The round page, its export and the what-if rank all
    use this, so no page tells more than another (a rank against hidden indices gives them away)."""
    org_ids = visible_assessment_org_ids(access)
    results = selectors.round_results(assessment_round=assessment_round)
    if not any(r.assessment.organization_id in org_ids for r in results):
        return []
    shown = [r for r in results if r.assessment.organization_id in org_ids or r.assessment.state == State.PUBLISHED]
    ranks = rank({str(r.assessment.pk): r.index for r in shown})
    for row in shown:
        row.rank = ranks[str(row.assessment.pk)]
    return sorted(shown, key=lambda r: (r.rank, r.assessment.organization.code))


def _visible_results(request, pk: int):
    """The round and the result rows the user may see (404 when none)."""
    if pk > MAX_ID:
        raise Http404
    assessment_round = get_object_or_404(AssessmentRound.objects.select_related("criteria_set"), pk=pk)
    results = visible_round_results(access_for(request), assessment_round)
    if not results:
        raise Http404
    names = _names_in(request, assessment_round.year, {r.assessment.organization_id for r in results})
    return assessment_round, results, names


@login_required
def round_export(request, pk: int):
    return exports.ranking_xlsx(*_visible_results(request, pk))


@login_required
def round_detail(request, pk: int):
    assessment_round, results, names = _visible_results(request, pk)
    openable = visible_assessment_org_ids(access_for(request))
    return render(
        request, "assessments/round_detail.html",
        {"round": assessment_round, "results": results, "names": names, "openable": openable},
    )  # fmt: skip


def _visible_rows(sheet, rights):
    """Department roles see everything; unit roles see their criteria and the parents above them."""
    if rights.see_all:
        return sheet.rows
    by_pk = {row.criterion.pk: row for row in sheet.rows}
    keep = set()
    for row in sheet.rows:
        if row.is_leaf and row.unit_ids & rights.input_units:
            node = row.criterion
            while node is not None and node.pk not in keep:
                keep.add(node.pk)
                node = by_pk[node.parent_id].criterion if node.parent_id else None
    return [row for row in sheet.rows if row.criterion.pk in keep]


@login_required
def assessment_detail(request, pk: int):
    assessment, rights = assessment_for(request, pk)
    sheet = selectors.sheet_for(assessment=assessment)
    facts = services.facts_for(assessment, _today())
    actions = policy.allowed_actions(rights=rights, facts=facts)
    step = policy.next_transition(assessment.state)
    transition = None
    if step in actions:
        irreversible = step in policy.IRREVERSIBLE
        transition = {
            "to": policy.TRANSITION_TO[step], "label": TRANSITION_LABELS[step], "irreversible": irreversible,
            # what the step would leave out of the index, shown before the person confirms
            "missing": selectors.missing_before(assessment=assessment, sheet=sheet) if irreversible else None,
            "unscored_blocks": step == Action.SUBMIT,  # the self-scores must be complete to compile
        }  # fmt: skip
    tree = access_for(request).tree
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            # before appraisal, "round 1" and "result" would only repeat the self score
            "appraising": assessment.state != State.DRAFT,
            "scored": sum(1 for r in sheet.rows if r.is_leaf and r.points["self"] is not None),
            "leaves": sum(1 for r in sheet.rows if r.is_leaf),
            "organization_name": _names_in(request, assessment.round.year, {assessment.organization_id}).get(
                assessment.organization_id, ""
            ),
            "sheet": sheet,
            "rows": _visible_rows(sheet, rights),
            "rights": rights,
            "actions": actions,
            "late": facts.state == State.DRAFT and facts.today > facts.closes_on,
            "transition": transition,
            "units_to_submit": [
                (
                    u,
                    tree.nodes[u].name if u in tree.nodes else "",
                    u in facts.submitted_units,
                    policy.allows(Action.UNIT_SUBMIT, rights=rights, facts=facts, unit_id=u),
                )
                for u in sorted(rights.submit_units)
            ],
            "lost": [
                (
                    row,
                    ", ".join(tree.nodes[u].short_name or tree.nodes[u].name for u in row.lead_ids if u in tree.nodes),
                )
                for row in selectors.points_lost(sheet)[:40]
            ]
            if rights.see_all
            else [],
            "history": assessment.transitions.select_related("by"),
            "today": _today(),
        },
    )


def _answer_for(request, pk: int) -> tuple[Answer, object]:
    if pk > MAX_ID:
        raise Http404
    answer = get_object_or_404(Answer.objects.select_related("criterion", "assessment"), pk=pk)
    assessment, rights = assessment_for(request, answer.assessment_id)
    answer.assessment = assessment
    units = services.answer_units(answer)
    if not (rights.see_all or units & rights.input_units):
        raise Http404
    return answer, rights


def _answer_panel(request, answer, rights, *, error=None, raw=None, status=200):
    criterion = answer.criterion
    fields, rule_error = [], None
    try:
        fields = criterion.compiled_rule().fields()
    except RuleError as problem:
        rule_error = problem.message
    actions = policy.allowed_actions(
        rights=rights, facts=services.facts_for(answer.assessment, _today()), criterion=services.criterion_facts(answer)
    )
    appraise_round = 1 if Action.APPRAISE_1 in actions else 2 if Action.APPRAISE_2 in actions else None
    return render(
        request,
        "assessments/partials/_answer_panel.html",
        {
            "answer": answer,
            "criterion": criterion,
            "fields": fields,
            "values": raw if raw is not None else flatten_inputs(fields, answer.inputs),
            "rule_error": rule_error,
            "error": error,
            "may_input": Action.SELF_SCORE in actions,
            "appraise_round": appraise_round,
            "may_reply": Action.REPLY in actions,
            "appraising": answer.assessment.state != State.DRAFT,
            "rights": rights,
            "posted": request.POST if request.method == "POST" else {},
            "columns": selectors.leaf_points(answer, criterion),
        },
        status=status,
    )


@login_required
def answer_panel(request, pk: int):
    answer, rights = _answer_for(request, pk)
    return _answer_panel(request, answer, rights)


@require_POST
@login_required
def answer_save(request, pk: int):
    answer, rights = _answer_for(request, pk)
    version = _version(request)
    if version is None:
        return _bad_request(ERR_BAD_VERSION)
    fields = answer.criterion.compiled_rule().fields()
    raw = inputs_from_post(fields, request.POST)
    try:
        services.answer_save(
            answer=answer, raw_inputs=raw, justification=request.POST.get("justification", ""),
            override_reason=request.POST.get("override_reason", ""), expected_version=version, by=request.user,
            today=_today(),
        )  # fmt: skip
    except policy.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        answer.justification = request.POST.get("justification", "")
        answer.override_reason = request.POST.get("override_reason", "")
        return _answer_panel(request, answer, rights, error=error.message, raw=flatten_inputs(fields, raw), status=422)
    answer.refresh_from_db()
    messages.success(request, f"Đã lưu tiêu chí {answer.criterion.code}: {answer.self_explanation}")
    return _answer_panel(request, answer, rights)


@require_POST
@login_required
def answer_calculate(request, pk: int):
    answer, _ = _answer_for(request, pk)
    rule = answer.criterion.compiled_rule()
    context = services.rule_context(answer.assessment_id, rule)
    result = rule.evaluate(inputs_from_post(rule.fields(), request.POST), context=context)
    return render(request, "criteria/partials/_calc_result.html", {"result": result, "criterion": answer.criterion})


@require_POST
@login_required
def appraisal_save(request, pk: int, round_number: int):
    answer, rights = _answer_for(request, pk)
    if not rights.appraise:
        raise PermissionDenied
    version = _version(request)
    if version is None:
        return _bad_request(ERR_BAD_VERSION)
    try:
        points = to_decimal(request.POST.get("points", ""))
    except (InvalidOperation, ValueError):
        return _answer_panel(request, answer, rights, error="Điểm thẩm định phải là một số.", status=422)
    try:
        services.appraisal_save(
            answer=answer, round_number=round_number, points=points, note=request.POST.get("note", ""),
            request_explanation=request.POST.get("request_explanation") == "on", expected_version=version,
            by=request.user,
        )  # fmt: skip
    except policy.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        return _answer_panel(request, answer, rights, error=error.message, status=422)
    answer.refresh_from_db()
    return _answer_panel(request, answer, rights)


@require_POST
@login_required
def reply_save(request, pk: int):
    answer, rights = _answer_for(request, pk)
    version = _version(request)
    if version is None:
        return _bad_request(ERR_BAD_VERSION)
    try:
        services.reply_save(
            answer=answer, reply=request.POST.get("reply", ""), expected_version=version, by=request.user,
            today=_today(),
        )  # fmt: skip
    except policy.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        return _answer_panel(request, answer, rights, error=error.message, status=422)
    answer.refresh_from_db()
    return _answer_panel(request, answer, rights)


@require_POST
@login_required
def unit_submit(request, pk: int, unit_id: int):
    assessment, _rights = assessment_for(request, pk)
    try:
        services.unit_submit(assessment=assessment, unit_id=unit_id, by=request.user, today=_today())
        messages.success(request, "Đã gửi kết quả tự chấm của đơn vị; số liệu của đơn vị đã khóa.")
    except policy.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(assessment)


@require_POST
@login_required
def transition(request, pk: int):
    assessment, _rights = assessment_for(request, pk)
    target = request.POST.get("to", "")
    if target not in policy.TRANSITION_FOR:
        return _bad_request(ERR_BAD_TARGET)
    try:
        services.assessment_transition(
            assessment=assessment, to_state=target, by=request.user, note=request.POST.get("note", ""),
            confirmed=request.POST.get("confirmed") == "on",
        )  # fmt: skip
        messages.success(request, f"Bản đánh giá chuyển sang bước “{State(target).label}”.")
    except policy.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(assessment)


@require_POST
@login_required
def remediation_create(request, pk: int):
    assessment, rights = assessment_for(request, pk)
    if not policy.allows(Action.REMEDIATION_CREATE, rights=rights, facts=services.facts_for(assessment)):
        raise PermissionDenied
    sheet = selectors.sheet_for(assessment=assessment)
    try:
        plan = remediation_plan_create(assessment=assessment, lost=selectors.points_lost(sheet), by=request.user)
    except policy.Forbidden as error:
        raise PermissionDenied(error.message) from error
    messages.success(request, f"Đã tạo dự thảo kế hoạch khắc phục với {plan.tasks.count()} nhiệm vụ.")
    return redirect(plan)


@login_required
def what_if(request, pk: int):
    assessment, rights = assessment_for(request, pk)
    if not policy.allows(Action.WHAT_IF, rights=rights, facts=services.facts_for(assessment)):
        raise PermissionDenied
    base = selectors.sheet_for(assessment=assessment)
    maxima = selectors.leaf_ranges(base)
    overrides: dict[int, Decimal] = {}
    refused: list[str] = []  # shown, not silently dropped or clamped
    for key, value in request.POST.items():
        if key == "csrfmiddlewaretoken":
            continue
        match = WHAT_IF_KEY.fullmatch(key)
        if match is None:
            return _bad_request(ERR_BAD_WHAT_IF.format(key=key[:20]))
        if not value.strip() or int(match[1]) not in maxima:
            continue
        code, low, high = maxima[int(match[1])]
        try:
            points = to_decimal(value)
        except (InvalidOperation, ValueError):
            refused.append(f"{code}: “{value.strip()[:20]}” không phải là số")
            continue
        if points > high or (low is not None and points < low):
            allowed = f"lớn hơn {fmt(high)}" if low is None else f"ngoài khoảng {fmt(low)} – {fmt(high)}"
            refused.append(f"{code}: {value.strip()[:20]} {allowed}")
            continue
        overrides[int(match[1])] = points
    changed = selectors.sheet_with(base, overrides) if overrides else base
    # Only against the indices the user may already see: ranking against hidden ones lets a
    # few guesses (a binary search on the points) recover them.
    others = [
        r for r in visible_round_results(access_for(request), assessment.round) if r.assessment.pk != assessment.pk
    ]
    new_rank = 1 + sum(1 for r in others if r.index > changed.index())
    at_risk = sorted(
        (row for row in base.rows if row.is_leaf and (row.points["final"] is None or row.lost > 0)),
        key=lambda row: -(row.criterion.max_points or 0) + (row.points["final"] or 0),
    )[:30]
    return render(
        request,
        "assessments/what_if.html",
        {"assessment": assessment, "base": base, "changed": changed, "overrides": overrides,
         "rank": new_rank, "others": len(others), "at_risk": at_risk, "refused": refused},
    )  # fmt: skip


@login_required
def assessment_export(request, pk: int, fmt: str):
    assessment, rights = assessment_for(request, pk)
    if not policy.allows(Action.EXPORT, rights=rights, facts=services.facts_for(assessment)):
        raise PermissionDenied
    makers = {"xlsx": exports.sheet_xlsx, "docx": exports.report_docx, "pdf": exports.report_pdf,
              "zip": exports.evidence_zip}  # fmt: skip
    if fmt not in makers:
        raise Http404
    return makers[fmt](assessment, selectors.sheet_for(assessment=assessment))


@login_required
def evidence_list(request, pk: int):
    assessment, rights = assessment_for(request, pk)
    facts = services.facts_for(assessment, _today())
    closed_reason = policy.not_now(Action.EVIDENCE_ADD, facts)
    may_add = policy.allows(Action.EVIDENCE_ADD, rights=rights, facts=facts)
    form = EvidenceForm(request.POST or None, request.FILES or None,
                        criteria=services.evidence_criteria(assessment, rights))  # fmt: skip
    if request.method == "POST":
        if policy.forbidden_reason(Action.EVIDENCE_ADD, rights):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.evidence_create(
                    assessment=assessment, number=data["number"], issued_on=data["issued_on"],
                    issuer=data["issuer"], title=data["title"], criteria_ids=data["criteria"],
                    files=request.FILES.getlist("files"), by=request.user, today=_today(),
                )  # fmt: skip
            except policy.Forbidden as error:
                raise PermissionDenied(error.message) from error
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Đã thêm tài liệu kiểm chứng.")
                return redirect("assessments:evidence_list", pk=pk)
    evidence = Evidence.objects.filter(
        organization=assessment.organization, year=assessment.round.year
    ).prefetch_related("files", "criteria")
    return render(request, "assessments/evidence_list.html",
                  {"assessment": assessment, "evidence": evidence, "form": form, "may_add": may_add,
                   "closed_reason": closed_reason})  # fmt: skip


@login_required
def evidence_file(request, pk: int):
    if pk > MAX_ID:
        raise Http404
    attachment = get_object_or_404(EvidenceFile.objects.select_related("evidence"), pk=pk)
    access = access_for(request)
    rights = rights_for(access, attachment.evidence.organization_id)
    if not rights.any:
        raise Http404
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@require_POST
@login_required
def prefill_refresh(request, pk: int):
    assessment, _rights = assessment_for(request, pk)
    try:
        filled = services.prefill_refresh(assessment=assessment, by=request.user, today=_today())
    except policy.Forbidden as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Đã cập nhật {filled} tiêu chí từ số liệu có sẵn (kế hoạch, nhiệm vụ).")
    return redirect(assessment.get_absolute_url())
