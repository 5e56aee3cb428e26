"""Who may do what on one assessment, in which state: the one owner of the workflow's rules.

Pure: no request, no template, no query. The caller gathers the facts (the user's rights on
the assessed department, the state, the deadlines and today, which units have submitted, the
criterion's assignment) and asks. Services call `check()` before they write, so a direct call
by the wrong person is refused; views and templates call `allowed_actions()` and show only
what the user may submit.

Two kinds of "no": `Forbidden` (this person may never do it on this assessment — a 403 for the
views) and a plain ApplicationError (not now: wrong state, past a deadline, a locked unit —
shown as a message). Rights are checked first, so a stranger never learns the state from the
refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from parindex.assessments.models import STATE_ORDER, State
from parindex.core.errors import ApplicationError, Forbidden

if TYPE_CHECKING:
    from parindex.assessments.access import AssessmentRights

ERR_NOT_DRAFT = "Bản đánh giá đang ở bước “{state}”: không sửa số liệu tự chấm được nữa."
ERR_UNIT_LOCKED = "Đơn vị đã gửi kết quả tự chấm; số liệu đã khóa."
ERR_AFTER_DEADLINE = "Đã quá hạn tự đánh giá ({deadline:%d/%m/%Y}); không sửa được nữa."
ERR_SURVEY_SCORED = "Tiêu chí chấm bằng điều tra xã hội học: điểm lấy từ kết quả khảo sát, không tự nhập."
ERR_EVIDENCE_STATE = "Bản đánh giá đang ở bước “{state}”: không thêm tài liệu kiểm chứng được."
ERR_SKIP = "Không chuyển từ “{current}” sang “{target}” được: phải đi lần lượt từng bước."
ERR_NOT_APPRAISAL = "Chỉ chấm thẩm định trong bước thẩm định vòng {round}."
ERR_NOT_EXPLANATION = "Chỉ giải trình trong bước giải trình."
ERR_EXPLANATION_LATE = "Đã quá hạn giải trình ({deadline:%d/%m/%Y})."
ERR_NOT_FLAGGED = "Tiêu chí này không có yêu cầu giải trình."
ERR_SURVEY_FINALIZED = "Chỉ lấy điểm điều tra khi bản đánh giá chưa chốt kết quả."

ERR_FORBIDDEN_SELF_SCORE = "Chỉ đơn vị được giao tiêu chí này và Đầu mối CCHC của Sở mới tự chấm được."
ERR_FORBIDDEN_UNIT_SUBMIT = "Chỉ trưởng đơn vị mới gửi kết quả tự chấm của đơn vị mình."
ERR_FORBIDDEN_COMPILE = "Chỉ Đầu mối CCHC của Sở mới làm được việc này."
ERR_FORBIDDEN_APPRAISE = (
    "Chỉ cơ quan thẩm định (Sở Nội vụ) mới chấm thẩm định, chuyển bước thẩm định, chốt và công bố kết quả."
)
ERR_FORBIDDEN_REPLY = "Chỉ đơn vị được giao tiêu chí này và Đầu mối CCHC của Sở mới giải trình."
ERR_FORBIDDEN_EVIDENCE = "Chỉ các đơn vị của Sở và Đầu mối CCHC mới thêm tài liệu kiểm chứng."
ERR_FORBIDDEN_WHAT_IF = "Chỉ lãnh đạo và Đầu mối CCHC của Sở mới dùng giả định."
ERR_FORBIDDEN_EXPORT = "Chỉ lãnh đạo, Đầu mối CCHC của Sở và cơ quan thẩm định mới xuất toàn bộ bản đánh giá."


class Action(StrEnum):
    SELF_SCORE = "self_score"  # per criterion
    UNIT_SUBMIT = "unit_submit"  # per unit
    SUBMIT = "submit"  # draft → submitted: the coordinator compiles
    APPRAISAL_1_START = "appraisal_1_start"
    EXPLANATION_REQUEST = "explanation_request"
    APPRAISAL_2_START = "appraisal_2_start"
    FINALIZE = "finalize"
    PUBLISH = "publish"
    APPRAISE_1 = "appraise_1"  # per criterion
    APPRAISE_2 = "appraise_2"  # per criterion
    REPLY = "reply"  # per criterion
    EVIDENCE_ADD = "evidence_add"
    PREFILL_REFRESH = "prefill_refresh"
    SURVEY_POINTS_APPLY = "survey_points_apply"
    REMEDIATION_CREATE = "remediation_create"
    WHAT_IF = "what_if"
    EXPORT = "export"


# The step each transition action takes the assessment to, and back.
TRANSITION_TO: dict[Action, str] = {
    Action.SUBMIT: State.SUBMITTED,
    Action.APPRAISAL_1_START: State.APPRAISAL_1,
    Action.EXPLANATION_REQUEST: State.EXPLANATION,
    Action.APPRAISAL_2_START: State.APPRAISAL_2,
    Action.FINALIZE: State.FINALIZED,
    Action.PUBLISH: State.PUBLISHED,
}
TRANSITION_FOR: dict[str, Action] = {state: action for action, state in TRANSITION_TO.items()}
# Steps that cannot be undone: the page shows what is missing and asks for a confirmation.
IRREVERSIBLE = frozenset({Action.SUBMIT, Action.FINALIZE, Action.PUBLISH})
PER_CRITERION = frozenset({Action.SELF_SCORE, Action.APPRAISE_1, Action.APPRAISE_2, Action.REPLY})
PER_UNIT = frozenset({Action.UNIT_SUBMIT})


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about the assessment."""

    state: str
    today: date
    closes_on: date
    explanation_deadline: date
    submitted_units: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CriterionFacts:
    """What the rules need to know about one criterion (its answer) of the assessment."""

    unit_ids: frozenset[int]  # units assigned to it, lead or coordinating
    lead_ids: frozenset[int]
    survey_source: str | None = None  # None: self-scored; else where the survey share comes from
    explanation_requested: bool = False


def _state_label(state: str) -> str:
    return State(state).label


def forbidden_reason(
    action: Action, rights: AssessmentRights, criterion: CriterionFacts | None = None, unit_id: int | None = None
) -> str | None:
    """Why this person may never do `action` here, or None."""
    if action == Action.SELF_SCORE:
        assert criterion is not None
        if not (rights.input_all or criterion.unit_ids & rights.input_units):
            return ERR_FORBIDDEN_SELF_SCORE
        # Survey points come from the campaigns, except an outside survey's share, which only
        # the coordinator (who receives that survey's result) types in.
        if criterion.survey_source is not None and not (rights.input_all and criterion.survey_source == "external"):
            return ERR_SURVEY_SCORED
        return None
    if action == Action.UNIT_SUBMIT:
        return None if unit_id in rights.submit_units else ERR_FORBIDDEN_UNIT_SUBMIT
    if action in (Action.SUBMIT, Action.PREFILL_REFRESH, Action.SURVEY_POINTS_APPLY, Action.REMEDIATION_CREATE):
        return None if rights.compile else ERR_FORBIDDEN_COMPILE
    if action in TRANSITION_TO or action in (Action.APPRAISE_1, Action.APPRAISE_2):
        return None if rights.appraise else ERR_FORBIDDEN_APPRAISE
    if action == Action.REPLY:
        assert criterion is not None
        # Appraisers never answer their own requests, even where they could also input.
        if rights.appraise or not (rights.compile or criterion.unit_ids & rights.input_units):
            return ERR_FORBIDDEN_REPLY
        return None
    if action == Action.EVIDENCE_ADD:
        return None if rights.input_units or rights.compile else ERR_FORBIDDEN_EVIDENCE
    if action == Action.WHAT_IF:
        return None if rights.what_if else ERR_FORBIDDEN_WHAT_IF
    if action == Action.EXPORT:
        return None if rights.see_all else ERR_FORBIDDEN_EXPORT
    raise ValueError(action)


def not_now(action: Action, facts: Facts, criterion: CriterionFacts | None = None) -> str | None:
    """Why `action` cannot be done now (state, deadline, lock), or None."""
    state = facts.state
    if action in TRANSITION_TO:
        target = TRANSITION_TO[action]
        if STATE_ORDER.index(target) != STATE_ORDER.index(state) + 1:
            return ERR_SKIP.format(current=_state_label(state), target=_state_label(target))
        return None
    if action in (Action.SELF_SCORE, Action.UNIT_SUBMIT, Action.PREFILL_REFRESH):
        if state != State.DRAFT:
            return ERR_NOT_DRAFT.format(state=_state_label(state))
        if action == Action.SELF_SCORE:
            assert criterion is not None
            if facts.today > facts.closes_on:
                return ERR_AFTER_DEADLINE.format(deadline=facts.closes_on)
            # The lead unit's submission locks the criterion; a coordinating unit's does not.
            if criterion.lead_ids & facts.submitted_units:
                return ERR_UNIT_LOCKED
        return None
    if action in (Action.APPRAISE_1, Action.APPRAISE_2):
        number = 1 if action == Action.APPRAISE_1 else 2
        wanted = State.APPRAISAL_1 if number == 1 else State.APPRAISAL_2
        return None if state == wanted else ERR_NOT_APPRAISAL.format(round=number)
    if action == Action.REPLY:
        assert criterion is not None
        if state != State.EXPLANATION:
            return ERR_NOT_EXPLANATION
        if facts.today > facts.explanation_deadline:
            return ERR_EXPLANATION_LATE.format(deadline=facts.explanation_deadline)
        if not criterion.explanation_requested:
            return ERR_NOT_FLAGGED
        return None
    if action == Action.EVIDENCE_ADD:
        # Evidence goes in while the units score, and again while they answer the appraisers'
        # requests, each until its own deadline.
        if state == State.DRAFT:
            late = facts.today > facts.closes_on
            return ERR_AFTER_DEADLINE.format(deadline=facts.closes_on) if late else None
        if state == State.EXPLANATION:
            late = facts.today > facts.explanation_deadline
            return ERR_EXPLANATION_LATE.format(deadline=facts.explanation_deadline) if late else None
        return ERR_EVIDENCE_STATE.format(state=_state_label(state))
    if action == Action.SURVEY_POINTS_APPLY:
        # Until the result is finalized: finalizing asks for the survey area first.
        return ERR_SURVEY_FINALIZED if state in (State.FINALIZED, State.PUBLISHED) else None
    return None  # what-if, exports, remediation: a copy or a read, in any state


def check(
    action: Action, *, rights: AssessmentRights, facts: Facts, criterion: CriterionFacts | None = None,
    unit_id: int | None = None,
) -> None:  # fmt: skip
    """Raise Forbidden if the person may never do `action` here, ApplicationError if not now."""
    if action in PER_CRITERION and criterion is None:
        raise ValueError(f"{action} needs the criterion's facts")
    reason = forbidden_reason(action, rights, criterion, unit_id)
    if reason:
        raise Forbidden(reason)
    reason = not_now(action, facts, criterion)
    if reason:
        raise ApplicationError(reason)


def allows(action: Action, **kwargs) -> bool:
    try:
        check(action, **kwargs)
    except ApplicationError:
        return False
    return True


def allowed_actions(
    *, rights: AssessmentRights, facts: Facts, criterion: CriterionFacts | None = None, unit_id: int | None = None
) -> frozenset[Action]:
    """Every action the person may do now: on the assessment, and on `criterion` / `unit_id` when given."""
    candidates = [
        action for action in Action
        if (action not in PER_CRITERION or criterion is not None) and (action not in PER_UNIT or unit_id is not None)
    ]  # fmt: skip
    return frozenset(
        action
        for action in candidates
        if allows(action, rights=rights, facts=facts, criterion=criterion, unit_id=unit_id)
    )


def next_transition(state: str) -> Action | None:
    """The one step that follows `state` (None after publication)."""
    index = STATE_ORDER.index(state)
    return TRANSITION_FOR.get(STATE_ORDER[index + 1]) if index + 1 < len(STATE_ORDER) else None
