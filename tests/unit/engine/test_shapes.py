"""The shapes of issue 12: bounds as written, fractional months, signed stages, graduated and
fixed penalties, exact points, and what the engine says about a rule (signed, minimum, source, label)."""

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from parindex.engine.errors import RuleError
from parindex.engine.rules import KIND_LABELS, KINDS, compile_rule, evaluate

LIBRARY = Path(__file__).resolve().parents[3] / "parindex" / "criteria" / "library"


def seed_004(code: str) -> dict:
    document = yaml.safe_load((LIBRARY / "dn-sct-2019.yaml").read_text(encoding="utf-8"))
    return next(c for c in document["criteria"] if c["code"] == code)


# --- wrong before: seed 004's 9.2.1, 3.1.5 and rounding -----------------------------------------


@pytest.mark.parametrize(
    ("stage", "points"),
    [("deducted_30_plus", "-3"), ("deducted_20_30", "-2"), ("deducted_10_20", "-1"), ("full_score", "3")],
)
def test_criterion_9_2_1_gives_the_negative_points_its_stages_say(stage, points):
    criterion = seed_004("9.2.1")
    result = evaluate(criterion["rule"], {"stage": stage}, criterion["max"])
    assert result.points == D(points)
    assert result.explanation.endswith(f"→ {points.replace('-', '−') if points[0] == '-' else '+' + points} điểm")


def test_criterion_9_2_1_is_signed_from_minus_3_to_3():
    criterion = seed_004("9.2.1")
    rule = compile_rule(criterion["rule"], criterion["max"])
    assert rule.signed
    assert (rule.minimum(), rule.upper_bound()) == (D(-3), D(3))


@pytest.mark.parametrize(("months", "points"), [("1", "2"), ("2", "1.5"), ("2,1", "1"), ("2,5", "1"), ("2,7", "0.5"),
                                                ("3", "0.5"), ("3,01", "0")])  # fmt: skip
def test_criterion_3_1_5_takes_fractional_months(months, points):
    criterion = seed_004("3.1.5")
    result = evaluate(criterion["rule"], {"value": months}, criterion["max"])
    assert result.error is None
    assert result.points == D(points)


def test_criterion_3_1_5_asks_for_a_number_of_months_not_an_integer():
    criterion = seed_004("3.1.5")
    assert [f.type for f in compile_rule(criterion["rule"], criterion["max"]).fields()] == ["number"]


def test_a_rule_may_still_ask_for_whole_months():
    rule = {"kind": "bands", "measure": "delay_months", "integer": True, "bands": [{"at_most": "1", "points": "1"}]}
    assert evaluate(rule, {"value": "2,7"}, "1").error == "“Số tháng chậm” phải là số nguyên."
    with pytest.raises(RuleError, match="true hoặc false"):
        compile_rule({**rule, "integer": "yes"}, "1")


def test_days_and_counts_stay_whole():
    rule = {"kind": "bands", "measure": "delay_days", "bands": [{"at_most": "1", "points": "1"}]}
    assert "số nguyên" in evaluate(rule, {"value": "1,5"}, "1").error


def test_points_are_exact_not_rounded_to_hundredths():
    result = evaluate({"kind": "ratio_threshold", "threshold": "85"}, {"a": 20, "b": 17}, "1.5")
    assert result.points == D("1.275")
    assert result.explanation.endswith("× 1,5 = 1,275 điểm")


def test_a_third_of_three_is_one():
    assert evaluate({"kind": "ratio_threshold", "threshold": "0"}, {"a": 3, "b": 1}, "3").points == 1


def test_grade_and_survey_share_are_exact_too():
    grades = {"kind": "grade", "grades": [{"key": "g", "percent": "85"}]}
    assert evaluate(grades, {"grade": "g"}, "1.5").points == D("1.275")
    assert evaluate({"kind": "survey"}, {"share": "87,5"}, "1.5").points == D("1.3125")


# --- bounds as written --------------------------------------------------------------------------

ABOVE_90 = {"kind": "bands", "measure": "ratio", "bands": [
    {"above": "90", "points": "2"}, {"at_least": "70", "at_most": "90", "points": "1"}, {"points": "0"}]}  # fmt: skip


@pytest.mark.parametrize(("b", "points"), [(1000, "2"), (901, "2"), (900, "1"), (899, "1"), (700, "1"), (699, "0")])
def test_above_90_is_strict_and_70_to_90_inclusive(b, points):
    assert evaluate(ABOVE_90, {"a": 1000, "b": b}, "2").points == D(points)


def test_the_band_of_exactly_90_percent_is_explained_as_written():
    explanation = evaluate(ABOVE_90, {"a": 10, "b": 9}, "2").explanation
    assert explanation == "Tỷ lệ 9/10 = 90,00 % thuộc mức ≥ 70 % và ≤ 90 % → 1 điểm"


@pytest.mark.parametrize(("value", "points"), [("49.99", "0"), ("50", "1"), ("79.99", "1"), ("80", "2")])
def test_from_x_to_below_y(value, points):
    rule = {
        "kind": "bands",
        "bands": [{"at_least": "50", "below": "80", "points": "1"}, {"at_least": "80", "points": "2"}],
    }
    assert evaluate(rule, {"value": value}, "2").points == D(points)


def test_below_is_strict_in_survey_bands():
    rule = {"kind": "survey", "mode": "bands", "bands": [{"below": "50", "points": "0"}, {"points": "1"}]}
    assert evaluate(rule, {"share": "49,99"}, "1").points == 0
    assert evaluate(rule, {"share": "50"}, "1").points == 1


def test_a_rise_of_0_005_is_a_rise_with_above_0():
    rule = {"kind": "comparison", "bands": [{"above": "0", "points": "1"}, {"below": "0", "points": "-1"}]}
    assert evaluate(rule, {"current": "80,005", "previous": "80"}, "1").points == 1
    assert evaluate(rule, {"current": "80", "previous": "80"}, "1").points == 0
    assert evaluate(rule, {"current": "79,995", "previous": "80"}, "1").points == -1


def test_count_bands_take_bounds_on_both_sides():
    rule = {
        "kind": "count_bands",
        "bands": [{"at_least": "7", "points": "8"}, {"at_least": "1", "at_most": "1", "points": "2"}],
    }
    assert evaluate(rule, {"count": 1}, "8").points == 2
    assert evaluate(rule, {"count": 3}, "8").points == 0


@pytest.mark.parametrize(
    ("band", "message"),
    [
        ({"at_least": "1", "above": "2", "points": "1"}, "một cận dưới"),
        ({"at_most": "1", "below": "2", "points": "1"}, "một cận trên"),
        ({"at_least": "5", "at_most": "2", "points": "1"}, "không chứa giá trị nào"),
        ({"above": "5", "at_most": "5", "points": "1"}, "không chứa giá trị nào"),
    ],
)
def test_impossible_bands_are_refused(band, message):
    with pytest.raises(RuleError, match=message):
        compile_rule({"kind": "bands", "bands": [band]}, "1")


def test_a_band_the_bands_before_it_cover_is_reported():
    rule = {"kind": "bands", "bands": [{"above": "90", "points": "2"}, {"at_least": "70", "points": "1"},
                                       {"at_least": "80", "at_most": "85", "points": "1"}]}  # fmt: skip
    assert compile_rule(rule, "2").issues() == [
        "Các mức không theo thứ tự: mức ≥ 80 và ≤ 85 sẽ không bao giờ được xét (các mức trước đã gồm hết).",
        "Không có mức điểm cho giá trị từ 0 đến dưới 70, được 0 điểm.",
    ]


def test_touching_bands_cover_their_common_value_only_when_one_holds_it():
    below = {"kind": "bands", "bands": [{"below": "5", "points": "1"}, {"above": "5", "points": "1"},
                                        {"at_least": "5", "at_most": "5", "points": "1"}]}  # fmt: skip
    assert compile_rule(below, "1").issues() == []
    held = {"kind": "bands", "bands": [{"at_most": "5", "points": "1"}, {"above": "5", "points": "1"},
                                       {"at_least": "5", "at_most": "6", "points": "1"}]}  # fmt: skip
    assert len(compile_rule(held, "1").issues()) == 1


# --- penalties ----------------------------------------------------------------------------------

LATE = {
    "kind": "late_penalty",
    "measure": "delay_days",
    "steps": [{"at_most": "2", "points": "-1"}],
    "then_per_unit": "-1",
}


@pytest.mark.parametrize(("days", "points"), [(0, "0"), (1, "-1"), (2, "-1"), (3, "-2"), (4, "-3"), (10, "-9")])
def test_late_by_up_to_2_days_costs_1_then_1_a_day(days, points):
    assert evaluate(LATE, {"value": days}, "0").points == D(points)


def test_late_penalty_explains_each_part():
    assert (
        evaluate(LATE, {"value": 4}, "0").explanation == "Chậm 4 ngày: −1 (đến 2 ngày) −1 × 2 (từ ngày thứ 3) = −3 điểm"
    )
    assert evaluate(LATE, {"value": 2}, "0").explanation == "Chậm 2 ngày: −1 (đến 2 ngày) = −1 điểm"
    assert evaluate(LATE, {"value": 0}, "0").explanation == "Không chậm → 0 điểm"


def test_a_capped_late_penalty_stops_at_its_cap():
    rule = {**LATE, "cap": "-5"}
    result = evaluate(rule, {"value": 10}, "0")
    assert result.points == -5
    assert result.explanation.endswith("= −9, trừ tối đa 5 → −5 điểm")
    assert evaluate(rule, {"value": 6}, "0").points == -5
    assert compile_rule(rule, "0").minimum() == -5


def test_an_uncapped_late_penalty_has_no_lower_limit():
    rule = compile_rule(LATE, "0")
    assert rule.signed
    assert rule.minimum() is None
    assert rule.upper_bound() == 0


def test_steps_without_a_rate_keep_the_last_step_past_it():
    rule = {"kind": "late_penalty", "steps": [{"at_most": "2", "points": "-0.5"}, {"at_most": "5", "points": "-1"}]}
    assert [evaluate(rule, {"value": d}, "0").points for d in (1, 3, 5, 30)] == [D("-0.5"), -1, -1, -1]
    assert compile_rule(rule, "0").minimum() == -1


def test_months_past_the_last_step_count_each_started_month():
    rule = {"kind": "late_penalty", "measure": "delay_months", "steps": [{"at_most": "1", "points": "-0.5"}],
            "then_per_unit": "-0.5"}  # fmt: skip
    assert evaluate(rule, {"value": "1,5"}, "0").points == -1
    assert evaluate(rule, {"value": "2"}, "0").points == -1
    assert evaluate(rule, {"value": "2,1"}, "0").explanation == (
        "Chậm 2,1 tháng: −0,5 (đến 1 tháng) −0,5 × 2 (từ tháng thứ 2) = −1,5 điểm"
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"steps": [{"at_most": "2", "points": "1"}]}, "số âm hoặc 0"),
        ({"steps": [{"at_most": "2", "points": "-1"}], "cap": "5"}, "“cap”"),
        ({"steps": [{"at_most": "5", "points": "-1"}, {"at_most": "2", "points": "-2"}]}, "tăng dần"),
        ({"steps": [{"points": "-1"}]}, "“at_most”"),
        ({"measure": "ratio", "steps": [{"at_most": "2", "points": "-1"}]}, "không hợp lệ"),
    ],
)
def test_bad_penalty_definitions_are_refused(rule, message):
    with pytest.raises(RuleError, match=message):
        compile_rule({"kind": "late_penalty", **rule}, "0")


def test_a_fixed_penalty_takes_its_points_when_the_fault_happened():
    rule = {"kind": "fixed_penalty", "points": "-0.5", "label": "Để xảy ra sai phạm"}
    assert evaluate(rule, {"value": True}, "0").points == D("-0.5")
    assert evaluate(rule, {"value": True}, "0").explanation == "Để xảy ra sai phạm: có → −0,5 điểm"
    assert evaluate(rule, {"value": False}, "0").points == 0
    compiled = compile_rule(rule, "0")
    assert compiled.signed
    assert compiled.minimum() == D("-0.5")
    assert compiled.issues() == []
    with pytest.raises(RuleError):
        compile_rule({"kind": "fixed_penalty", "points": "0.5"}, "0")


def test_a_penalty_with_an_invented_positive_maximum_is_reported():
    assert compile_rule({"kind": "fixed_penalty", "points": "-1"}, "1").issues() == [
        "Quy tắc cho nhiều nhất 0 điểm: không bao giờ đạt điểm tối đa 1."
    ]


# --- engine facts -------------------------------------------------------------------------------


def test_every_kind_has_its_vietnamese_label():
    assert all(KIND_LABELS[kind] for kind in KINDS)
    assert compile_rule(LATE, "0").kind_label == "Trừ điểm theo mức chậm"
    assert compile_rule({"kind": "judgement"}, "1").kind_label == "Thẩm định viên chấm"


def test_survey_source_is_the_inner_rules_through_wrappers_and_parts():
    survey = {"kind": "survey", "source": "staff"}
    assert compile_rule(survey, "1").survey_source == "staff"
    assert compile_rule({"kind": "not_applicable", "rule": survey}, "1").survey_source == "staff"
    part = {"kind": "composite", "parts": [{"key": "s", "max": "1", "rule": survey},
                                           {"key": "j", "max": "1", "rule": {"kind": "judgement"}}]}  # fmt: skip
    assert compile_rule(part, "2").survey_source == "staff"
    assert compile_rule({"kind": "yes_no"}, "1").survey_source is None


def test_wrappers_and_composites_are_signed_when_what_they_hold_is():
    stages = {"kind": "stages", "stages": [{"key": "m", "points": "-1"}, {"key": "p", "points": "1"}]}
    assert compile_rule({"kind": "nothing_found", "points": "0.5", "rule": stages}, "1").signed
    both = {"kind": "composite", "parts": [{"key": "a", "max": "1", "rule": {"kind": "yes_no"}},
                                           {"key": "b", "max": "0", "rule": LATE}]}  # fmt: skip
    compiled = compile_rule(both, "1")
    assert compiled.signed
    assert compiled.minimum() is None
    assert evaluate(both, {"a": {"value": True}, "b": {"value": 4}}, "1").points == -2
    assert not compile_rule({"kind": "yes_no"}, "1").signed


@pytest.mark.parametrize(
    ("rule", "max_points", "low"),
    [
        ({"kind": "yes_no", "no": "0.25"}, "1", "0.25"),
        ({"kind": "deduction", "per_violation": "0.25", "floor": "0.5"}, "1", "0.5"),
        ({"kind": "bonus_penalty", "bonus_per_item": "1", "cap": "5"}, "3", "-3"),
        ({"kind": "grade", "grades": [{"key": "a", "percent": "100"}, {"key": "b", "percent": "50"}]}, "2", "1"),
        ({"kind": "judgement"}, "1", "0"),
    ],
)
def test_minimum_is_the_fewest_points_the_rule_can_give(rule, max_points, low):
    assert compile_rule(rule, max_points).minimum() == D(low)


@pytest.mark.parametrize(
    ("rule", "inputs", "points"),
    [
        ({"kind": "yes_no", "yes": "0", "no": "-1"}, {"value": False}, "-1"),
        ({"kind": "deduction", "per_violation": "1", "floor": "-2"}, {"violations": 9}, "-2"),
        ({"kind": "checklist", "items": [{"key": "late", "points": "-0.5"}]}, {"ticked": ["late"]}, "-0.5"),
    ],
)
def test_any_kind_whose_parameters_take_points_away_is_signed_and_gives_them(rule, inputs, points):
    compiled = compile_rule(rule, "1")
    assert compiled.signed
    assert compiled.evaluate(inputs).points == D(points) == compiled.minimum()
