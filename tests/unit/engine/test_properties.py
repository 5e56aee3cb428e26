"""Properties that must hold for any inputs (hypothesis)."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from parindex.engine.rules import compile_rule
from parindex.engine.scoring import LeafScore, Node, aggregate, index_percent

maxima = st.sampled_from([D("0.25"), D("0.5"), D("1"), D("1.5"), D("3"), D("12.5")])
thresholds = st.integers(min_value=0, max_value=100)


@st.composite
def ratio_pairs(draw):
    a = draw(st.integers(min_value=1, max_value=10_000))
    b = draw(st.integers(min_value=0, max_value=a))
    return a, b


@given(maxima, thresholds, ratio_pairs(), st.integers(min_value=0, max_value=10_000))
def test_ratio_rules_never_give_fewer_points_for_more_done(max_points, threshold, pair, extra):
    rule = compile_rule({"kind": "ratio_threshold", "threshold": threshold}, max_points)
    a, b = pair
    more = min(a, b + extra)
    assert rule.evaluate({"a": a, "b": more}).points >= rule.evaluate({"a": a, "b": b}).points


@given(maxima, thresholds, ratio_pairs())
def test_ratio_points_stay_within_zero_and_max(max_points, threshold, pair):
    result = compile_rule({"kind": "ratio_threshold", "threshold": threshold}, max_points).evaluate(
        {"a": pair[0], "b": pair[1]}
    )
    assert 0 <= result.points <= max_points


@st.composite
def descending_bands(draw):
    bounds = sorted(draw(st.lists(st.integers(0, 100), min_size=1, max_size=5, unique=True)), reverse=True)
    points = sorted(draw(st.lists(st.sampled_from(["0", "0.25", "0.5", "1", "2"]), min_size=len(bounds),
                                  max_size=len(bounds))), key=D, reverse=True)  # fmt: skip
    return [{"at_least": b, "points": p} for b, p in zip(bounds, points, strict=True)] + [{"points": "0"}]


@given(descending_bands(), ratio_pairs(), st.integers(min_value=0, max_value=10_000))
def test_ratio_bands_are_monotone_when_ordered(bands, pair, extra):
    rule = compile_rule({"kind": "bands", "measure": "ratio", "bands": bands}, "2")
    a, b = pair
    assert rule.evaluate({"a": a, "b": min(a, b + extra)}).points >= rule.evaluate({"a": a, "b": b}).points


@given(descending_bands(), st.integers(min_value=0, max_value=200))
def test_band_points_never_exceed_max(bands, value):
    result = compile_rule({"kind": "count_bands", "bands": bands}, "1").evaluate({"count": value})
    assert 0 <= result.points <= 1


@given(st.integers(0, 50), st.integers(0, 50), st.sampled_from([D(1), D(2), D(3)]))
def test_bonus_penalty_stays_within_plus_minus_cap(done, failed, cap):
    rule = compile_rule({"kind": "bonus_penalty", "bonus_per_item": "1", "cap": cap}, cap)
    assert -cap <= rule.evaluate({"done": done, "failed": failed}).points <= cap


@given(st.integers(0, 40), maxima)
def test_deduction_never_goes_below_zero_or_above_max(violations, max_points):
    points = (
        compile_rule({"kind": "deduction", "per_violation": "0.25"}, max_points)
        .evaluate({"violations": violations})
        .points
    )
    assert 0 <= points <= max_points


@given(maxima, thresholds, ratio_pairs())
def test_the_fast_path_agrees_with_evaluate(max_points, threshold, pair):
    rule = compile_rule({"kind": "ratio_threshold", "threshold": threshold}, max_points)
    inputs = rule.normalize({"a": pair[0], "b": pair[1]})
    assert rule.score(inputs) == rule.evaluate({"a": pair[0], "b": pair[1]}).points


leaf_points = st.decimals(min_value=0, max_value=2, places=2)


@given(st.lists(leaf_points, min_size=1, max_size=8))
def test_aggregation_equals_the_sum_of_leaves_when_no_cap_binds(points):
    leaves = tuple(Node(f"1.{i}", D(2)) for i in range(len(points)))
    root = Node("1", D(2) * len(points), leaves)
    rollup = aggregate([root], {leaf.code: p for leaf, p in zip(leaves, points, strict=True)})
    assert rollup.total == sum(points)


@given(st.lists(leaf_points, min_size=1, max_size=8), st.decimals(min_value=0, max_value=5, places=2))
def test_aggregation_never_exceeds_a_parents_max(points, parent_max):
    leaves = tuple(Node(f"1.{i}", D(2)) for i in range(len(points)))
    rollup = aggregate([Node("1", parent_max, leaves)], {leaf.code: p for leaf, p in zip(leaves, points, strict=True)})
    assert 0 <= rollup.total <= parent_max


@given(st.lists(st.tuples(leaf_points, st.booleans()), min_size=2, max_size=8))
def test_excluding_a_leaf_rescales_on_the_remaining_maximum(items):
    leaves = tuple(Node(f"1.{i}", D(2)) for i in range(len(items)))
    scores = {
        leaf.code: LeafScore(D(0) if excluded else p, excluded)
        for leaf, (p, excluded) in zip(leaves, items, strict=True)
    }
    rollup = aggregate([Node("1", D(2) * len(items), leaves)], scores)
    applicable = D(2) * sum(1 for _, excluded in items if not excluded)
    assert rollup.excluded_max == D(2) * len(items) - applicable
    assert rollup.index == index_percent(rollup.total, applicable)
    assert rollup.index <= 100
