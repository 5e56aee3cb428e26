"""Issue 10: who may do what on an assessment is enforced by the services themselves; the
irreversible steps show what is missing and ask for a confirmation; a score without evidence
needs its justification at save time; the what-if rank no longer leaks hidden indices
(finding 8); malformed requests get a 400, not a 500 (finding 12)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import User
from parindex.assessments import selectors, services
from parindex.assessments.models import Answer, Assessment, AssessmentRound, Evidence, State, UnitSubmission
from parindex.core.errors import ApplicationError
from parindex.criteria.models import Scoring
from parindex.organizations.models import Membership, Organization
from parindex.plans.models import Plan
from parindex.plans.remediation import remediation_plan_create
from parindex.surveys import services as survey_services
from parindex.surveys.models import Campaign

pytestmark = pytest.mark.usefixtures("demo")
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def assessment():
    assessment = Assessment.objects.select_related("round", "organization").get(
        round__title__startswith="Tự đánh giá Chỉ số CCHC năm 2019", organization__code="dn-sct"
    )
    AssessmentRound.objects.filter(pk=assessment.round_id).update(
        closes_on=TODAY + timedelta(days=5), explanation_deadline=TODAY + timedelta(days=10)
    )
    assessment.refresh_from_db()
    assessment.round.refresh_from_db()
    return assessment


@pytest.fixture
def leader(db):
    """A leader of Sở Công Thương Đồng Nai: sees the whole assessment, answers no explanation."""
    user = User.objects.create_user(username="dn.lanhdao", password="x", full_name="Lãnh đạo Sở Công Thương")
    Membership.objects.create(user=user, organization=Organization.objects.get(code="dn-sct"), role="leader")
    return user


def person(username: str) -> User:
    return User.objects.get(username=username)


def put(assessment, state: str) -> Assessment:
    Assessment.objects.filter(pk=assessment.pk).update(state=state)
    assessment.refresh_from_db()
    return assessment


def answer(assessment, code: str) -> Answer:
    found = Answer.objects.select_related("criterion", "assessment__round").get(
        assessment=assessment, criterion__code=code
    )
    found.assessment = assessment
    return found


def score_everything(assessment) -> None:
    """Every self-scored criterion answered (0 needs no evidence) and every lead unit submitted."""
    assessment.answers.filter(criterion__scoring=Scoring.SELF, self_points=None).update(self_points=0)
    for unit_id, _ in services.units_not_submitted(assessment):
        UnitSubmission.objects.create(assessment=assessment, unit_id=unit_id)


# --- the policy is enforced by the services, whoever calls them ---------------------------------


def _reply(who):
    def call(assessment):
        put(assessment, State.EXPLANATION)
        a = answer(assessment, "1.1.2")
        Answer.objects.filter(pk=a.pk).update(explanation_requested=True)
        a.refresh_from_db()
        services.reply_save(answer=a, reply="Giải trình", expected_version=a.version, by=who(), today=TODAY)
        return lambda: Answer.objects.get(pk=a.pk).reply == ""

    return call


def _publish(assessment):
    put(assessment, State.FINALIZED)
    services.assessment_transition(assessment=assessment, to_state=State.PUBLISHED, by=person("dn.vanphong"))
    return lambda: Assessment.objects.get(pk=assessment.pk).state == State.FINALIZED


def _self_score(username, code):
    def call(assessment):
        a = answer(assessment, code)
        services.answer_save(
            answer=a, raw_inputs={"a": 20, "b": 20}, justification="Báo cáo số 12", override_reason="",
            expected_version=a.version, by=person(username), today=TODAY,
        )  # fmt: skip
        return lambda: Answer.objects.get(pk=a.pk).version == a.version

    return call


def _appraise(assessment):
    put(assessment, State.APPRAISAL_1)
    a = answer(assessment, "1.1.2")
    services.appraisal_save(
        answer=a, round_number=1, points=Decimal(3), note="Tự thẩm định", request_explanation=False,
        expected_version=a.version, by=person("dn.vanphong"),
    )  # fmt: skip
    return lambda: Answer.objects.get(pk=a.pk).appraised_1 is None


def _unit_submit(assessment):
    vp = Organization.objects.get(code="dn-sct-vp").pk
    assessment.answers.filter(criterion__scoring=Scoring.SELF, self_points=None).update(self_points=0)
    services.unit_submit(assessment=assessment, unit_id=vp, by=person("dn.thanhtra"), today=TODAY)
    return lambda: not UnitSubmission.objects.filter(assessment=assessment, unit_id=vp).exists()


def _evidence(assessment):
    services.evidence_create(
        assessment=assessment, number="1/BC", issued_on=None, issuer="", title="Tài liệu của người ngoài",
        criteria_ids=[], files=[SimpleUploadedFile("a.pdf", PDF)], by=person("vanphong"), today=TODAY,
    )  # fmt: skip
    return lambda: not Evidence.objects.filter(title="Tài liệu của người ngoài").exists()


def _survey_points(assessment):
    survey_services.survey_points_apply(assessment=assessment, by=person("dn.truongphong"))
    return lambda: Answer.objects.get(assessment=assessment, criterion__code="10.1").self_points is None


def _remediation(assessment):
    before = Plan.objects.count()
    sheet = selectors.sheet_for(assessment=assessment)
    remediation_plan_create(assessment=assessment, lost=selectors.points_lost(sheet), by=person("dn.chuyenvien"))
    return lambda: Plan.objects.count() == before


def _compile_by_appraiser(assessment):
    score_everything(assessment)
    services.assessment_transition(assessment=assessment, to_state=State.SUBMITTED, by=person("dn.thamdinh"))
    return lambda: Assessment.objects.get(pk=assessment.pk).state == State.DRAFT


DIRECT_CALLS = {
    "a leader replies to an explanation request": _reply(lambda: User.objects.get(username="dn.lanhdao")),
    "the coordinator publishes his own index": _publish,
    "the coordinator appraises his own department": _appraise,
    "the appraiser compiles the department's self-assessment": _compile_by_appraiser,
    "a staff member of Văn phòng scores Thanh tra's criterion": _self_score("dn.chuyenvien", "3.1.2"),
    "a coordinator of another department scores this one": _self_score("vanphong", "1.1.2"),
    "the head of Thanh tra submits Văn phòng": _unit_submit,
    "another department's coordinator adds evidence here": _evidence,
    "a unit head applies the survey points": _survey_points,
    "a staff member drafts the remediation plan": _remediation,
}


@pytest.mark.parametrize("case", list(DIRECT_CALLS))
def test_a_service_called_directly_by_the_wrong_person_refuses_and_changes_nothing(assessment, leader, case):
    unchanged = None

    def run():
        nonlocal unchanged
        unchanged = DIRECT_CALLS[case](assessment)

    with pytest.raises(ApplicationError) as refused:
        run()
    assert refused.value.message.startswith("Chỉ ")  # the policy's Vietnamese reason
    if unchanged is not None:  # the call returned: it must not have written anything
        assert unchanged()


def test_a_leader_is_not_shown_a_reply_form_he_could_not_submit(client, assessment, leader):
    put(assessment, State.EXPLANATION)
    flagged = answer(assessment, "1.1.2")
    Answer.objects.filter(pk=flagged.pk).update(explanation_requested=True)
    client.force_login(leader)
    panel = client.get(reverse("assessments:answer_panel", args=[flagged.pk])).content.decode()
    assert "yêu cầu giải trình" in panel
    assert "Gửi giải trình" not in panel
    assert "reply_save" not in panel
    assert 'name="reply"' not in panel
    posted = client.post(reverse("assessments:reply_save", args=[flagged.pk]), {"reply": "x", "version": 0})
    assert posted.status_code == 403
    # the criterion's unit does get the form
    client.force_login(person("dn.truongphong"))
    assert 'name="reply"' in client.get(reverse("assessments:answer_panel", args=[flagged.pk])).content.decode()


# --- integrity of the published index -----------------------------------------------------------


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_compiling_with_the_survey_area_empty_shows_it_and_needs_a_confirmation(client, assessment):
    score_everything(assessment)
    client.force_login(person("dn.vanphong"))
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-step"' in page
    assert "Lĩnh vực điều tra xã hội học chưa có điểm" in page
    assert "10.1" in page
    url = reverse("assessments:transition", args=[assessment.pk])
    refused = client.post(url, {"to": State.SUBMITTED})
    assert "tiêu chí điều tra xã hội học chưa có điểm" in _messages(refused)
    assert Assessment.objects.get(pk=assessment.pk).state == State.DRAFT
    client.post(url, {"to": State.SUBMITTED, "confirmed": "on"})
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED


def test_finalizing_lists_open_explanations_and_the_survey_area_and_survey_points_come_first(client, assessment):
    score_everything(assessment)
    assessment.answers.filter(criterion__scoring=Scoring.APPRAISER).update(appraised_1=0)
    put(assessment, State.APPRAISAL_2)
    flagged = answer(assessment, "1.1.2")
    Answer.objects.filter(pk=flagged.pk).update(explanation_requested=True, reply="")
    appraiser = person("dn.thamdinh")
    client.force_login(appraiser)
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert 'data-testid="missing"' in page
    missing = page.split('data-testid="missing"')[1].split("</ul>")[0]
    assert "Lĩnh vực điều tra xã hội học chưa có điểm" in missing
    assert "1 yêu cầu giải trình chưa được trả lời" in missing
    assert "1.1.2" in missing
    url = reverse("assessments:transition", args=[assessment.pk])
    client.post(url, {"to": State.FINALIZED})
    assert Assessment.objects.get(pk=assessment.pk).state == State.APPRAISAL_2
    with pytest.raises(ApplicationError, match="Còn thiếu"):
        services.assessment_transition(assessment=assessment, to_state=State.FINALIZED, by=appraiser)

    # Survey points are applied in the appraisal states too, by the coordinator, before finalizing.
    client.force_login(person("dn.vanphong"))
    assert "Lấy điểm điều tra" in client.get(assessment.get_absolute_url()).content.decode()
    client.post(reverse("surveys:survey_points_apply", args=[assessment.pk]))
    assert Answer.objects.get(assessment=assessment, criterion__code="10.1").self_points is not None
    outside = answer(assessment, "10.5")  # an outside survey: the coordinator types its share
    Answer.objects.filter(pk=outside.pk).update(self_points=Decimal("2.5"))
    Answer.objects.filter(pk=flagged.pk).update(reply="Đã bổ sung")
    assessment.refresh_from_db()
    assert not selectors.missing_before(assessment=assessment).any
    services.assessment_transition(assessment=assessment, to_state=State.FINALIZED, by=appraiser)
    assert Assessment.objects.get(pk=assessment.pk).state == State.FINALIZED
    with pytest.raises(ApplicationError, match="chưa chốt kết quả"):
        survey_services.survey_points_apply(assessment=assessment, by=person("dn.vanphong"))


def test_points_without_evidence_or_justification_are_refused_at_save_and_the_inputs_stay(client, assessment):
    a = answer(assessment, "1.1.2")
    Evidence.objects.filter(organization=assessment.organization, criteria=a.criterion).delete()
    client.force_login(person("dn.truongphong"))
    url = reverse("assessments:answer_save", args=[a.pk])
    refused = client.post(url, {"a": "20", "b": "19", "justification": " ", "version": a.version})
    html = refused.content.decode()
    assert refused.status_code == 422
    assert services.ERR_JUSTIFICATION_REQUIRED.format(points="2,85") in html
    assert 'value="19"' in html
    assert Answer.objects.get(pk=a.pk).version == a.version
    # zero points need nothing; with a justification it saves
    assert client.post(url, {"a": "20", "b": "1", "version": a.version}).status_code == 200
    a.refresh_from_db()
    saved = client.post(url, {"a": "20", "b": "19", "justification": "Báo cáo số 12/BC", "version": a.version})
    assert saved.status_code == 200
    assert Answer.objects.get(pk=a.pk).self_points == Decimal("2.85")


# --- finding 8: the what-if rank --------------------------------------------------------------


def _overrides(ranges, fraction: float) -> dict[int, Decimal]:
    return {
        pk: (low + (high - low) * Decimal(str(fraction))).quantize(Decimal("0.01"))
        for pk, (_, low, high) in ranges.items()
    }


def _recovered_indices(client, assessment) -> list[Decimal]:
    """The binary search of the review: move the own index (which its owner computes exactly)
    from its lowest to 100 % and find every index at which the what-if rank changes — the other
    departments' indices, to a few hundredths."""
    url = reverse("assessments:what_if", args=[assessment.pk])
    ranges = selectors.leaf_ranges(selectors.sheet_for(assessment=assessment))
    ranks: dict[float, int] = {}

    def rank(fraction: float) -> int:
        if fraction not in ranks:
            data = {f"c{pk}": str(points) for pk, points in _overrides(ranges, fraction).items()}
            html = client.post(url, data).content.decode()
            ranks[fraction] = int(re.search(r'data-testid="what-if-rank">(\d+)/', html)[1])
        return ranks[fraction]

    found, intervals = [], [(0.0, 1.0)]
    while intervals:
        low, high = intervals.pop()
        if rank(low) == rank(high):
            continue
        if high - low < 1e-5:
            found.append(selectors.sheet_for(assessment=assessment, overrides=_overrides(ranges, high)).index())
            continue
        middle = (low + high) / 2
        intervals += [(low, middle), (middle, high)]
    return found


def test_the_what_if_rank_does_not_recover_an_unpublished_departments_index(client, assessment):
    hidden = Assessment.objects.get(round=assessment.round, organization__code="dn-stc")
    put(hidden, State.FINALIZED)  # appraised, not yet published: its index is not the coordinator's to see
    hidden_index = selectors.sheet_for(assessment=hidden).index()
    client.force_login(person("dn.vanphong"))
    shown = client.get(reverse("assessments:round_detail", args=[assessment.round_id])).context["results"]
    assert "dn-stc" not in {r.assessment.organization.code for r in shown}
    recovered = _recovered_indices(client, assessment)
    assert recovered  # the search works (the published Sở Xây dựng is ranked against)...
    assert all(abs(index - hidden_index) > Decimal("0.05") for index in recovered)  # ...the hidden one is not
    visible = {r.index for r in shown if r.assessment.pk != assessment.pk}
    assert all(any(abs(index - seen) <= Decimal("0.02") for seen in visible) for index in recovered)


# --- finding 12: malformed requests get a 400, never a 500 ----------------------------------------


@pytest.mark.parametrize("endpoint", ["answer_save", "appraisal_save", "reply_save"])
def test_a_version_that_is_not_a_number_is_a_400_with_a_message(client, assessment, endpoint):
    a = answer(assessment, "1.1.2")
    put(assessment, {"answer_save": State.DRAFT, "appraisal_save": State.APPRAISAL_1}.get(endpoint, State.EXPLANATION))
    client.force_login(person("dn.thamdinh" if endpoint == "appraisal_save" else "dn.vanphong"))
    args = [a.pk, 1] if endpoint == "appraisal_save" else [a.pk]
    response = client.post(
        reverse(f"assessments:{endpoint}", args=args),
        {"a": "1", "b": "1", "points": "1", "reply": "x", "version": "abc"},
    )
    assert response.status_code == 400
    assert "Phiên bản của biểu mẫu không hợp lệ" in response.content.decode()


@pytest.mark.parametrize("key", ["c²", "c١", "cabc", "c99999999999999999999"])
def test_a_garbage_what_if_key_is_a_400_with_a_message(client, assessment, key):
    client.force_login(person("dn.vanphong"))
    response = client.post(reverse("assessments:what_if", args=[assessment.pk]), {key: "1"})
    assert response.status_code == 400
    assert "Ô giả định không hợp lệ" in response.content.decode()


def test_huge_ids_are_a_clear_answer_not_a_500(client, assessment):
    client.force_login(person("dn.vanphong"))
    campaign = Campaign.objects.filter(organization__code="dn-sct").first()
    comments = client.get(reverse("surveys:campaign_comments", args=[campaign.pk]), {"diem": "99999999999999999999"})
    assert comments.status_code == 400
    assert "Điểm phục vụ không hợp lệ" in comments.content.decode()
    huge = 99999999999999999999
    for url in (
        reverse("assessments:assessment_detail", args=[huge]),
        reverse("assessments:answer_panel", args=[huge]),
        reverse("assessments:round_detail", args=[huge]),
        reverse("assessments:evidence_file", args=[huge]),
    ):
        assert client.get(url).status_code == 404, url
