"""The formula kind: official formulas scored exactly, explained, and refused when mistyped."""

from decimal import Decimal as D

import pytest

from parindex.engine.errors import RuleError
from parindex.engine.rules import KIND_LABELS, compile_rule, evaluate

# "từ 50 % đến dưới 80 %: (tỷ lệ / 80 %) × 6; từ 80 %: 6; dưới 50 %: 0"
CASES = [
    {"when": "ty_le >= 80", "points": "6"},
    {"when": "ty_le >= 50 and ty_le < 80", "points": "ty_le / 80 * 6"},
    {"points": "0"},
]
RATIO = {"kind": "formula", "measure": "ratio", "cases": CASES}
PERCENT = {"kind": "formula", "measure": "percent", "cases": CASES}


def test_the_official_example_at_70_percent_is_exactly_5_25_explained_step_by_step():
    result = evaluate(PERCENT, {"ty_le": "70"}, "6")
    assert result.points == D("5.25")
    assert result.explanation == "Tỷ lệ 70 % (từ 50 % đến dưới 80 %): 70 % / 80 % × 6 = 5,25 điểm"


def test_a_ratio_measure_shows_b_over_a_before_the_case():
    result = evaluate(RATIO, {"a": "10", "b": "7"}, "6")
    assert result.points == D("5.25")
    assert result.explanation == "Tỷ lệ 7/10 = 70 % (từ 50 % đến dưới 80 %): 70 % / 80 % × 6 = 5,25 điểm"


@pytest.mark.parametrize(
    ("percent", "points", "case"),
    [
        ("49.99", "0", "các trường hợp còn lại"),
        ("50", "3.75", "từ 50 % đến dưới 80 %"),
        ("50.01", "3.75075", "từ 50 % đến dưới 80 %"),
        ("79.99", "5.99925", "từ 50 % đến dưới 80 %"),
        ("80", "6", "từ 80 %"),
        ("100", "6", "từ 80 %"),
    ],
)
def test_both_sides_of_each_threshold(percent, points, case):
    result = evaluate(PERCENT, {"ty_le": percent}, "6")
    assert result.points == D(points)
    assert f"({case})" in result.explanation


def test_the_ratio_inputs_are_checked_as_for_every_ratio_rule():
    assert (
        evaluate(RATIO, {"a": "10", "b": "11"}, "6").error
        == "Số đã thực hiện (b = 11) không được lớn hơn tổng số (a = 10)."
    )
    assert evaluate(RATIO, {"a": "0", "b": "0"}, "6").error == "Tổng số (a) bằng 0: không tính được tỷ lệ."
    assert evaluate(PERCENT, {"ty_le": "101"}, "6").error == "“Tỷ lệ” không được lớn hơn 100 %."


def test_points_above_max_are_capped_with_a_warning():
    result = evaluate({"kind": "formula", "measure": "number", "cases": [{"points": "value * 2"}]}, {"value": 3}, "5")
    assert result.points == 5
    assert result.warnings == ("Điểm tính được 6 vượt điểm tối đa 5: chỉ tính 5 (lỗi số liệu của bộ tiêu chí).",)
    assert result.explanation == "Giá trị 3 (các trường hợp còn lại): 3 × 2 = 6 điểm → tối đa 5 điểm"


def test_negative_points_of_an_unsigned_formula_count_as_zero_and_signed_ones_keep_them():
    rule = {"kind": "formula", "measure": "number", "cases": [{"points": "1 - value"}]}
    result = evaluate(rule, {"value": 3}, "1")
    assert result.points == 0
    assert result.explanation.endswith("1 − 3 = −2 điểm → 0 điểm")
    assert evaluate({**rule, "signed": True}, {"value": 3}, "1").points == -2
    # Sampling only estimates a formula's lowest points, so a signed one promises no lower limit.
    assert (compile_rule(rule, "1").minimum(), compile_rule({**rule, "signed": True}, "1").minimum()) == (0, None)
    assert evaluate({**rule, "signed": True}, {"value": 3000}, "1").points == -2999


def test_decimal_literals_are_exact_and_rounding_is_half_up():
    rule = {"kind": "formula", "measure": "number", "cases": [{"points": "round(value * 0.125, 2) + 0.1 + 0.2"}]}
    result = evaluate(rule, {"value": 1}, "1")
    assert result.points == D("0.43")
    assert (
        result.explanation
        == "Giá trị 1 (các trường hợp còn lại): làm tròn(1 × 0,125; 2 chữ số) + 0,1 + 0,2 = 0,43 điểm"
    )


def test_declared_inputs_with_bounds_min_max_abs_and_the_choices():
    rule = {
        "kind": "formula",
        "inputs": [
            {"key": "sang_kien", "label": "Số sáng kiến", "type": "integer", "max": "50"},
            {"key": "chenh", "label": "Chênh lệch", "type": "number", "min": "-10"},
        ],
        "cases": [
            {"when": "sang_kien >= 7", "label": "Từ 7 sáng kiến", "points": "min(3, sang_kien * 0.5)"},
            {"points": "neu(abs(chenh) > 1, 1, 0.5) if sang_kien > 0 else 0"},
        ],
    }
    assert evaluate(rule, {"sang_kien": 9, "chenh": 0}, "3").explanation == (
        "Số sáng kiến 9; Chênh lệch 0 (Từ 7 sáng kiến): min(3; 9 × 0,5) = 3 điểm"
    )
    result = evaluate(rule, {"sang_kien": 2, "chenh": "-2,5"}, "3")
    assert (result.points, result.explanation) == (
        1,
        "Số sáng kiến 2; Chênh lệch −2,5 (các trường hợp còn lại): 1 điểm",
    )
    assert evaluate(rule, {"sang_kien": "2,5", "chenh": 0}, "3").error == "“Số sáng kiến” phải là số nguyên."
    assert evaluate(rule, {"sang_kien": 51, "chenh": 0}, "3").error == "“Số sáng kiến” không được lớn hơn 50."
    assert evaluate(rule, {"sang_kien": 1, "chenh": -11}, "3").error == "“Chênh lệch” không được nhỏ hơn −10."
    assert [(f.key, f.type) for f in compile_rule(rule, "3").fields()] == [
        ("sang_kien", "integer"),
        ("chenh", "number"),
    ]


def test_a_choice_does_not_evaluate_the_branch_it_does_not_take():
    rule = {
        "kind": "formula",
        "measure": "ratio",
        "cases": [{"points": "neu(b > 0, a / b, 0) + (1 / b if b > 0 else 0)"}],
    }
    assert evaluate(rule, {"a": 2, "b": 0}, "5").points == 0


def test_a_division_by_zero_is_a_vietnamese_error_naming_the_case():
    rule = {
        "kind": "formula",
        "inputs": [{"key": "n"}],
        "cases": [{"when": "n < 5", "points": "1 / n"}, {"points": "1"}],
    }
    assert evaluate(rule, {"n": 0}, "1").error == (
        "Không tính được điểm: công thức chia cho 0 với số liệu này (Trường hợp 1, điểm)."
    )


def test_symbols_as_printed_in_the_documents_are_accepted():
    rule = {"kind": "formula", "measure": "percent", "cases": [{"when": "ty_le ≥ 50", "points": "ty_le ÷ 100 × 2"}]}
    assert evaluate(rule, {"ty_le": 75}, "2").points == D("1.5")


def test_no_case_matching_gives_zero_and_says_so():
    rule = {"kind": "formula", "measure": "percent", "cases": [{"when": "ty_le > 50", "points": "1"}]}
    result = evaluate(rule, {"ty_le": 20}, "1")
    assert (result.points, result.explanation) == (0, "Tỷ lệ 20 %: không thuộc trường hợp nào → 0 điểm")


@pytest.mark.parametrize(
    ("cases", "message"),
    [
        (
            [{"when": "tyle >= 50", "points": "1"}],
            "Trường hợp 1, điều kiện (“tyle >= 50”): không có biến “tyle”; dùng: ty_le.",
        ),
        (
            [{"points": "0"}, {"when": "ty_le > 1", "points": "1"}],
            "Trường hợp 1 không có điều kiện “when” nên phải là trường hợp cuối cùng.",
        ),
        (
            [{"when": "ty_le >= 50 %", "points": "1"}],
            "viết sai cú pháp (tỷ lệ là số từ 0 đến 100: viết 50, không viết 50 %)",
        ),
        ([{"when": "ty_le >=", "points": "1"}], "Trường hợp 1, điều kiện (“ty_le >=”): viết sai cú pháp."),
        ([{"points": "ty_le.__class__"}], "truy cập thuộc tính"),
        ([{"points": "'abc'"}], "không dùng chữ trong dấu ngoặc kép"),
        ([{"points": "ty_le ** 10"}], "số mũ chỉ là số nguyên từ 1 đến 4"),
        ([{"points": "ty_le ** ty_le"}], "số mũ"),
        ([{"points": "ty_le % 3"}], "phép “%” không dùng được"),
        ([{"points": "ty_le // 3"}], "phép “//” không dùng được"),
        ([{"points": "__import__('os')"}], "không có hàm “__import__”"),
        ([{"points": "eval('1')"}], "không có hàm “eval”"),
        ([{"points": "round(ty_le, n=2)"}], "hàm “round” cần 1 đến 2 đối số"),
        ([{"points": "round(ty_le, 9)"}], "n là số chữ số thập phân, từ 0 đến 6"),
        ([{"points": "min(ty_le)"}], "hàm “min” cần 2 đến 10 đối số"),
        ([{"points": "min"}], "hàm “min” cần ngoặc"),
        ([{"points": "[ty_le][0]"}], "không dùng được"),
        ([{"points": "(lambda: 1)()"}], "không có hàm"),
        ([{"when": "ty_le", "points": "1"}], "cần một điều kiện (so sánh)"),
        ([{"points": "ty_le > 1"}], "cần một số, không phải điều kiện"),
        (
            [{"when": "ty_le and 1", "points": "1"}],
            "ở đây cần một điều kiện (so sánh, and, or, not), không phải một số",
        ),
        ([{"points": "(ty_le > 1) * 6"}], "phép tính cần số, không phải điều kiện"),
        ([{"points": "1 if ty_le > 1 else ty_le > 2"}], "hai nhánh của phép chọn phải cùng là số"),
        ([{"points": "1 + " * 80 + "1"}], "công thức dài quá 300 ký tự"),
        ([{"points": "abs(" * 25 + "1" + ")" * 25}], "công thức lồng nhau quá 20 tầng"),
        ([{"points": "1e999"}], "số “1e999” không hợp lệ"),
        ([{"points": ""}], "chưa viết công thức"),
        ([{"when": "ty_le > 1"}], "Trường hợp 1 thiếu “points”"),
        ([{"points": "1; 2"}], "viết sai cú pháp"),
        ([{"points": "x := 1"}], "viết sai cú pháp"),
    ],
)
def test_mistyped_formulas_are_refused_at_compile_time_naming_the_case(cases, message):
    with pytest.raises(RuleError) as refused:
        compile_rule({"kind": "formula", "measure": "percent", "cases": cases}, "6")
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"measure": "speed"}, "Đại lượng “speed” không hợp lệ"),
        ({"inputs": [{"key": "Số"}]}, "Tên số liệu “Số” không dùng được"),
        ({"inputs": [{"key": "a"}]}, "Tên số liệu “a” không dùng được"),
        ({"inputs": [{"key": "n"}, {"key": "n"}]}, "Tên số liệu “n” không dùng được"),
        ({"inputs": [{"key": "in"}]}, "Tên số liệu “in” không dùng được"),
        ({"inputs": [{"key": "n", "min": "5", "max": "1"}]}, "“min” lớn hơn “max”"),
        ({"inputs": [{"key": "n", "type": "text"}]}, "kiểu “text” không hợp lệ"),
        ({}, "Công thức cần “measure” hoặc danh sách “inputs”"),
        ({"measure": "number", "cases": []}, "cần danh sách “cases”"),
    ],
)
def test_bad_formula_parameters_are_refused(rule, message):
    with pytest.raises(RuleError, match=message):
        compile_rule({"kind": "formula", "cases": [{"points": "1"}], **rule}, "1")


def test_validation_flags_a_maximum_the_formula_cannot_reach_or_can_exceed():
    assert compile_rule(PERCENT, "6").issues() == []
    assert compile_rule(PERCENT, "10").issues() == [
        "Điểm tối đa 10 không đạt được: công thức cho nhiều nhất khoảng 6 điểm (ước tính trên các giá trị mẫu)."
    ]
    assert compile_rule(PERCENT, "5").issues() == ["Quy tắc có thể cho 6 điểm, vượt điểm tối đa 5."]
    assert compile_rule(RATIO, "6").upper_bound() == 6


def test_validation_flags_a_case_no_value_can_reach_and_possible_negative_points():
    rule = {
        "kind": "formula",
        "measure": "percent",
        "cases": [{"when": "ty_le > 100", "points": "1"}, {"points": "ty_le / 50 - 1"}],
    }
    assert compile_rule(rule, "1").issues() == [
        "Công thức có thể cho điểm âm, được tính là 0 (thêm “signed: true” nếu là điểm trừ).",
        "Trường hợp 1 (trên 100 %) có thể không bao giờ xảy ra: không giá trị mẫu nào rơi vào.",
    ]


def test_many_inputs_are_sampled_within_a_bound_and_still_find_the_maximum():
    keys = [f"x{i}" for i in range(8)]
    rule = {
        "kind": "formula",
        "inputs": [{"key": k, "type": "integer", "max": "3"} for k in keys],
        "cases": [{"when": " and ".join(f"{k} == 3" for k in keys), "points": "2"}, {"points": "1"}],
    }
    assert compile_rule(rule, "2").upper_bound() == 2


def test_the_kind_has_a_vietnamese_label():
    assert KIND_LABELS["formula"] == "Theo công thức"
