"""Writes for assessments: opening a round, self-scoring, unit submission, the state machine,
appraisal, explanations, evidence. Every refusal is a Vietnamese ApplicationError; nothing is
half-written (transactions) and nobody silently overwrites anybody (version checks)."""

from __future__ import annotations

import copy
import mimetypes
import re
from datetime import date
from decimal import Decimal

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parindex.assessments import policy, totals
from parindex.assessments.access import AssessmentRights, rights_for
from parindex.assessments.models import (
    Answer,
    Assessment,
    AssessmentRound,
    Evidence,
    EvidenceFile,
    State,
    Transition,
    UnitSubmission,
)
from parindex.assessments.policy import (  # noqa: F401 (the refusals' texts, for the callers and tests)
    ERR_AFTER_DEADLINE,
    ERR_EVIDENCE_STATE,
    ERR_EXPLANATION_LATE,
    ERR_NOT_APPRAISAL,
    ERR_NOT_DRAFT,
    ERR_NOT_EXPLANATION,
    ERR_NOT_FLAGGED,
    ERR_SKIP,
    ERR_SURVEY_SCORED,
    ERR_UNIT_LOCKED,
    Action,
    Forbidden,
)
from parindex.core.errors import ApplicationError
from parindex.criteria.models import AssignmentRole, Criterion, CriterionAssignment, Scoring
from parindex.criteria.selectors import criteria_sets_usable
from parindex.engine.errors import RuleError
from parindex.engine.numbers import fmt, to_decimal
from parindex.engine.rules import CompiledRule
from parindex.organizations.access import access_for_user
from parindex.organizations.models import Membership, Organization, OrganizationKind
from parindex.organizations.permissions import ROLE_PERMISSIONS, Perm
from parindex.organizations.selectors import organization_names, organization_tree
from parindex.plans.models import Occurrence, PlanKind
from parindex.plans.services import upload_validate

ERR_STALE = "Người khác vừa lưu tiêu chí này ({who}); hãy tải lại để xem số liệu mới rồi sửa tiếp."
ERR_UNITS_WAITING = "Còn {count} đơn vị chưa gửi kết quả tự chấm: {names}."
ERR_EVIDENCE_NO_FILE = "Hãy đính kèm ít nhất một tệp (PDF, DOCX, XLSX hoặc ảnh)."
ERR_OVERRIDE_REASON = "Số liệu khác với số liệu có sẵn từ {source}: hãy ghi lý do sửa."
ERR_UNANSWERED = "Còn {count} tiêu chí chưa chấm: {codes}."
ERR_NEEDS_JUSTIFICATION = (
    "Tiêu chí {codes} có điểm nhưng chưa có tài liệu kiểm chứng: hãy thêm tài liệu hoặc giải trình."
)
ERR_POINTS_RANGE = "Điểm phải từ {low} đến {high}."
ERR_POINTS_AT_MOST = "Điểm không được lớn hơn {high}."
ERR_POINTS_PLACES = "Điểm ghi tối đa 4 chữ số thập phân."
ERR_NO_ORGS = "Hãy chọn ít nhất một cơ quan được đánh giá."
ERR_DATES = "Hạn tự đánh giá phải sau ngày mở và trước hạn giải trình."
ERR_ROUND_NOT_DEPARTMENT = "Chỉ đưa sở, ban, ngành vào đợt đánh giá."
ERR_ROUND_APPRAISING_BODY = "“{name}” là cơ quan thẩm định: không đưa vào đợt đánh giá được."
ERR_ROUND_NOT_YOURS = (
    "Bạn không mở được đợt đánh giá cho “{name}”: chỉ cho sở của mình hoặc sở mình được giao thẩm định."
)
ERR_NO_ACTOR = "Không rõ ai thực hiện thao tác này: mọi thay đổi bản đánh giá phải gắn với một người dùng."
ERR_JUSTIFICATION_REQUIRED = (
    "Tiêu chí có {points} điểm nhưng chưa có tài liệu kiểm chứng: hãy ghi giải trình hoặc thêm tài liệu kiểm chứng "
    "trước khi lưu."
)
ERR_CONFIRM_MISSING = "Còn thiếu: {missing}. Hãy xem lại và xác nhận nếu vẫn muốn “{step}”."
ERR_ROUND_SET_NOT_USABLE = "Bộ tiêu chí này không dùng được cho đợt đánh giá: chỉ bộ đang áp dụng mà bạn được xem."
ERR_EVIDENCE_CRITERIA = "Chỉ gắn tài liệu kiểm chứng với tiêu chí của đơn vị mình."

PLAN_CRITERION = re.compile(r"thực hiện kế hoạch (cải cách hành chính|cchc)", re.IGNORECASE)
RATIO_INPUTS = {"a", "b"}  # a rule asking "of a, b done" can be prefilled from plan tasks


def rights_of(by, assessment: Assessment) -> AssessmentRights:
    """What `by` may do on the assessment, from his memberships in the round's year."""
    if by is None or not getattr(by, "is_authenticated", False):
        raise Forbidden(ERR_NO_ACTOR)
    return rights_for(access_for_user(by, assessment.round.year), assessment.organization_id)


def facts_for(assessment: Assessment, today: date | None = None) -> policy.Facts:
    return policy.Facts(
        state=assessment.state,
        today=today or timezone.localdate(),
        closes_on=assessment.round.closes_on,
        explanation_deadline=assessment.round.explanation_deadline,
        submitted_units=frozenset(assessment.unit_submissions.values_list("unit_id", flat=True)),
    )


def criterion_facts(answer: Answer) -> policy.CriterionFacts:
    criterion = answer.criterion
    return policy.CriterionFacts(
        unit_ids=frozenset(answer_units(answer)),
        lead_ids=frozenset(answer_lead_units(answer)),
        survey_source=criterion.survey_source,
        explanation_requested=answer.explanation_requested,
    )


def enforce(
    action: Action, *, assessment: Assessment, by, today: date | None = None, answer: Answer | None = None,
    unit_id: int | None = None, rights: AssessmentRights | None = None,
) -> AssessmentRights:  # fmt: skip
    """Refuse (policy.Forbidden or ApplicationError) unless `by` may do `action` now."""
    rights = rights or rights_of(by, assessment)
    policy.check(
        action, rights=rights, facts=facts_for(assessment, today),
        criterion=criterion_facts(answer) if answer is not None else None, unit_id=unit_id,
    )  # fmt: skip
    return rights


def leaf_criteria(criteria_set) -> list[Criterion]:
    criteria = list(criteria_set.criteria.all())
    parents = {c.parent_id for c in criteria}
    return [c for c in criteria if c.pk not in parents]


def assessment_totals_refresh(*, assessment_id: int) -> None:
    """Store the assessment's totals and indices as its answers now give them, and count the
    write. Every write to the answers or the state calls this inside its own transaction. The
    row lock comes before the answers are read: two saves on one assessment then refresh one
    after the other, and the second sees the first's answer."""
    with transaction.atomic():
        list(Assessment.objects.select_for_update().filter(pk=assessment_id).values_list("pk"))
        fields = totals.totals_by_assessment(Assessment, Criterion, Answer, [assessment_id])[assessment_id]
        Assessment.objects.filter(pk=assessment_id).update(**fields, scores_version=F("scores_version") + 1)


def assessment_totals_rebuild(*, assessment_ids: list[int] | None = None, batch: int = 200) -> int:
    """Recompute the stored totals of the given assessments (all by default), `batch` at a time:
    after rows were loaded in bulk, or to check that nothing drifted. Returns how many changed."""
    ids = assessment_ids if assessment_ids is not None else list(Assessment.objects.values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        with transaction.atomic():
            current = {
                row["pk"]: row
                for row in Assessment.objects.select_for_update()
                .filter(pk__in=chunk)
                .values("pk", "scores_version", *totals.STORED_FIELDS)
            }
            for pk, fields in totals.totals_by_assessment(Assessment, Criterion, Answer, chunk).items():
                row = current[pk]
                if row["scores_version"] and all(row[name] == value for name, value in fields.items()):
                    continue
                Assessment.objects.filter(pk=pk).update(**fields, scores_version=F("scores_version") + 1)
                changed += 1
    return changed


@transaction.atomic
def round_open(
    *, criteria_set, year: int, title: str, opens_on: date, closes_on: date, explanation_deadline: date,
    organization_ids: list[int], by, today: date,
) -> AssessmentRound:  # fmt: skip
    if not organization_ids:
        raise ApplicationError(ERR_NO_ORGS, field="organizations")
    if not opens_on <= closes_on <= explanation_deadline:
        raise ApplicationError(ERR_DATES, field="closes_on")
    _round_organizations_check(organization_ids=organization_ids, year=year, by=by)
    _round_criteria_set_check(criteria_set=criteria_set, year=year, by=by)
    assessment_round = AssessmentRound(
        year=year, title=title, criteria_set=criteria_set, opens_on=opens_on, closes_on=closes_on,
        explanation_deadline=explanation_deadline, created_by=by,
    )  # fmt: skip
    assessment_round.full_clean()
    assessment_round.save()
    leaves = leaf_criteria(criteria_set)
    for organization_id in organization_ids:
        assessment = Assessment.objects.create(round=assessment_round, organization_id=organization_id)
        Answer.objects.bulk_create(Answer(assessment=assessment, criterion=c) for c in leaves)
        answers_prefill(assessment=assessment, today=today)
        assessment_totals_refresh(assessment_id=assessment.pk)
    return assessment_round


def _round_organizations_check(*, organization_ids: list[int], year: int, by) -> None:
    """A round holds departments only, never an appraising body (it would appraise itself), and
    only those the opener compiles for (his own) or appraises. `by=None`: the system (demo data)."""
    access = access_for_user(by, year) if by is not None else None
    found = {o.pk: o for o in Organization.objects.filter(pk__in=organization_ids)}
    for org_id in organization_ids:
        organization = found.get(org_id)
        if organization is None or organization.kind != OrganizationKind.DEPARTMENT:
            raise ApplicationError(ERR_ROUND_NOT_DEPARTMENT, field="organizations")
        name = (access.tree.name_of(org_id) if access else None) or organization.code
        if organization.is_appraising_body:
            raise ApplicationError(ERR_ROUND_APPRAISING_BODY.format(name=name), field="organizations")
        if access is not None and not (access.can(Perm.ASSESS_COMPILE, org_id) or access.can(Perm.APPRAISE, org_id)):
            raise ApplicationError(ERR_ROUND_NOT_YOURS.format(name=name), field="organizations")


def _round_criteria_set_check(*, criteria_set, year: int, by) -> None:
    """The form offers only usable sets; a direct call must not open a round on another
    province's set, a draft or an archived one either."""
    if by is None:
        return
    usable = criteria_sets_usable(access=access_for_user(by, year)).filter(pk=criteria_set.pk)
    if not usable.exists():
        raise ApplicationError(ERR_ROUND_SET_NOT_USABLE, field="criteria_set")


def _plan_occurrences(assessment: Assessment) -> list[Occurrence]:
    return list(
        Occurrence.objects.filter(
            task__plan__organization=assessment.organization, task__plan__year=assessment.round.year, review=False
        ).select_related("task__plan")
    )


def known_inputs(
    *, assessment: Assessment, criterion: Criterion, today: date, occurrences: list[Occurrence] | None = None
) -> tuple[dict, str] | None:
    """Inputs the system already knows, with their source: completion of the organization's plan
    tasks linked to this criterion, or, for "thực hiện kế hoạch CCHC", of its annual CCHC plan."""
    try:
        keys = {field.key for field in criterion.compiled_rule().fields()}
    except RuleError:
        return None
    if not keys >= RATIO_INPUTS:
        return None
    if occurrences is None:
        occurrences = _plan_occurrences(assessment)
    linked = [o for o in occurrences if criterion.code in (o.task.criteria_codes or [])]
    if linked:
        plans = ", ".join(sorted({o.task.plan.title for o in linked}))
        chosen, label = linked, f"nhiệm vụ gắn tiêu chí {criterion.code} trong {plans}"
    elif PLAN_CRITERION.search(criterion.title):
        annual = [o for o in occurrences if o.task.plan.kind == PlanKind.ANNUAL]
        if not annual:
            return None
        chosen, label = annual, f"kế hoạch “{annual[0].task.plan.title}”"
    else:
        return None
    due = [o for o in chosen if o.due is not None and o.due <= today]
    if not due:
        return None
    done = sum(1 for o in due if o.done_on is not None)
    return {
        "a": len(due),
        "b": done,
    }, f"{label}: {done}/{len(due)} kỳ đến hạn đã hoàn thành (tính đến {today:%d/%m/%Y})"


@transaction.atomic
def prefill_refresh(*, assessment: Assessment, by, today: date) -> int:
    """The coordinator's "refresh the known figures", in self-assessment only."""
    enforce(Action.PREFILL_REFRESH, assessment=assessment, by=by, today=today)
    filled = answers_prefill(assessment=assessment, today=today)
    assessment_totals_refresh(assessment_id=assessment.pk)
    return filled


def answers_prefill(*, assessment: Assessment, today: date) -> int:
    """Fill (again) the answers nobody has saved by hand from what the system knows today; the
    criteria of units that have already submitted stay as they were submitted. Nobody's act:
    the round's opening calls it; people go through prefill_refresh()."""
    if assessment.state != State.DRAFT:
        raise ApplicationError(ERR_NOT_DRAFT.format(state=assessment.get_state_display()))
    submitted = set(assessment.unit_submissions.values_list("unit_id", flat=True))
    roles = effective_assignments(assessment.round.criteria_set) if submitted else {}
    occurrences = _plan_occurrences(assessment)
    filled = 0
    for answer in assessment.answers.select_related("criterion").filter(updated_by__isnull=True):
        leads = {unit for unit, role in roles.get(answer.criterion_id, {}).items() if role == AssignmentRole.LEAD}
        if submitted & leads:
            continue
        known = known_inputs(assessment=assessment, criterion=answer.criterion, today=today, occurrences=occurrences)
        if known is None:
            continue
        inputs, source = known
        try:
            _score(answer, inputs)
        except ApplicationError:
            continue  # e.g. its rule waits for another criterion's points: a person scores it later
        # Only if nobody saved it meanwhile: a person's save always wins over known figures.
        filled += Answer.objects.filter(pk=answer.pk, version=answer.version, updated_by__isnull=True).update(
            inputs=answer.inputs, self_points=answer.self_points, self_excluded=answer.self_excluded,
            self_explanation=answer.self_explanation, prefill_source=source, version=F("version") + 1,
        )  # fmt: skip
    return filled


def _score(answer: Answer, raw_inputs: dict) -> None:
    rule = answer.criterion.compiled_rule()
    result = rule.evaluate(raw_inputs, context=rule_context(answer.assessment_id, rule))
    if result.error:
        raise ApplicationError(result.error)
    answer.inputs = raw_inputs
    answer.self_points = totals.stored_points(result.points)
    answer.self_excluded = result.excluded
    answer.self_explanation = result.explanation


def rule_context(assessment_id: int, rule: CompiledRule) -> dict[str, Decimal] | None:
    """The self-assessed points of the criteria a rule reads (its `condition` on a criterion),
    as its evaluate() takes them."""
    codes = rule.depends_on()
    if not codes:
        return None
    answers = Answer.objects.filter(assessment_id=assessment_id, criterion__code__in=codes, self_points__isnull=False)
    return dict(answers.values_list("criterion__code", "self_points"))


def _rescore_dependents(answer: Answer, by) -> None:
    """Answers whose rule branches on this answer's points follow them, and theirs in turn. An
    answer nobody has filled in yet waits for its own save; one that can no longer be scored
    loses its points and says why (it then counts as unanswered until someone looks at it)."""
    criteria = Criterion.objects.filter(criteria_set_id=answer.criterion.criteria_set_id, rule__isnull=False)
    readers = {c.code: c.compiled_rule().depends_on() for c in criteria}
    pending, done = [answer.criterion.code], {answer.criterion.code}
    while pending:
        changed = pending.pop()
        codes = [code for code, read in readers.items() if changed in read and code not in done]
        dependents = Answer.objects.select_related("criterion").filter(
            assessment_id=answer.assessment_id, criterion__code__in=codes
        )
        for dependent in dependents.exclude(inputs={}):
            done.add(dependent.criterion.code)
            pending.append(dependent.criterion.code)
            rule = dependent.criterion.compiled_rule()
            result = rule.evaluate(dependent.inputs, context=rule_context(answer.assessment_id, rule))
            fields = {
                "self_points": result.points,
                "self_excluded": result.excluded,
                "self_explanation": result.explanation if result.ok else result.error,
            }
            _claim(dependent, dependent.version, by, **fields)


def effective_assignments(criteria_set) -> dict[int, dict[int, str]]:
    """criterion id → {unit id: role}; a criterion without its own assignment takes its nearest
    assigned ancestor's (the seeds assign at the TC level and score at the TCTP level)."""
    parent_of = dict(criteria_set.criteria.values_list("pk", "parent_id"))
    own: dict[int, dict[int, str]] = {}
    rows = CriterionAssignment.objects.filter(criterion__criteria_set=criteria_set)
    for criterion_id, org_id, role in rows.values_list("criterion_id", "organization_id", "role"):
        own.setdefault(criterion_id, {})[org_id] = role
    result = {}
    for criterion_id in parent_of:
        node = criterion_id
        while node is not None and node not in own:
            node = parent_of.get(node)
        result[criterion_id] = own.get(node, {}) if node is not None else {}
    return result


def answer_roles(answer: Answer) -> dict[int, str]:
    """unit id → role on the answer's criterion; kept on the instance, since the views and the
    service ask several times per request and the answer each time costs two queries."""
    if not hasattr(answer, "_roles"):
        answer._roles = effective_assignments(answer.criterion.criteria_set).get(answer.criterion_id, {})
    return answer._roles


def answer_units(answer: Answer) -> set[int]:
    """The units assigned to the answer's criterion, lead or coordinating."""
    return set(answer_roles(answer))


def answer_lead_units(answer: Answer) -> set[int]:
    return {unit for unit, role in answer_roles(answer).items() if role == AssignmentRole.LEAD}


@transaction.atomic
def answer_save(
    *, answer: Answer, raw_inputs: dict, justification: str, override_reason: str, expected_version: int, by,
    today: date,
) -> Answer:  # fmt: skip
    assessment = answer.assessment
    enforce(Action.SELF_SCORE, assessment=assessment, by=by, today=today, answer=answer)
    if answer.prefill_source and _differs(answer.inputs, raw_inputs) and not override_reason.strip():
        raise ApplicationError(ERR_OVERRIDE_REASON.format(source=answer.prefill_source), field="override_reason")
    before = copy.copy(answer)
    _score(answer, raw_inputs)
    # As the form's label says: points without evidence need a justification, at save time
    # already (not only when the unit submits).
    if (
        answer.self_points is not None and answer.self_points > 0 and not justification.strip()
        and not Evidence.objects.filter(organization_id=assessment.organization_id, criteria=answer.criterion).exists()
    ):  # fmt: skip
        raise ApplicationError(ERR_JUSTIFICATION_REQUIRED.format(points=fmt(answer.self_points)), field="justification")
    _claim(
        before, expected_version, by,
        inputs=answer.inputs, self_points=answer.self_points, self_excluded=answer.self_excluded,
        self_explanation=answer.self_explanation, justification=justification, override_reason=override_reason,
    )  # fmt: skip
    answer.justification, answer.override_reason, answer.updated_by = justification, override_reason, by
    answer.version = expected_version + 1
    _rescore_dependents(answer, by)
    assessment_totals_refresh(assessment_id=assessment.pk)
    return answer


def _claim(answer: Answer, expected_version: int, by, **fields) -> None:
    """Write `fields` only if nobody saved the answer since the form showed `expected_version`,
    and put the change in the audit trail: the conditional update() that makes the check atomic
    bypasses the save signal auditlog listens to."""
    claimed = Answer.objects.filter(pk=answer.pk, version=expected_version).update(
        **fields, updated_by=by, version=F("version") + 1
    )
    if not claimed:
        current = Answer.objects.select_related("updated_by").get(pk=answer.pk)
        who = current.updated_by.get_full_name() if current.updated_by else "hệ thống"
        raise ApplicationError(ERR_STALE.format(who=who))
    changes = {
        name: [_audit_text(getattr(answer, name)), _audit_text(value)]
        for name, value in fields.items()
        if getattr(answer, name) != value
    }
    if changes:
        LogEntry.objects.log_create(answer, action=LogEntry.Action.UPDATE, changes=changes, actor=by)


def _audit_text(value) -> str:
    return "None" if value is None else str(value)


def _differs(known: dict, given: dict) -> bool:
    for key, value in known.items():
        try:
            if to_decimal(value) != to_decimal(given.get(key, "")):
                return True
        except (ArithmeticError, ValueError):
            return True
    return False


def _answers_needing(assessment: Assessment, unit_ids: set[int] | None):
    """Criteria (all, or those `unit_ids` lead) still unscored, or scored without evidence or a reason."""
    answers = assessment.answers.select_related("criterion").prefetch_related("criterion__evidence")
    roles = effective_assignments(assessment.round.criteria_set) if unit_ids is not None else {}
    unanswered, unjustified = [], []
    for answer in answers:
        if unit_ids is not None and not any(
            org in unit_ids and role == AssignmentRole.LEAD for org, role in roles.get(answer.criterion_id, {}).items()
        ):
            continue
        if answer.criterion.scoring != Scoring.SELF:
            continue
        if answer.self_points is None:
            unanswered.append(answer.criterion.code)
            continue
        has_evidence = any(e.organization_id == assessment.organization_id for e in answer.criterion.evidence.all())
        if answer.self_points > 0 and not has_evidence and not answer.justification.strip():
            unjustified.append(answer.criterion.code)
    return unanswered, unjustified


def _check_complete(assessment: Assessment, unit_ids: set[int] | None) -> None:
    unanswered, unjustified = _answers_needing(assessment, unit_ids)
    if unanswered:
        raise ApplicationError(ERR_UNANSWERED.format(count=len(unanswered), codes=", ".join(unanswered[:15])))
    if unjustified:
        raise ApplicationError(ERR_NEEDS_JUSTIFICATION.format(codes=", ".join(unjustified[:15])))


def units_not_submitted(assessment: Assessment) -> list[tuple[int, str]]:
    """(id, name) of the units that lead a self-scored criterion and have not submitted it yet:
    the coordinator compiles only what every unit head has signed off. A unit where nobody may
    submit (no unit head account yet) cannot hold the department up, so it is not waited for."""
    roles = effective_assignments(assessment.round.criteria_set)
    self_scored = set(assessment.answers.filter(criterion__scoring=Scoring.SELF).values_list("criterion_id", flat=True))
    leads = {
        org for criterion_id in self_scored for org, role in roles.get(criterion_id, {}).items()
        if role == AssignmentRole.LEAD
    }  # fmt: skip
    leads &= organization_tree(year=assessment.round.year).subtree_ids(assessment.organization_id)
    leads -= set(UnitSubmission.objects.filter(assessment=assessment).values_list("unit_id", flat=True))
    submitters = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.ASSESS_UNIT_SUBMIT in perms]
    leads &= set(
        Membership.objects.filter(organization_id__in=leads, role__in=submitters).values_list(
            "organization_id", flat=True
        )
    )
    names = organization_names(year=assessment.round.year, org_ids=leads)
    return sorted(names.items(), key=lambda item: item[1])


@transaction.atomic
def unit_submit(*, assessment: Assessment, unit_id: int, by, today: date) -> UnitSubmission:
    enforce(Action.UNIT_SUBMIT, assessment=assessment, by=by, today=today, unit_id=unit_id)
    _check_complete(assessment, {unit_id})
    submission, _ = UnitSubmission.objects.get_or_create(assessment=assessment, unit_id=unit_id, defaults={"by": by})
    return submission


@transaction.atomic
def assessment_transition(
    *, assessment: Assessment, to_state: str, by, note: str = "", confirmed: bool = False
) -> None:
    """One step on; an irreversible one (compile, finalize, publish) with something still
    missing only once the person has seen the list and confirmed."""
    from parindex.assessments.selectors import missing_before  # selectors import this module

    current = assessment.state
    action = policy.TRANSITION_FOR.get(to_state)
    if action is None:
        raise ApplicationError(ERR_SKIP.format(current=State(current).label, target=to_state))
    enforce(action, assessment=assessment, by=by)
    if action in policy.IRREVERSIBLE and not confirmed:
        missing = missing_before(assessment=assessment)
        if missing.any:
            step = State(to_state).label
            raise ApplicationError(ERR_CONFIRM_MISSING.format(missing=missing.summary(), step=step))
    if to_state == State.SUBMITTED:
        _check_complete(assessment, None)
        waiting = units_not_submitted(assessment)
        if waiting:
            names = ", ".join(name for _, name in waiting[:10])
            raise ApplicationError(ERR_UNITS_WAITING.format(count=len(waiting), names=names))
    moved = Assessment.objects.filter(pk=assessment.pk, state=current).update(state=to_state)
    if not moved:
        raise ApplicationError(ERR_SKIP.format(current=State(current).label, target=State(to_state).label))
    Transition.objects.create(assessment=assessment, from_state=current, to_state=to_state, by=by, note=note)
    assessment.state = to_state
    # No point changes with the state; the version counts the write.
    assessment_totals_refresh(assessment_id=assessment.pk)


@transaction.atomic
def appraisal_save(
    *, answer: Answer, round_number: int, points: Decimal, note: str, request_explanation: bool,
    expected_version: int, by,
) -> None:  # fmt: skip
    if round_number not in (1, 2):
        raise ApplicationError(ERR_NOT_APPRAISAL.format(round="1 hoặc 2"))
    action = Action.APPRAISE_1 if round_number == 1 else Action.APPRAISE_2
    enforce(action, assessment=answer.assessment, by=by, answer=answer)
    low, high = answer.criterion.points_range()
    if points > high or (low is not None and points < low):
        raise ApplicationError(range_message(low, high), field="points")
    if totals.stored_points(points) != points:
        raise ApplicationError(ERR_POINTS_PLACES, field="points")
    fields = (
        {"appraised_1": points, "note_1": note, "explanation_requested": request_explanation}
        if round_number == 1
        else {"appraised_2": points, "note_2": note}
    )
    _claim(answer, expected_version, by, **fields)
    assessment_totals_refresh(assessment_id=answer.assessment_id)


def range_message(low: Decimal | None, high: Decimal) -> str:
    if low is None:
        return ERR_POINTS_AT_MOST.format(high=fmt(high))
    return ERR_POINTS_RANGE.format(low=fmt(low), high=fmt(high))


@transaction.atomic
def reply_save(*, answer: Answer, reply: str, expected_version: int, by, today: date) -> None:
    enforce(Action.REPLY, assessment=answer.assessment, by=by, today=today, answer=answer)
    _claim(answer, expected_version, by, reply=reply)
    assessment_totals_refresh(assessment_id=answer.assessment_id)  # no point changed: counts the write


def evidence_criteria(assessment: Assessment, rights) -> list[Criterion]:
    """The criteria a user may link evidence to: all for the office, else those of their units
    (evidence counts towards a criterion's "needs evidence or a justification" check)."""
    leaves = leaf_criteria(assessment.round.criteria_set)
    if rights.input_all:
        return leaves
    roles = effective_assignments(assessment.round.criteria_set)
    return [c for c in leaves if set(roles.get(c.pk, {})) & rights.input_units]


def evidence_closed_reason(assessment: Assessment, today: date) -> str | None:
    """Why no evidence may be added now (whoever asks), or None."""
    return policy.not_now(Action.EVIDENCE_ADD, facts_for(assessment, today))


@transaction.atomic
def evidence_create(
    *, assessment: Assessment, number: str, issued_on: date | None, issuer: str, title: str,
    criteria_ids: list[int], files, by, today: date,
) -> Evidence:  # fmt: skip
    rights = enforce(Action.EVIDENCE_ADD, assessment=assessment, by=by, today=today)
    if set(criteria_ids) - {c.pk for c in evidence_criteria(assessment, rights)}:
        raise Forbidden(ERR_EVIDENCE_CRITERIA, field="criteria")
    if not files:
        raise ApplicationError(ERR_EVIDENCE_NO_FILE, field="files")
    for upload in files:
        upload_validate(upload)
    evidence = Evidence(
        organization_id=assessment.organization_id, year=assessment.round.year, number=number, issued_on=issued_on,
        issuer=issuer, title=title, created_by=by,
    )  # fmt: skip
    evidence.full_clean()
    evidence.save()
    evidence.criteria.set(criteria_ids)
    for upload in files:
        EvidenceFile.objects.create(
            evidence=evidence, file=upload, original_name=upload.name[:255], size=upload.size,
            content_type=mimetypes.guess_type(upload.name)[0] or "application/octet-stream",
        )  # fmt: skip
    return evidence
