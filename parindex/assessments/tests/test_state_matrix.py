"""Who may do what in each state of an assessment (Đồng Nai personas; lanhdao is from another province)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import Answer, Assessment, State

pytestmark = pytest.mark.usefixtures("demo")
OK, BAD_STATE, FORBIDDEN, HIDDEN = 200, 422, 403, 404
USERS = ["dn.vanphong", "dn.truongphong", "dn.thamdinh", "lanhdao"]

# action → state → expected status per user (in USERS order)
EXPECTED = {
    "answer_save": {
        State.DRAFT: [OK, OK, FORBIDDEN, HIDDEN],
        State.APPRAISAL_1: [BAD_STATE, BAD_STATE, FORBIDDEN, HIDDEN],
        State.EXPLANATION: [BAD_STATE, BAD_STATE, FORBIDDEN, HIDDEN],
    },
    "appraisal_save": {
        State.DRAFT: [FORBIDDEN, FORBIDDEN, BAD_STATE, HIDDEN],
        State.APPRAISAL_1: [FORBIDDEN, FORBIDDEN, OK, HIDDEN],
        State.EXPLANATION: [FORBIDDEN, FORBIDDEN, BAD_STATE, HIDDEN],
    },
    "reply_save": {
        State.DRAFT: [BAD_STATE, BAD_STATE, FORBIDDEN, HIDDEN],
        State.APPRAISAL_1: [BAD_STATE, BAD_STATE, FORBIDDEN, HIDDEN],
        State.EXPLANATION: [OK, OK, FORBIDDEN, HIDDEN],
    },
}
CASES = [
    (action, state, user, codes[i])
    for action, states in EXPECTED.items()
    for state, codes in states.items()
    for i, user in enumerate(USERS)
]


@pytest.mark.parametrize(("action", "state", "user", "expected"), CASES)
def test_each_person_may_act_only_in_the_right_state(login_as, action, state, user, expected):
    assessment = Assessment.objects.get(organization__code="dn-sct")
    Assessment.objects.filter(pk=assessment.pk).update(state=state)
    assessment.round.__class__.objects.filter(pk=assessment.round_id).update(
        closes_on=timezone.localdate(), explanation_deadline=timezone.localdate()
    )
    answer = Answer.objects.get(assessment=assessment, criterion__code="1.1.2")
    Answer.objects.filter(pk=answer.pk).update(explanation_requested=True)
    data = {
        "answer_save": {"a": "20", "b": "19", "justification": "Báo cáo số 12/BC", "version": answer.version},
        "appraisal_save": {"points": "2", "note": "ok", "version": answer.version},
        "reply_save": {"reply": "Bổ sung tài liệu", "version": answer.version},
    }[action]
    args = [answer.pk, 1] if action == "appraisal_save" else [answer.pk]
    response = login_as(user).post(reverse(f"assessments:{action}", args=args), data)
    assert response.status_code == expected
    changed = Answer.objects.get(pk=answer.pk)
    effect = {
        "answer_save": changed.self_points is not None and changed.inputs.get("b") == "19",
        "appraisal_save": changed.appraised_1 is not None,
        "reply_save": changed.reply == "Bổ sung tài liệu",
    }[action]
    assert effect == (expected == OK)
