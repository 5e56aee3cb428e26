"""Every rule kind, with examples from the seed documents (mostly seed 004, Đồng Nai 2019)."""

from decimal import Decimal as D

import pytest

from parindex.engine.errors import RuleError
from parindex.engine.rules import KINDS, compile_rule, evaluate

CHECKLIST_111 = {
    "kind": "checklist",
    "items": [
        {"key": "on_time", "label": "Đúng thời hạn", "points": "0.5"},
        {"key": "content_ok", "label": "Đạt yêu cầu nội dung kế hoạch", "points": "0.5"},
    ],
}
RATIO_112 = {"kind": "ratio_threshold", "threshold": "85"}
BANDS_713 = {"kind": "bands", "measure": "ratio", "bands": [
    {"at_least": "100", "points": "1"}, {"at_least": "95", "points": "0.5"}, {"points": "0"}]}  # fmt: skip
DELAY_BANDS = {"kind": "bands", "measure": "delay_days", "bands": [
    {"at_most": "0", "points": "1"}, {"at_most": "10", "points": "0.5"}, {"points": "0"}]}  # fmt: skip
STAGES_316 = {"kind": "stages", "stages": [
    {"key": "plan", "label": "Có kế hoạch", "points": "0.25"},
    {"key": "inspect", "label": "Tổ chức kiểm tra", "points": "0.5"},
    {"key": "conclude", "label": "Ban hành kết luận", "points": "1"}]}  # fmt: skip
INITIATIVES_8 = {"kind": "count_bands", "bands": [
    {"at_least": "7", "points": "8"}, {"at_least": "5", "points": "5"},
    {"at_least": "1", "points": "2"}, {"points": "0"}]}  # fmt: skip


def test_checklist_sums_the_ticked_items():
    result = evaluate(CHECKLIST_111, {"ticked": ["on_time", "content_ok"]}, "1")
    assert result.points == D("1")
    assert result.explanation == "Đúng thời hạn (0,5) + Đạt yêu cầu nội dung kế hoạch (0,5) = 1 điểm"


def test_checklist_with_nothing_ticked_scores_zero():
    assert evaluate(CHECKLIST_111, {"ticked": []}, "1").points == 0


def test_ratio_at_the_threshold_scores_the_ratio_times_max():
    result = evaluate(RATIO_112, {"a": 20, "b": 17}, "3")
    assert result.points == D("2.55")
    assert result.explanation == "Tỷ lệ 17/20 = 85,00 % ≥ 85 % → 85,00 % × 3 = 2,55 điểm"


def test_ratio_just_below_the_threshold_scores_zero():
    result = evaluate(RATIO_112, {"a": 1000, "b": 849}, "3")
    assert result.points == 0
    assert "84,90 % < 85 %" in result.explanation


def test_ratio_refuses_b_greater_than_a_with_a_vietnamese_message():
    result = evaluate(RATIO_112, {"a": 20, "b": 21}, "3")
    assert result.points is None
    assert result.error == "Số đã thực hiện (b = 21) không được lớn hơn tổng số (a = 20)."


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"a": 0, "b": 0}, "Tổng số (a) bằng 0"),
        ({"a": 20}, "Thiếu số liệu"),
        ({"a": "hai mươi", "b": 1}, "phải là một số"),
        ({"a": -5, "b": 1}, "không được âm"),
        ({"a": "", "b": 1}, "Thiếu số liệu"),
    ],
)
def test_impossible_ratio_inputs_give_an_error_not_an_exception(inputs, message):
    assert message in evaluate(RATIO_112, inputs, "3").error


def test_inputs_typed_with_a_decimal_comma_are_understood():
    assert evaluate(RATIO_112, {"a": "20", "b": "18,5"}, "3").points == D("2.775")


def test_all_or_nothing_needs_every_item():
    rule = {"kind": "all_or_nothing"}
    assert evaluate(rule, {"a": 4, "b": 4}, "0.5").points == D("0.5")
    assert evaluate(rule, {"a": 4, "b": 3}, "0.5").points == 0


def test_yes_no_gives_max_or_zero():
    assert evaluate({"kind": "yes_no"}, {"value": True}, "1").points == 1
    assert evaluate({"kind": "yes_no"}, {"value": "on"}, "1").explanation == "Có → 1 điểm"
    assert evaluate({"kind": "yes_no"}, {}, "1").points == 0


@pytest.mark.parametrize(("b", "points"), [(20, "1"), (19, "0.5"), (18, "0")])
def test_ratio_bands_of_criterion_7_1_3(b, points):
    assert evaluate(BANDS_713, {"a": 20, "b": b}, "1").points == D(points)


def test_ratio_bands_explain_the_band():
    assert (
        evaluate(BANDS_713, {"a": 20, "b": 19}, "1").explanation == "Tỷ lệ 19/20 = 95,00 % thuộc mức ≥ 95 % → 0,5 điểm"
    )


@pytest.mark.parametrize(("days", "points"), [(0, "1"), (10, "0.5"), (11, "0")])
def test_delay_bands_reward_being_less_late(days, points):
    assert evaluate(DELAY_BANDS, {"value": days}, "1").points == D(points)


def test_delay_bands_refuse_a_fractional_day_count():
    assert "số nguyên" in evaluate(DELAY_BANDS, {"value": "2,5"}, "1").error


def test_stages_give_the_points_of_the_highest_stage():
    assert evaluate(STAGES_316, {"stage": "inspect"}, "1").points == D("0.5")
    assert evaluate(STAGES_316, {"stage": ""}, "1").explanation == "Chưa đạt giai đoạn nào → 0 điểm"
    assert "không phải là lựa chọn" in evaluate(STAGES_316, {"stage": "x"}, "1").error


def test_count_bands_cap_the_sources_8_points_at_max_7_and_warn():
    result = evaluate(INITIATIVES_8, {"count": 7}, "7")
    assert result.points == 7
    assert result.warnings == ("Điểm tính được 8 vượt điểm tối đa 7: chỉ tính 7 (lỗi số liệu của bộ tiêu chí).",)


def test_count_bands_report_the_data_error_as_a_rule_issue():
    assert compile_rule(INITIATIVES_8, "7").issues() == ["Quy tắc có thể cho 8 điểm, vượt điểm tối đa 7."]


def test_not_applicable_gives_the_substitute_of_criterion_3_1_8():
    rule = {"kind": "not_applicable", "substitute": "1.5", "rule": {"kind": "yes_no"}}
    result = evaluate(rule, {"not_applicable": True}, "1.5")
    assert result.points == D("1.5")
    assert not result.excluded
    assert evaluate(rule, {"value": False}, "1.5").points == 0


def test_not_applicable_without_substitute_is_excluded():
    rule = {"kind": "not_applicable", "substitute": None, "rule": {"kind": "yes_no"}}
    result = evaluate(rule, {"not_applicable": "on"}, "2")
    assert result.excluded
    assert result.points == 0
    assert "chỉ số tính lại" in result.explanation


def test_nothing_found_gives_partial_credit_of_criterion_1_3_3():
    rule = {"kind": "nothing_found", "points": "0.5", "rule": RATIO_112}
    assert evaluate(rule, {"nothing_found": True}, "1").points == D("0.5")
    assert evaluate(rule, {"a": 10, "b": 9}, "1").points == D("0.9")


def test_bonus_penalty_of_area_9_is_signed_and_capped():
    rule = {"kind": "bonus_penalty", "bonus_per_item": "1", "penalty_per_item": "1", "cap": "3"}
    assert evaluate(rule, {"done": 5, "failed": 0}, "3").points == 3
    result = evaluate(rule, {"done": 0, "failed": 2}, "3")
    assert result.points == -2
    assert result.explanation == "0 × 1 − 2 × 1 (giới hạn ±3) → −2 điểm"
    assert evaluate(rule, {"done": 0, "failed": 9}, "3").points == -3


def test_comparison_scores_the_change_from_last_year():
    rule = {"kind": "comparison", "bands": [
        {"at_least": "2", "points": "1"}, {"at_least": "0", "points": "0.5"}, {"points": "-1"}]}  # fmt: skip
    assert evaluate(rule, {"current": "85,2", "previous": "83,1"}, "1").points == 1
    assert evaluate(rule, {"current": 83, "previous": 83}, "1").points == D("0.5")
    assert evaluate(rule, {"current": 80, "previous": 83}, "1").points == -1


def test_survey_share_of_area_10():
    result = evaluate({"kind": "survey", "mode": "share"}, {"share": "84,5"}, "12.5")
    assert result.points == D("10.5625")
    assert result.explanation == "Tỷ lệ hài lòng 84,50 % × 12,5 = 10,5625 điểm"
    assert "0 đến 100" in evaluate({"kind": "survey"}, {"share": 101}, "2").error


def test_survey_bands():
    rule = {"kind": "survey", "mode": "bands", "bands": [{"at_least": "87", "points": "1"}, {"points": "0"}]}
    assert evaluate(rule, {"share": "87"}, "1").points == 1
    assert evaluate(rule, {"share": "86.99"}, "1").points == 0


def test_deduction_per_violation_with_floor_like_seed_000_5_5_2():
    rule = {"kind": "deduction", "per_violation": "0.25"}
    assert evaluate(rule, {"violations": 2}, "1").points == D("0.5")
    assert evaluate(rule, {"violations": 9}, "1").points == 0
    assert evaluate(rule, {"violations": 0}, "1").explanation == "Không có vi phạm → 1 điểm"


def test_grade_gives_a_percentage_of_max():
    rule = {"kind": "grade", "grades": [
        {"key": "excellent", "label": "Hoàn thành xuất sắc", "percent": "100"},
        {"key": "good", "label": "Hoàn thành tốt", "percent": "75"},
        {"key": "done", "label": "Hoàn thành", "percent": "50"}]}  # fmt: skip
    result = evaluate(rule, {"grade": "good"}, "2")
    assert result.points == D("1.5")
    assert result.explanation == "Xếp loại “Hoàn thành tốt” = 75 % × 2 = 1,5 điểm"


def test_judgement_takes_the_appraisers_points_within_max():
    assert evaluate({"kind": "judgement"}, {"points": "0,75"}, "1").points == D("0.75")
    assert evaluate({"kind": "judgement"}, {"points": 2}, "1").error == "Điểm chấm phải từ 0 đến 1."


def test_composite_sums_its_parts_like_online_payment_7_3_6():
    rule = {"kind": "composite", "parts": [
        {"key": "has_payment", "label": "Có triển khai", "max": "0.25", "rule": {"kind": "yes_no"}},
        {"key": "share", "label": "Tỷ lệ hồ sơ thanh toán trực tuyến", "max": "0.5",
         "rule": {"kind": "ratio_threshold", "threshold": "50"}}]}  # fmt: skip
    result = evaluate(rule, {"has_payment": {"value": True}, "share": {"a": 10, "b": 6}}, "0.75")
    assert result.points == D("0.55")
    assert result.explanation == "Có triển khai 0,25 + Tỷ lệ hồ sơ thanh toán trực tuyến 0,3 = 0,55 điểm"
    assert evaluate(rule, {"has_payment": {"value": True}, "share": {"a": 0}}, "0.75").error.startswith(
        "Tỷ lệ hồ sơ thanh toán trực tuyến:"
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"kind": "magic"}, "không tồn tại"),
        ({"kind": "ratio_threshold"}, "thiếu tham số “threshold”"),
        ({"kind": "ratio_threshold", "threshold": "x"}, "phải là số"),
        ({"kind": "ratio_threshold", "threshold": "120"}, "0 đến 100"),
        ({"kind": "checklist", "items": []}, "ít nhất một mục"),
        ({"kind": "bands", "measure": "speed", "bands": [{"points": 1}]}, "không hợp lệ"),
    ],
)
def test_bad_rule_definitions_are_refused_with_a_message(rule, message):
    with pytest.raises(RuleError, match=message):
        compile_rule(rule, "1")
    assert message in evaluate(rule, {}, "1").error


def test_every_kind_in_the_catalogue_is_implemented():
    assert set(KINDS) == {
        "yes_no", "checklist", "ratio_threshold", "all_or_nothing", "bands", "count_bands", "stages",
        "not_applicable", "nothing_found", "bonus_penalty", "comparison", "survey", "deduction", "grade",
        "judgement", "composite", "late_penalty", "fixed_penalty", "formula", "condition",
    }  # fmt: skip


def test_every_kind_describes_its_form_fields():
    for kind, cls in KINDS.items():
        assert cls.fields is not None, kind
    assert [f.key for f in compile_rule(RATIO_112, "3").fields()] == ["a", "b"]


def test_unordered_bands_are_reported():
    rule = {"kind": "bands", "bands": [{"at_least": "5", "points": "0.5"}, {"at_least": "10", "points": "1"}]}
    assert any("không theo thứ tự" in issue for issue in compile_rule(rule, "1").issues())
