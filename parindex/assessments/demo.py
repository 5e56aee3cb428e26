"""A demo assessment round on the seed 004 set (Đồng Nai): Sở Công Thương in self-assessment
with plausible self-scores for most criteria (for people to try), and two other departments
taken through the whole workflow to publication by the same services the pages call, so the
results, ranking and points-lost analysis have something to show."""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from decimal import Decimal

from parindex.accounts.models import User
from parindex.assessments.models import Answer, AssessmentRound, State
from parindex.assessments.services import appraisal_save, assessment_totals_refresh, reply_save, round_open
from parindex.assessments.services import assessment_transition as transition
from parindex.criteria.models import CriteriaSet, Scoring
from parindex.engine.rules import InputField
from parindex.organizations.models import Membership, Organization
from parindex.organizations.permissions import Role

TITLE = "Tự đánh giá Chỉ số CCHC năm 2019 — Sở Công Thương (bộ tiêu chí 100 điểm)"


def load_demo_assessment(*, today: date) -> int:
    if AssessmentRound.objects.filter(title=TITLE).exists():
        return 0
    criteria_set = CriteriaSet.objects.get(code="dn-sct-2019")
    appraiser = User.objects.get(username=APPRAISER)  # Sở Nội vụ opens the round for the departments it appraises
    assessment_round = round_open(
        criteria_set=criteria_set, year=2019, title=TITLE, opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30), explanation_deadline=today + timedelta(days=60),
        organization_ids=list(Organization.objects.filter(code__in=RANKED).values_list("pk", flat=True)), by=appraiser,
        today=today,
    )  # fmt: skip
    for assessment in assessment_round.assessments.select_related("organization", "round"):
        code = assessment.organization.code
        _self_score(assessment, salt=code, skip_some=code == "dn-sct")
        if code != "dn-sct":
            _run_to_publication(
                assessment, salt=code, today=today, coordinator=_coordinator(assessment.organization),
                appraiser=appraiser,
            )  # fmt: skip
    return 1


RANKED = ("dn-sct", "dn-stc", "dn-sxd")
APPRAISER = "dn.thamdinh"  # Sở Nội vụ Đồng Nai appraises the round
DEMO_SURVEY_SHARE = {"dn-stc": Decimal("88.5"), "dn-sxd": Decimal("84.25")}


def _self_score(assessment, *, salt: str, skip_some: bool) -> None:
    for answer in Answer.objects.filter(assessment=assessment).select_related("criterion"):
        criterion = answer.criterion
        roll = zlib.crc32(f"{salt}{criterion.code}".encode()) % 10
        if answer.self_points is not None or (skip_some and roll >= 8):
            continue
        rule = criterion.compiled_rule()
        if criterion.scoring == Scoring.SURVEY:
            if skip_some:
                continue
            inputs = {"share": str(DEMO_SURVEY_SHARE[salt])}
            answer.prefill_source = "Dữ liệu mẫu: kết quả khảo sát năm 2019 của Sở"
        else:
            inputs = _inputs(rule.fields(), roll, criterion.max_points or Decimal(0))
        result = rule.evaluate(inputs)
        if result.ok:
            answer.inputs, answer.self_points = inputs, result.points
            answer.self_explanation, answer.self_excluded = result.explanation, result.excluded
            answer.justification = "Dữ liệu mẫu: tài liệu kiểm chứng lưu tại Văn phòng."
            answer.save()
    assessment_totals_refresh(assessment_id=assessment.pk)


def _coordinator(organization) -> User:
    """The department's CCHC coordinator who compiles and explains its assessment: the two
    demo-only departments get one account each, without a password (nobody logs in as them)."""
    user, created = User.objects.get_or_create(
        username=f"demo.{organization.code}",
        defaults={"full_name": f"Đầu mối CCHC {organization.code} (dữ liệu mẫu)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, organization=organization, role=Role.COORDINATOR)
    return user


def _run_to_publication(assessment, *, salt: str, today: date, coordinator, appraiser) -> None:
    """Submit, appraise (two criteria cut and flagged), explain, re-appraise, finalize, publish,
    each step by whom the workflow's policy lets do it."""
    transition(assessment=assessment, to_state=State.SUBMITTED, by=coordinator, note="Dữ liệu mẫu")
    transition(assessment=assessment, to_state=State.APPRAISAL_1, by=appraiser)
    answers = list(
        Answer.objects.filter(assessment=assessment, self_points__gt=0).select_related("criterion", "assessment__round")
    )
    flagged = sorted(answers, key=lambda a: zlib.crc32(f"{salt}{a.criterion.code}".encode()))[:2]
    for answer in flagged:
        cut = max(Decimal(0), answer.self_points - (answer.criterion.max_points or Decimal(0)) / 2)
        appraisal_save(
            answer=answer, round_number=1, points=cut.quantize(Decimal("0.25")), request_explanation=True,
            note="Chưa có tài liệu kiểm chứng đầy đủ (dữ liệu mẫu).", expected_version=answer.version,
            by=appraiser,
        )  # fmt: skip
    transition(assessment=assessment, to_state=State.EXPLANATION, by=appraiser)
    for answer in flagged:
        answer.refresh_from_db()
        reply_save(
            answer=answer, reply="Bổ sung báo cáo và quyết định kèm theo (dữ liệu mẫu).",
            expected_version=answer.version, by=coordinator, today=today,
        )  # fmt: skip
    transition(assessment=assessment, to_state=State.APPRAISAL_2, by=appraiser)
    accepted = flagged[0]
    accepted.refresh_from_db()
    appraisal_save(
        answer=accepted, round_number=2, points=accepted.self_points, request_explanation=False,
        note="Chấp nhận giải trình.", expected_version=accepted.version, by=appraiser,
    )  # fmt: skip
    for state in (State.FINALIZED, State.PUBLISHED):  # nothing is missing: no confirmation needed
        transition(assessment=assessment, to_state=state, by=appraiser)


def _inputs(fields: list[InputField], roll: int, maximum: Decimal) -> dict:
    inputs: dict = {}
    for field in fields:
        if field.type == "group":
            inputs[field.key] = _inputs(list(field.fields), roll, maximum)
        elif field.type == "bool":
            inputs[field.key] = field.key not in {"not_applicable", "nothing_found"} and roll < 6
        elif field.type == "multi":
            inputs[field.key] = [key for key, _ in field.choices][: len(field.choices) - roll % 2]
        elif field.type == "choice":
            keys = [key for key, _ in field.choices if key]
            inputs[field.key] = keys[-1 - roll % 2] if keys else ""
        elif field.key == "a":
            inputs[field.key] = 20
        elif field.key == "b":
            inputs[field.key] = 17 + roll % 4
        elif field.type == "percent":
            inputs[field.key] = 80 + roll
        elif field.key == "points":
            inputs[field.key] = str((maximum * Decimal("0.75")).quantize(Decimal("0.25")))
        else:
            inputs[field.key] = 0 if field.key in {"violations", "failed"} else roll % 3
    return inputs
