"""A demo assessment round on the seed 004 set (Đồng Nai), with plausible self-scores for
most criteria, so the sheet, results and what-if have something to show."""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from decimal import Decimal

from parindex.assessments.models import Answer, AssessmentRound
from parindex.assessments.services import round_open
from parindex.criteria.models import CriteriaSet, Scoring
from parindex.engine.rules import InputField, compile_rule
from parindex.organizations.models import Organization

TITLE = "Tự đánh giá Chỉ số CCHC năm 2019 — Sở Công Thương (bộ tiêu chí 100 điểm)"


def load_demo_assessment(*, today: date) -> int:
    if AssessmentRound.objects.filter(title=TITLE).exists():
        return 0
    criteria_set = CriteriaSet.objects.get(code="dn-sct-2019")
    assessment_round = round_open(
        criteria_set=criteria_set, year=2019, title=TITLE, opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30), explanation_deadline=today + timedelta(days=60),
        organization_ids=[Organization.objects.get(code="dn-sct").pk], today=today,
    )  # fmt: skip
    for answer in Answer.objects.filter(assessment__round=assessment_round).select_related("criterion"):
        criterion = answer.criterion
        roll = zlib.crc32(criterion.code.encode()) % 10
        if criterion.scoring == Scoring.SURVEY or roll >= 8 or answer.self_points is not None:
            continue
        rule = compile_rule(criterion.rule, criterion.max_points or 0)
        inputs = _inputs(rule.fields(), roll, criterion.max_points or Decimal(0))
        result = rule.evaluate(inputs)
        if result.ok:
            answer.inputs, answer.self_points = inputs, result.points
            answer.self_explanation, answer.self_excluded = result.explanation, result.excluded
            answer.justification = "Dữ liệu mẫu: tài liệu kiểm chứng lưu tại Văn phòng."
            answer.save()
    return 1


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
