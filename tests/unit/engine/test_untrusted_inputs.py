"""Whatever a user types into a calculator, evaluate answers with a Result, never an exception."""

from decimal import Decimal as D
from decimal import InvalidOperation

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.engine.numbers import NumberOutOfRange, to_decimal
from parindex.engine.rules import KINDS, Result, compile_rule, evaluate

ABSURD = ["1e999999999", "-1e999999999", "1e999999", "9" * 100, "1e15", "NaN", "-sNaN", "Infinity", "-inf",
          "1e-999999", "0e-999999", "1e-21", "1" * 65]  # fmt: skip


@pytest.mark.parametrize("text", ABSURD)
def test_to_decimal_refuses_absurd_numbers_with_a_message(text):
    with pytest.raises(NumberOutOfRange) as caught:
        to_decimal(text)
    assert caught.value.message == "Số quá lớn hoặc không hợp lệ."


def test_number_out_of_range_is_still_an_invalid_operation_for_existing_callers():
    with pytest.raises(InvalidOperation):
        to_decimal("1e999999999")
    with pytest.raises(NumberOutOfRange):
        to_decimal(10**15)
    with pytest.raises(NumberOutOfRange):
        to_decimal(float("inf"))
    with pytest.raises(NumberOutOfRange):
        to_decimal(D("NaN"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("999999999999999", D("999999999999999")),
        ("0,00000000000000000001", D("1E-20")),
        ("17", D(17)),
        ("0,5", D("0.5")),
    ],
)
def test_to_decimal_keeps_every_plausible_number(text, expected):
    assert to_decimal(text) == expected


def test_an_exact_quotient_keeps_its_28_places():
    third = D(1) / D(3)
    assert to_decimal(third) is third


def test_plain_text_is_still_not_a_number():
    with pytest.raises(InvalidOperation) as caught:
        to_decimal("abc")
    assert not isinstance(caught.value, NumberOutOfRange)


@pytest.mark.parametrize("text", ["1e999999999", "Infinity", "NaN", "1e-999999", "9" * 100])
def test_the_calculator_of_1_1_2_answers_a_huge_number_with_a_vietnamese_error(text):
    result = evaluate({"kind": "ratio_threshold", "threshold": "85"}, {"a": text, "b": "1"}, "3")
    assert result.points is None
    assert result.error == "Số quá lớn hoặc không hợp lệ ở “Tổng số (a)”."


def test_a_huge_comparison_that_used_to_overflow_is_an_error():
    rule = {"kind": "comparison", "unit": "percent", "bands": [{"at_least": "0", "points": "1"}]}
    result = evaluate(rule, {"current": "1e999999", "previous": "1"}, "1")
    assert result.error == "Số quá lớn hoặc không hợp lệ ở “Kết quả năm nay”."


def test_an_arithmetic_failure_inside_a_rule_is_a_result_not_an_exception(monkeypatch):
    rule = compile_rule({"kind": "judgement"}, "2")

    def overflow(inputs):
        raise InvalidOperation

    monkeypatch.setattr(rule, "raw_points", overflow)
    result = rule.evaluate({"points": "1"})
    assert result.points is None
    assert "Số quá lớn hoặc không hợp lệ" in result.error


def test_a_substitute_above_max_is_capped_as_its_warning_says():
    rule = {"kind": "not_applicable", "substitute": "3", "rule": {"kind": "yes_no"}}
    result = evaluate(rule, {"not_applicable": True}, "2")
    assert result.points == 2
    assert result.warnings == ("Điểm tính được 3 vượt điểm tối đa 2: chỉ tính 2 (lỗi số liệu của bộ tiêu chí).",)
    assert compile_rule(rule, "2").score({"not_applicable": True}) == 2


def test_nothing_found_points_above_max_are_capped_too():
    rule = {"kind": "nothing_found", "points": "5", "rule": {"kind": "ratio_threshold", "threshold": "85"}}
    assert evaluate(rule, {"nothing_found": True}, "1").points == 1


def test_a_composite_part_given_as_text_is_treated_as_empty():
    rule = {"kind": "composite", "parts": [{"key": "p", "max": "1", "rule": {"kind": "judgement"}}]}
    result = evaluate(rule, {"p": "1"}, "1")
    assert result.error == "p: Thiếu số liệu “Điểm chấm”."


# --- property: any text in any field ------------------------------------------------------------

RULES = [
    {"kind": "yes_no"},
    {"kind": "checklist", "items": [{"key": "x", "points": "0.5"}, {"key": "y", "points": "0.75"}]},
    {"kind": "ratio_threshold", "threshold": "85"},
    {"kind": "all_or_nothing"},
    {"kind": "bands", "measure": "ratio", "bands": [{"at_least": "95", "points": "1"}, {"points": "0"}]},
    {"kind": "bands", "measure": "delay_days", "bands": [{"at_most": "0", "points": "1"}, {"points": "0"}]},
    {"kind": "count_bands", "bands": [{"at_least": "7", "points": "8"}, {"at_least": "1", "points": "2"}]},
    {"kind": "stages", "stages": [{"key": "plan", "points": "0.25"}, {"key": "done", "points": "1"}]},
    {"kind": "grade", "grades": [{"key": "good", "percent": "100"}, {"key": "super", "percent": "150"}]},
    {"kind": "deduction", "per_violation": "0.25"},
    {"kind": "bonus_penalty", "bonus_per_item": "1", "cap": "3"},
    {"kind": "comparison", "unit": "percent", "bands": [{"at_least": "2", "points": "1"}, {"points": "-1"}]},
    {"kind": "comparison", "bands": [{"at_least": "0", "points": "0.5"}]},
    {"kind": "survey"},
    {"kind": "survey", "mode": "bands", "bands": [{"at_least": "80", "points": "1"}, {"points": "0"}]},
    {"kind": "judgement"},
    {
        "kind": "composite",
        "parts": [
            {"key": "p", "max": "1", "rule": {"kind": "ratio_threshold", "threshold": "50"}},
            {"key": "q", "max": "2", "rule": {"kind": "judgement"}},
        ],
    },
    {"kind": "not_applicable", "substitute": "9", "rule": {"kind": "ratio_threshold", "threshold": "85"}},
    {"kind": "not_applicable", "substitute": None, "rule": {"kind": "judgement"}},
    {"kind": "nothing_found", "points": "5", "rule": {"kind": "deduction", "per_violation": "1"}},
    {"kind": "bands", "measure": "delay_months", "bands": [{"below": "2.5", "points": "1"}, {"points": "0"}]},
    {
        "kind": "bands",
        "measure": "ratio",
        "bands": [{"above": "90", "points": "2"}, {"at_least": "70", "at_most": "90", "points": "1"}],
    },
    {"kind": "stages", "stages": [{"key": "minus", "points": "-3"}, {"key": "plus", "points": "3"}]},
    {"kind": "late_penalty", "steps": [{"at_most": "2", "points": "-1"}], "then_per_unit": "-1"},
    {
        "kind": "late_penalty",
        "measure": "delay_months",
        "steps": [{"at_most": "1", "points": "-0.5"}],
        "cap": "-2",
        "then_per_unit": "-0.5",
    },
    {"kind": "fixed_penalty", "points": "-0.5"},
    {"kind": "not_applicable", "substitute": None, "rule": {"kind": "fixed_penalty", "points": "-1"}},
    {
        "kind": "formula",
        "measure": "ratio",
        "cases": [
            {"when": "ty_le >= 80", "points": "6"},
            {"when": "ty_le >= 50 and ty_le < 80", "points": "ty_le / 80 * 6"},
            {"points": "0"},
        ],
    },
    {
        "kind": "formula",
        "inputs": [{"key": "n", "type": "integer"}, {"key": "k", "type": "number", "min": "-5"}],
        "cases": [{"points": "neu(k != 0, min(n / k, 3), round(n * 1.5, 2)) ** 2"}],
        "signed": True,
    },
    {
        "kind": "condition",
        "on": {"input": "plan", "type": "bool"},
        "branches": [{"when": True, "rule": {"kind": "ratio_threshold", "threshold": "50"}}],
    },
    {
        "kind": "condition",
        "on": {"input": "level", "type": "choice", "choices": [{"key": "x"}, {"key": "y"}]},
        "branches": [{"when": "x", "points": "0.25"}, {"when": "y", "rule": {"kind": "judgement"}}],
    },
    {"kind": "condition", "on": {"criterion": "1.1.1"}, "branches": [{"when": {"above": "0"}, "rule": None}]},
    {
        "kind": "condition",
        "on": {"input": "late", "type": "bool"},
        "branches": [{"when": True, "rule": {"kind": "late_penalty", "steps": [{"at_most": "1", "points": "-1"}]}}],
        "otherwise": {"kind": "yes_no"},
    },
]

numberish = st.one_of(
    st.text(max_size=30),
    st.sampled_from([*ABSURD, "", " ", "0", "-0", "1", "17", "0,5", "-3", "1e5", "1E+999", "1_000", "٣"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str),
    st.floats().map(repr),
    st.from_regex(r"-?[0-9]{0,40}([.,][0-9]{0,40})?([eE][-+]?[0-9]{1,12})?", fullmatch=True),
)


def _inputs(fields, draw):
    inputs = {}
    for field in fields:
        if field.type == "group":
            inputs[field.key] = _inputs(field.fields, draw)
        elif field.type == "multi":
            inputs[field.key] = draw(st.lists(st.one_of(st.text(max_size=5), st.sampled_from(["x", "y"])), max_size=3))
        elif field.type == "bool":
            inputs[field.key] = draw(st.one_of(st.booleans(), st.text(max_size=5)))
        else:
            inputs[field.key] = draw(numberish)
    return inputs


@st.composite
def rule_and_inputs(draw):
    rule = draw(st.sampled_from(RULES))
    max_points = draw(st.sampled_from([D("0"), D("0.25"), D("1"), D("3"), D("12.5")]))
    compiled = compile_rule(rule, max_points)
    if draw(st.booleans()):
        inputs = _inputs(compiled.fields(), draw)
    else:  # keys the form never sends, values of any text
        inputs = draw(st.dictionaries(st.sampled_from(["a", "b", "value", "p", "share", "x"]), st.text(max_size=20)))
    return compiled, inputs


@settings(max_examples=400, deadline=None)
@given(rule_and_inputs())
def test_any_text_gives_a_result_within_bounds_never_an_exception(case):
    rule, inputs = case
    result = rule.evaluate(inputs)
    assert isinstance(result, Result)
    if result.ok:
        assert result.points is not None
        assert result.points.is_finite()
        low = rule.minimum()
        assert low is None or low <= result.points
        assert result.points <= rule.max
        assert rule.signed or result.points >= 0
        assert len(result.explanation) < 1000
    else:
        assert result.points is None
        assert result.error


def test_every_kind_is_exercised_by_the_property():
    assert {rule["kind"] for rule in RULES} == set(KINDS)
