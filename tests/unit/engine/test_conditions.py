"""The condition kind: a branch chosen by an input or by another criterion's points."""

from decimal import Decimal as D

import pytest

from parindex.engine.criteria_check import ERROR, RULE, Issue, Row, check_set
from parindex.engine.errors import RuleError
from parindex.engine.rules import KIND_LABELS, InputField, compile_rule, evaluate

RATIO_BANDS = {
    "kind": "bands",
    "measure": "ratio",
    "bands": [{"at_least": "80", "points": "1"}, {"at_least": "50", "points": "0.5"}, {"points": "0"}],
}
# "nếu chưa ban hành kế hoạch: 0; nếu đã ban hành: theo tỷ lệ hoàn thành"
PLAN = {
    "kind": "condition",
    "on": {"input": "ban_hanh", "label": "Đã ban hành kế hoạch", "type": "bool"},
    "branches": [{"when": False, "points": "0"}, {"when": True, "rule": RATIO_BANDS}],
}
# 1.1.2 counts only when 1.1.1 (the plan) earned points
AFTER_PLAN = {
    "kind": "condition",
    "on": {"criterion": "1.1.1"},
    "branches": [
        {"when": {"at_least": "1"}, "rule": {"kind": "ratio_threshold", "threshold": "85"}},
        {"when": {"above": "0", "below": "1"}, "points": "0.5"},
    ],
}


def test_not_issued_gives_zero_and_issued_scores_the_ratio():
    assert evaluate(PLAN, {"ban_hanh": False}, "1").explanation == "Đã ban hành kế hoạch: Không → 0 điểm"
    result = evaluate(PLAN, {"ban_hanh": "on", "co": {"a": "10", "b": "7"}}, "1")
    assert result.points == D("0.5")
    assert result.explanation == "Đã ban hành kế hoạch: Có → Tỷ lệ 7/10 = 70,00 % thuộc mức ≥ 50 % → 0,5 điểm"


def test_only_the_branch_that_applies_needs_its_inputs_and_its_problems_name_it():
    assert evaluate(PLAN, {"ban_hanh": False, "co": {"a": "x"}}, "1").points == 0
    assert evaluate(PLAN, {"ban_hanh": True}, "1").error == "Đã ban hành kế hoạch: Có: Thiếu số liệu “Tổng số (a)”."


def test_the_form_shows_the_condition_then_each_branchs_inputs_nested_under_its_key():
    assert compile_rule(PLAN, "1").fields() == [
        InputField("ban_hanh", "Đã ban hành kế hoạch", "bool"),
        InputField(
            "co",
            "Đã ban hành kế hoạch: Có",
            "group",
            fields=(InputField("a", "Tổng số (a)", "number"), InputField("b", "Số đã hoàn thành (b)", "number")),
        ),
    ]


def test_a_choice_picks_its_branch_and_unlisted_choices_fall_to_otherwise():
    rule = {
        "kind": "condition",
        "on": {
            "input": "loai",
            "label": "Loại sáng kiến",
            "type": "choice",
            "choices": [
                {"key": "cai_tien", "label": "Cải tiến"},
                {"key": "tien_phong", "label": "Tiên phong"},
                {"key": "khac"},
            ],
        },
        "branches": [
            {"when": "cai_tien", "key": "ct", "rule": {"kind": "judgement"}},
            {"when": ["tien_phong"], "points": "6"},
        ],
        "otherwise": {"kind": "yes_no", "yes": "1"},
    }
    assert evaluate(rule, {"loai": "tien_phong"}, "6").explanation == "Loại sáng kiến: Tiên phong → 6 điểm"
    assert evaluate(rule, {"loai": "cai_tien", "ct": {"points": "2,5"}}, "6").points == D("2.5")
    assert evaluate(rule, {"loai": "khac", "otherwise": {"value": True}}, "6").points == 1
    assert evaluate(rule, {"loai": "x"}, "6").error == "“x” không phải là lựa chọn hợp lệ của “Loại sáng kiến”."
    assert evaluate(rule, {}, "6").error == "Thiếu số liệu “Loại sáng kiến”."
    assert [f.key for f in compile_rule(rule, "6").fields()] == ["loai", "ct", "otherwise"]


def test_on_another_criterion_the_branch_follows_its_points():
    rule = compile_rule(AFTER_PLAN, "3")
    inputs = {"muc_1": {"a": 20, "b": 17}}
    full = rule.evaluate(inputs, context={"1.1.1": D(1)})
    assert full.points == D("2.55")
    assert full.explanation.startswith("Tiêu chí 1.1.1 được 1 điểm (từ 1 điểm) → Tỷ lệ 17/20")
    half = rule.evaluate(inputs, context={"1.1.1": D("0.5")})
    assert (half.points, half.explanation) == (
        D("0.5"),
        "Tiêu chí 1.1.1 được 0,5 điểm (trên 0 đến dưới 1 điểm) → 0,5 điểm",
    )
    none = rule.evaluate(inputs, context={"1.1.1": D(0)})
    assert (none.points, none.explanation) == (0, "Tiêu chí 1.1.1 được 0 điểm (các trường hợp còn lại) → 0 điểm")
    assert rule.depends_on() == {"1.1.1"}


def test_without_the_other_criterions_points_the_result_says_which_are_missing():
    rule = compile_rule(AFTER_PLAN, "3")
    assert rule.evaluate({"muc_1": {"a": 20, "b": 17}}).error == "Chưa có điểm của tiêu chí 1.1.1."
    assert rule.evaluate({"muc_1": {"a": 20, "b": 17}}, context={"1.2": 1}).error == "Chưa có điểm của tiêu chí 1.1.1."


def test_the_chosen_branchs_bad_inputs_are_reported_the_others_are_not():
    rule = compile_rule(AFTER_PLAN, "3")
    assert rule.evaluate({}, context={"1.1.1": 1}).error == "Tiêu chí 1.1.1 từ 1 điểm: Thiếu số liệu “Tổng số (a)”."
    assert rule.evaluate({}, context={"1.1.1": "0.5"}).points == D("0.5")


def test_the_fast_path_takes_the_context_too_and_other_kinds_accept_and_ignore_it():
    rule = compile_rule(AFTER_PLAN, "3")
    inputs = rule.normalize({"muc_1": {"a": 20, "b": 17}})
    assert rule.score(inputs, context={"1.1.1": 1}) == D("2.55")
    assert rule.score(inputs, context={"1.1.1": 0}) == 0
    yes_no = compile_rule({"kind": "yes_no"}, "1")
    assert yes_no.evaluate({"value": True}, context={"1.1.1": 0}).points == 1
    assert yes_no.score({"value": True}, context={}) == 1
    assert yes_no.depends_on() == set()


def test_a_condition_nested_in_a_composite_sees_the_context_and_is_reported_as_a_dependency():
    rule = compile_rule(
        {
            "kind": "composite",
            "parts": [
                {"key": "p", "max": "3", "rule": AFTER_PLAN},
                {"key": "q", "max": "1", "rule": {"kind": "yes_no"}},
            ],
        },
        "4",
    )
    assert rule.depends_on() == {"1.1.1"}
    inputs = {"p": {"muc_1": {"a": 20, "b": 17}}, "q": {"value": True}}
    assert rule.evaluate(inputs, context={"1.1.1": 1}).points == D("3.55")
    assert rule.evaluate(inputs).error == "Chưa có điểm của tiêu chí 1.1.1."


def test_points_above_max_in_a_branch_are_capped_and_flagged_by_validation():
    rule = {"kind": "condition", "on": {"input": "x"}, "branches": [{"when": True, "points": "2"}]}
    result = evaluate(rule, {"x": True}, "1")
    assert result.points == 1
    assert result.warnings
    assert compile_rule(rule, "1").issues() == [
        "Quy tắc có thể cho 2 điểm, vượt điểm tối đa 1.",
        "Nhánh “x: Có”: Quy tắc có thể cho 2 điểm, vượt điểm tối đa 1.",
    ]
    assert compile_rule(PLAN, "1").upper_bound() == 1


def test_a_branch_below_the_maximum_is_no_finding_but_a_rule_that_never_reaches_it_is():
    assert compile_rule(PLAN, "1").issues() == []
    assert compile_rule(PLAN, "2").issues() == ["Quy tắc cho nhiều nhất 1 điểm: không bao giờ đạt điểm tối đa 2."]


def test_a_negative_branch_makes_the_rule_signed():
    rule = {
        "kind": "condition",
        "on": {"input": "tre"},
        "branches": [{"when": True, "points": "-1"}],
        "otherwise": {"kind": "yes_no"},
    }
    compiled = compile_rule(rule, "1")
    assert compiled.signed
    assert compiled.minimum() == -1
    assert compiled.evaluate({"tre": True}).points == -1
    assert compiled.evaluate({"tre": False, "otherwise": {"value": True}}).points == 1


def test_the_fewest_points_are_the_branches_fewest_and_an_uncapped_penalty_has_none():
    def on_late(penalty):
        return {"kind": "condition", "on": {"input": "tre"}, "branches": [{"when": True, "rule": penalty}]}

    capped = {"kind": "late_penalty", "steps": [{"at_most": "1", "points": "-1"}], "then_per_unit": "-1", "cap": "-3"}
    assert compile_rule(on_late(capped), "0").minimum() == -3
    uncapped = {k: v for k, v in capped.items() if k != "cap"}
    assert compile_rule(on_late(uncapped), "0").minimum() is None
    assert compile_rule(PLAN, "1").minimum() == 0


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"branches": [{"when": True, "points": "1"}]}, "cần “on”"),
        ({"on": {"input": "x", "criterion": "1"}, "branches": [{"when": True, "points": "1"}]}, "cần “on”"),
        ({"on": {"criterion": "1 .1"}, "branches": [{"when": 1, "points": "1"}]}, "không đúng dạng"),
        ({"on": {"input": "Đã"}, "branches": [{"when": True, "points": "1"}]}, "không dùng được"),
        ({"on": {"input": "x", "type": "text"}, "branches": [{"when": True, "points": "1"}]}, "“bool”"),
        ({"on": {"input": "x"}, "branches": [{"when": "maybe", "points": "1"}]}, "là true"),
        (
            {"on": {"input": "x"}, "branches": [{"when": True, "points": "1"}, {"when": "có", "points": "0"}]},
            "Các nhánh cần “key” khác nhau",
        ),
        (
            {
                "on": {"input": "x"},
                "branches": [{"when": True, "key": "a", "points": "1"}, {"when": True, "key": "b", "points": "0"}],
            },
            "lặp lại",
        ),
        (
            {
                "on": {"input": "x", "type": "choice", "choices": [{"key": "p"}]},
                "branches": [{"when": "p", "points": "1"}],
            },
            "ít nhất hai lựa chọn",
        ),
        (
            {
                "on": {"input": "x", "type": "choice", "choices": [{"key": "p"}, {"key": "q"}]},
                "branches": [{"when": "r", "points": "1"}],
            },
            "“r” không có trong “choices”",
        ),
        ({"on": {"input": "x"}, "branches": [{"when": True}]}, "Nhánh 1 cần “rule”"),
        ({"on": {"input": "x"}, "branches": [{"points": "1"}]}, "Nhánh 1 thiếu “when”"),
        (
            {"on": {"criterion": "1.1"}, "branches": [{"when": {"at_least": "1", "above": "0"}, "points": "1"}]},
            "Nhánh 1: Một mức chỉ có một cận dưới",
        ),
        ({"on": {"criterion": "1.1"}, "branches": [{"when": {"from": "1"}, "points": "1"}]}, "một mốc dưới"),
        ({"on": {"criterion": "1.1"}, "branches": [{"when": "nhiều", "points": "1"}]}, "“when” là số điểm"),
        ({"on": {"input": "x"}, "branches": [{"when": True, "rule": {"kind": "magic"}}]}, "không tồn tại"),
    ],
)
def test_bad_conditions_are_refused_with_a_message(rule, message):
    with pytest.raises(RuleError, match=message):
        compile_rule({"kind": "condition", **rule}, "1")


def test_a_branch_with_a_null_rule_gives_nothing():
    rule = {
        "kind": "condition",
        "on": {"criterion": "2"},
        "branches": [{"when": 0, "rule": None}],
        "otherwise": {"kind": "judgement"},
    }
    compiled = compile_rule(rule, "1")
    assert compiled.evaluate({}, context={"2": 0}).explanation == "Tiêu chí 2 được 0 điểm (bằng 0 điểm) → 0 điểm"
    assert compiled.evaluate({"otherwise": {"points": "0,75"}}, context={"2": 3}).points == D("0.75")


def test_the_kind_has_a_vietnamese_label():
    assert KIND_LABELS["condition"] == "Theo điều kiện"


def test_set_validation_refuses_a_condition_on_a_criterion_that_is_never_scored():
    def on(code):
        return {"kind": "condition", "on": {"criterion": code}, "branches": [{"when": {"above": "0"}, "points": "1"}]}

    rows = [
        Row("1", D(4)),
        Row("1.1", D(1), {"kind": "yes_no"}),
        Row("1.2", D(1), on("1.1")),
        Row("1.3", D(1), on("1.3")),
        Row("1.4", D(1), on("1")),
    ]
    assert [issue for issue in check_set(rows) if issue.level == ERROR] == [
        Issue("1.3", ERROR, "Quy tắc dựa vào điểm của tiêu chí “1.3”: chính tiêu chí này.", RULE),
        Issue(
            "1.4",
            ERROR,
            "Quy tắc dựa vào điểm của tiêu chí “1”: không có trong bộ hoặc có tiêu chí con (không chấm trực tiếp).",
            RULE,
        ),
    ]


def test_choice_keys_that_are_not_form_names_get_numbered_branch_keys():
    rule = {
        "kind": "condition",
        "on": {"input": "xep_loai", "type": "choice", "choices": [{"key": "A"}, {"key": "B"}]},
        "branches": [{"when": "A", "rule": {"kind": "judgement"}}, {"when": ["B"], "points": "0"}],
    }
    compiled = compile_rule(rule, "2")
    assert [f.key for f in compiled.fields()] == ["xep_loai", "nhanh_1"]
    assert compiled.evaluate({"xep_loai": "A", "nhanh_1": {"points": "1,5"}}).points == D("1.5")
