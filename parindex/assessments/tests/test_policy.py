"""The workflow's rules on their own: no database, no request — rights, state and facts in,
actions out."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from parindex.assessments import policy
from parindex.assessments.access import AssessmentRights
from parindex.assessments.models import State
from parindex.assessments.policy import Action, CriterionFacts, Facts, Forbidden
from parindex.core.errors import ApplicationError

TODAY = date(2019, 11, 15)
VP, TT = 11, 12

COORDINATOR = AssessmentRights(see_all=True, input_units={VP, TT}, compile=True, what_if=True)
UNIT_HEAD = AssessmentRights(input_units={VP}, submit_units={VP})
STAFF = AssessmentRights(input_units={VP})
LEADER = AssessmentRights(see_all=True, what_if=True)
APPRAISER = AssessmentRights(see_all=True, appraise=True)
STRANGER = AssessmentRights()

OF_VP = CriterionFacts(unit_ids=frozenset({VP}), lead_ids=frozenset({VP}))
OF_TT = CriterionFacts(unit_ids=frozenset({TT}), lead_ids=frozenset({TT}))
FLAGGED_VP = CriterionFacts(unit_ids=frozenset({VP}), lead_ids=frozenset({VP}), explanation_requested=True)
SURVEY = CriterionFacts(unit_ids=frozenset({VP}), lead_ids=frozenset({VP}), survey_source="sipas")
OUTSIDE_SURVEY = CriterionFacts(unit_ids=frozenset({VP}), lead_ids=frozenset({VP}), survey_source="external")


def facts(state=State.DRAFT, *, today=TODAY, submitted=()):
    return Facts(
        state=state, today=today, closes_on=TODAY + timedelta(days=5),
        explanation_deadline=TODAY + timedelta(days=10), submitted_units=frozenset(submitted),
    )  # fmt: skip


def test_in_draft_the_coordinator_compiles_and_the_unit_scores_its_own_criteria_only():
    assert policy.allowed_actions(rights=COORDINATOR, facts=facts()) >= {
        Action.SUBMIT, Action.PREFILL_REFRESH, Action.SURVEY_POINTS_APPLY, Action.WHAT_IF, Action.EVIDENCE_ADD,
    }  # fmt: skip
    assert Action.SELF_SCORE in policy.allowed_actions(rights=STAFF, facts=facts(), criterion=OF_VP)
    assert Action.SELF_SCORE not in policy.allowed_actions(rights=STAFF, facts=facts(), criterion=OF_TT)
    assert policy.allowed_actions(rights=UNIT_HEAD, facts=facts(), unit_id=VP) >= {Action.UNIT_SUBMIT}
    assert Action.UNIT_SUBMIT not in policy.allowed_actions(rights=UNIT_HEAD, facts=facts(), unit_id=TT)
    assert Action.UNIT_SUBMIT not in policy.allowed_actions(rights=COORDINATOR, facts=facts(), unit_id=VP)


def test_the_appraiser_alone_moves_the_appraisal_on_and_never_compiles_nor_scores_for_the_department():
    for state, step in [
        (State.SUBMITTED, Action.APPRAISAL_1_START),
        (State.APPRAISAL_1, Action.EXPLANATION_REQUEST),
        (State.EXPLANATION, Action.APPRAISAL_2_START),
        (State.APPRAISAL_2, Action.FINALIZE),
        (State.FINALIZED, Action.PUBLISH),
    ]:
        assert policy.next_transition(state) == step
        assert step in policy.allowed_actions(rights=APPRAISER, facts=facts(state))
        for other in (COORDINATOR, LEADER, UNIT_HEAD):
            with pytest.raises(Forbidden):
                policy.check(step, rights=other, facts=facts(state))
    assert policy.next_transition(State.PUBLISHED) is None
    with pytest.raises(Forbidden):
        policy.check(Action.SUBMIT, rights=APPRAISER, facts=facts())
    with pytest.raises(Forbidden):
        policy.check(Action.SELF_SCORE, rights=APPRAISER, facts=facts(), criterion=OF_VP)


def test_rights_come_before_the_state_so_a_stranger_learns_nothing():
    with pytest.raises(Forbidden):
        policy.check(Action.PUBLISH, rights=STRANGER, facts=facts(State.DRAFT))
    with pytest.raises(ApplicationError, match="phải đi lần lượt") as refused:
        policy.check(Action.PUBLISH, rights=APPRAISER, facts=facts(State.DRAFT))
    assert not isinstance(refused.value, Forbidden)


def test_self_scores_stop_at_the_deadline_the_lead_units_submission_and_outside_draft():
    with pytest.raises(ApplicationError, match="quá hạn tự đánh giá"):
        policy.check(Action.SELF_SCORE, rights=STAFF, facts=facts(today=TODAY + timedelta(days=6)), criterion=OF_VP)
    with pytest.raises(ApplicationError, match="đã khóa"):
        policy.check(Action.SELF_SCORE, rights=STAFF, facts=facts(submitted={VP}), criterion=OF_VP)
    coordinating = CriterionFacts(unit_ids=frozenset({VP, TT}), lead_ids=frozenset({VP}))
    policy.check(Action.SELF_SCORE, rights=STAFF, facts=facts(submitted={TT}), criterion=coordinating)
    with pytest.raises(ApplicationError, match="không sửa số liệu tự chấm"):
        policy.check(Action.SELF_SCORE, rights=COORDINATOR, facts=facts(State.APPRAISAL_1), criterion=OF_VP)


def test_survey_points_come_from_campaigns_except_an_outside_survey_the_coordinator_types():
    for rights in (STAFF, COORDINATOR):
        with pytest.raises(Forbidden, match="điều tra xã hội học"):
            policy.check(Action.SELF_SCORE, rights=rights, facts=facts(), criterion=SURVEY)
    with pytest.raises(Forbidden):
        policy.check(Action.SELF_SCORE, rights=STAFF, facts=facts(), criterion=OUTSIDE_SURVEY)
    policy.check(Action.SELF_SCORE, rights=COORDINATOR, facts=facts(), criterion=OUTSIDE_SURVEY)


def test_survey_points_are_applied_in_every_state_before_the_result_is_finalized():
    for state in (State.DRAFT, State.SUBMITTED, State.APPRAISAL_1, State.EXPLANATION, State.APPRAISAL_2):
        assert Action.SURVEY_POINTS_APPLY in policy.allowed_actions(rights=COORDINATOR, facts=facts(state))
    for state in (State.FINALIZED, State.PUBLISHED):
        with pytest.raises(ApplicationError, match="chưa chốt kết quả"):
            policy.check(Action.SURVEY_POINTS_APPLY, rights=COORDINATOR, facts=facts(state))


def test_explanations_are_the_units_and_the_coordinators_never_a_leaders_nor_an_appraisers():
    explaining = facts(State.EXPLANATION)
    for rights in (STAFF, UNIT_HEAD, COORDINATOR):
        assert Action.REPLY in policy.allowed_actions(rights=rights, facts=explaining, criterion=FLAGGED_VP)
    for rights in (LEADER, APPRAISER, STRANGER):
        assert Action.REPLY not in policy.allowed_actions(rights=rights, facts=explaining, criterion=FLAGGED_VP)
        with pytest.raises(Forbidden):
            policy.check(Action.REPLY, rights=rights, facts=explaining, criterion=FLAGGED_VP)
    with pytest.raises(ApplicationError, match="không có yêu cầu giải trình"):
        policy.check(Action.REPLY, rights=STAFF, facts=explaining, criterion=OF_VP)
    late = facts(State.EXPLANATION, today=TODAY + timedelta(days=11))
    with pytest.raises(ApplicationError, match="quá hạn giải trình"):
        policy.check(Action.REPLY, rights=STAFF, facts=late, criterion=FLAGGED_VP)


def test_appraisal_points_in_their_own_round_only():
    assert Action.APPRAISE_1 in policy.allowed_actions(
        rights=APPRAISER, facts=facts(State.APPRAISAL_1), criterion=OF_VP
    )
    assert Action.APPRAISE_2 not in policy.allowed_actions(
        rights=APPRAISER, facts=facts(State.APPRAISAL_1), criterion=OF_VP
    )
    with pytest.raises(ApplicationError, match="vòng 2"):
        policy.check(Action.APPRAISE_2, rights=APPRAISER, facts=facts(State.EXPLANATION), criterion=OF_VP)


def test_evidence_goes_in_while_scoring_and_explaining_until_each_deadline():
    assert Action.EVIDENCE_ADD in policy.allowed_actions(rights=STAFF, facts=facts())
    assert Action.EVIDENCE_ADD in policy.allowed_actions(rights=STAFF, facts=facts(State.EXPLANATION))
    assert Action.EVIDENCE_ADD not in policy.allowed_actions(rights=STAFF, facts=facts(State.APPRAISAL_1))
    assert Action.EVIDENCE_ADD not in policy.allowed_actions(rights=APPRAISER, facts=facts())
    assert policy.not_now(Action.EVIDENCE_ADD, facts(today=TODAY + timedelta(days=6))).startswith("Đã quá hạn")


def test_only_the_compiling_steps_are_irreversible_and_every_step_has_one_action():
    assert {Action.SUBMIT, Action.FINALIZE, Action.PUBLISH} == policy.IRREVERSIBLE
    assert set(policy.TRANSITION_FOR) == {s for s in State if s != State.DRAFT}
    with pytest.raises(ValueError, match="needs the criterion"):
        policy.check(Action.REPLY, rights=STAFF, facts=facts())  # a criterion's action needs its facts
