"""Properties of the formula and condition kinds (hypothesis), including a fuzz of the language."""

import contextlib
from decimal import Decimal as D
from decimal import DecimalException

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from parindex.engine.errors import EngineError, RuleError
from parindex.engine.rules import Result, compile_rule

CASES = [
    {"when": "ty_le >= 80", "points": "6"},
    {"when": "ty_le >= 50 and ty_le < 80", "points": "ty_le / 80 * 6"},
    {"points": "0"},
]
maxima = st.sampled_from([D("0"), D("0.5"), D("3"), D("6"), D("10")])


@st.composite
def ratio_pairs(draw):
    a = draw(st.integers(min_value=1, max_value=10_000))
    return a, draw(st.integers(min_value=0, max_value=a))


@given(maxima, ratio_pairs())
def test_formula_points_stay_within_zero_and_max(max_points, pair):
    result = compile_rule({"kind": "formula", "measure": "ratio", "cases": CASES}, max_points).evaluate(
        {"a": pair[0], "b": pair[1]}
    )
    assert 0 <= result.points <= max_points


@given(ratio_pairs(), st.integers(min_value=0, max_value=10_000))
def test_the_official_example_never_gives_fewer_points_for_more_done(pair, extra):
    rule = compile_rule({"kind": "formula", "measure": "ratio", "cases": CASES}, "6")
    a, b = pair
    assert rule.evaluate({"a": a, "b": min(a, b + extra)}).points >= rule.evaluate({"a": a, "b": b}).points


@given(st.decimals(min_value=D("0.0001"), max_value=D("1"), places=4))
def test_both_sides_of_50_and_80_percent(epsilon):
    rule = compile_rule({"kind": "formula", "measure": "percent", "cases": CASES}, "6")

    def points(percent):
        return rule.evaluate({"ty_le": percent}).points

    assert points(D(50) - epsilon) == 0
    assert points(D(50)) == D("3.75") < points(D(50) + epsilon)
    assert points(D(80) - epsilon) < 6 == points(D(80)) == points(D(80) + epsilon)


@given(ratio_pairs(), st.sampled_from([D("0"), D("0.5"), D("1"), D("2")]))
def test_a_condition_stays_within_zero_and_max_whatever_branch_applies(pair, earlier):
    rule = compile_rule(
        {
            "kind": "condition",
            "on": {"criterion": "1.1.1"},
            "branches": [
                {"when": {"above": "0"}, "rule": {"kind": "formula", "measure": "ratio", "cases": CASES}},
                {"when": {"at_most": "0"}, "points": "0"},
            ],
        },
        "6",
    )
    result = rule.evaluate({"muc_1": {"a": pair[0], "b": pair[1]}}, context={"1.1.1": earlier})
    assert 0 <= result.points <= 6
    assert (result.points == 0) or earlier > 0


# --- fuzz: random expressions never escape the whitelist ----------------------------------------

TOKENS = [
    "ty_le", "a", "b", "x", "os", "__import__", "__class__", "open", "self", "True", "None", "neu", "min", "max",
    "round", "abs", "eval", "0", "1", "2.5", "80", "1e308", "9" * 40, "+", "-", "*", "/", "**", "%", "//", "<",
    "<=", ">", ">=", "==", "!=", "and", "or", "not", "if", "else", "lambda", "(", ")", ",", ".", "[", "]", "'s'",
    ":", "=", ":=", "×", "≥", "{", "}", ";", " ",
]  # fmt: skip
ALLOWED = {"ty_le", "a", "b"}


ATOMS = st.sampled_from(["ty_le", "a", "b", "x", "0", "1", "0.5", "80", "100", "1e14", "True", "'s'", "a.real"])
WELL_FORMED = st.recursive(
    ATOMS,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "<", ">=", "==", "and", "or", "%"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(["min", "max", "abs", "round", "neu", "open"]), st.lists(inner, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        inner.map(lambda e: f"not {e}"),
        inner.map(lambda e: f"-{e}"),
    ),
    max_leaves=12,
)


@st.composite
def expressions_text(draw):
    shape = draw(st.sampled_from(["text", "tokens", "grammar", "grammar"]))
    if shape == "text":
        return draw(st.text(max_size=60))
    if shape == "tokens":
        return " ".join(draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25)))
    return draw(WELL_FORMED)


class Recording(dict):
    """The inputs, noting every name the evaluator looks up."""

    def __init__(self, values):
        super().__init__(values)
        self.looked_up = set()

    def __getitem__(self, key):
        self.looked_up.add(key)
        return super().__getitem__(key)


@settings(max_examples=500)
@given(expressions_text(), expressions_text(), ratio_pairs())
def test_any_expression_is_refused_with_a_rule_error_or_scored_never_an_exception(when, points, pair):
    rule = {"kind": "formula", "measure": "ratio", "cases": [{"when": when, "points": points}, {"points": "0"}]}
    try:
        compiled = compile_rule(rule, "6")
    except RuleError as error:
        refused = error.message
    else:
        refused = None
    if refused is not None:
        assert refused.startswith("Trường hợp 1")
        return
    raw = {"a": pair[0], "b": pair[1]}
    result = compiled.evaluate(raw)
    assert isinstance(result, Result)
    assert result.ok == (result.points is not None)
    if result.ok:
        assert 0 <= result.points <= 6
    compiled.issues()
    inputs = Recording(compiled.normalize(raw))
    with contextlib.suppress(EngineError, DecimalException):
        compiled.raw_points(inputs)
    assert inputs.looked_up <= ALLOWED


@given(st.sampled_from(["ty_le", "a", "b"]), st.sampled_from(["+", "-", "*", "/"]), st.integers(-1000, 1000))
def test_valid_arithmetic_is_accepted_and_exact(name, op, number):
    assume(not (op == "/" and number == 0))
    compiled = compile_rule(
        {"kind": "formula", "measure": "ratio", "cases": [{"points": f"{name} {op} {number}"}]}, "1e6"
    )
    values = {"a": D(8), "b": D(2), "ty_le": D(25)}
    expected = {"+": values[name] + number, "-": values[name] - number, "*": values[name] * number}.get(
        op, values[name] / number if number else None
    )
    assert compiled.raw_points(values) == expected
