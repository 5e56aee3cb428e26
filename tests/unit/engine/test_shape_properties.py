"""Properties of the issue-12 shapes for any parameters and inputs (hypothesis)."""

import itertools
from decimal import Decimal as D

from hypothesis import assume, given
from hypothesis import strategies as st

from parindex.engine.band_coverage import shadowed
from parindex.engine.bands import first_band, parse_bands
from parindex.engine.numbers import apply_rounding, fmt, to_decimal
from parindex.engine.rules import compile_rule

points_values = st.sampled_from(["-3", "-1", "-0.5", "0", "0.25", "0.5", "1", "1.5", "2", "3"])
bound_values = st.integers(0, 100).map(D) | st.decimals(min_value=0, max_value=100, places=2)
values = st.decimals(min_value=0, max_value=120, places=3)
LOWER, UPPER = ["at_least", "above"], ["at_most", "below"]


@st.composite
def any_band(draw, points=points_values):
    band = {"points": draw(points)}
    low = draw(st.none() | bound_values)
    high = draw(st.none() | bound_values)
    low_key, high_key = draw(st.sampled_from(LOWER)), draw(st.sampled_from(UPPER))
    if low is not None:
        band[low_key] = str(low)
    if high is not None:
        if low is not None and high <= low:  # never an empty band; "từ 5 đến 5" is one value
            high = low if (low_key, high_key) == ("at_least", "at_most") else low + 1
        band[high_key] = str(high)
    return band


any_bands = st.lists(any_band(), min_size=1, max_size=6)


@given(any_bands, values, st.sampled_from(["0", "1", "3"]))
def test_signed_comparison_bands_stay_within_minimum_and_max(bands, value, max_points):
    rule = compile_rule({"kind": "comparison", "bands": bands}, max_points)
    points = rule.evaluate({"current": value, "previous": 0}).points
    assert rule.minimum() <= points <= rule.max
    assert rule.signed == any(D(b["points"]) < 0 for b in bands)


@given(st.lists(any_band(points=st.sampled_from(["0", "0.5", "1", "2"])), min_size=1, max_size=6), values)
def test_number_bands_stay_within_zero_and_max(bands, value):
    rule = compile_rule({"kind": "bands", "measure": "delay_months", "bands": bands}, "1")
    assert 0 <= rule.minimum() <= rule.evaluate({"value": value}).points <= 1


@given(bound_values, st.sampled_from(LOWER + UPPER), st.decimals(min_value="0.001", max_value=5, places=3))
def test_each_bound_holds_its_own_value_only_when_inclusive(bound, key, step):
    rule = compile_rule({"kind": "bands", "bands": [{key: str(bound), "points": "1"}, {"points": "0"}]}, "1")
    below, at, above = (rule.evaluate({"value": v}).points for v in (bound - step, bound, bound + step))
    expected = {
        "at_least": (0, 1, 1),
        "above": (0, 0, 1),
        "at_most": (1, 1, 0),
        "below": (1, 0, 0),
    }[key]
    if bound - step < 0:  # values are not negative: nothing to check below 0
        below = expected[0]
    assert (below, at, above) == expected


@given(any_bands, st.lists(values, max_size=5))
def test_a_band_reported_as_shadowed_never_matches_first_and_every_other_band_does_somewhere(bands, extra):
    parsed = parse_bands({"bands": bands}, signed=True)
    hidden = shadowed(parsed)
    bounds = sorted({b.value for band in parsed for b in (band.low, band.high) if b is not None})
    candidates = [*bounds, *((x + y) / 2 for x, y in itertools.pairwise(bounds)), *extra]
    candidates += [bounds[0] - 1, bounds[-1] + 1] if bounds else [D(0)]
    winners = {id(first_band(parsed, value)) for value in candidates}
    for band in parsed:
        assert (id(band) in winners) != any(band is h for h in hidden)


@st.composite
def best_first_bands(draw):
    """Bands as official texts write a "higher is better" scale: thresholds going down, points too."""
    thresholds = sorted(draw(st.lists(bound_values, min_size=1, max_size=5, unique=True)), reverse=True)
    points = sorted((D(p) for p in draw(st.lists(points_values, min_size=len(thresholds), max_size=len(thresholds)))),
                    reverse=True)  # fmt: skip
    bands = [{draw(st.sampled_from(LOWER)): str(t), "points": str(p)} for t, p in zip(thresholds, points, strict=True)]
    return [*bands, {"points": str(min(points[-1], D(0)))}]


@given(best_first_bands(), values, st.decimals(min_value=0, max_value=50, places=3))
def test_higher_is_better_bands_never_give_fewer_points_for_more(bands, value, more):
    rule = compile_rule({"kind": "comparison", "bands": bands}, "3")
    score = lambda v: rule.evaluate({"current": v, "previous": 0}).points  # noqa: E731
    assert score(value + more) >= score(value)


@st.composite
def late_rules(draw):
    bounds = sorted(draw(st.lists(st.integers(1, 30), min_size=1, max_size=4, unique=True)))
    points = sorted((D(p) for p in draw(st.lists(st.sampled_from(["0", "-0.25", "-0.5", "-1", "-2"]),
                                                   min_size=len(bounds), max_size=len(bounds)))), reverse=True)  # fmt: skip
    rule = {
        "kind": "late_penalty",
        "steps": [{"at_most": str(b), "points": str(p)} for b, p in zip(bounds, points, strict=True)],
    }
    if draw(st.booleans()):
        rule["then_per_unit"] = draw(st.sampled_from(["0", "-0.25", "-1"]))
    if draw(st.booleans()):
        rule["cap"] = draw(st.sampled_from(["-1", "-5"]))
    return rule


@given(late_rules(), st.integers(0, 200), st.integers(0, 50))
def test_late_penalties_cost_more_the_later_never_below_their_cap_never_above_0(rule, days, more):
    compiled = compile_rule(rule, "0")
    now, later = (compiled.evaluate({"value": d}).points for d in (days, days + more))
    assert later <= now <= 0
    low = compiled.minimum()
    assert low is None or low <= later
    if "cap" in rule:
        assert later >= D(rule["cap"])


@given(late_rules())
def test_late_penalties_give_each_step_up_to_its_bound_and_the_next_one_past_it(rule):
    compiled = compile_rule(rule, "0")
    steps = rule["steps"]
    cap = D(rule.get("cap", "-1000"))
    for i, step in enumerate(steps):
        bound = int(step["at_most"])
        assert compiled.evaluate({"value": bound}).points == max(cap, D(step["points"]))
        if i + 1 < len(steps):
            assert compiled.evaluate({"value": bound + 1}).points == max(cap, D(steps[i + 1]["points"]))
    past = compiled.evaluate({"value": int(steps[-1]["at_most"]) + 1}).points
    assert past == max(cap, D(steps[-1]["points"]) + D(rule.get("then_per_unit", "0")))


@given(st.lists(points_values, min_size=1, max_size=5), st.data())
def test_signed_stages_stay_within_their_lowest_and_highest_stage(points, data):
    stages = [{"key": f"s{i}", "points": p} for i, p in enumerate(points)]
    rule = compile_rule({"kind": "stages", "stages": stages}, "3")
    stage = data.draw(st.sampled_from(["", *(s["key"] for s in stages)]))
    result = rule.evaluate({"stage": stage}).points
    assert min(D(0), *map(D, points)) == rule.minimum() <= result <= rule.max
    assert rule.signed == any(D(p) < 0 for p in points)


@given(st.decimals(min_value=-1000, max_value=1000, places=6), st.none() | st.integers(0, 4))
def test_rounding_moves_points_by_at_most_half_a_unit_and_only_when_declared(points, decimals):
    rounded = apply_rounding(points, decimals)
    if decimals is None:
        assert rounded is points
    else:
        assert abs(rounded - points) <= D("0.5") * D(10) ** -decimals
        assert apply_rounding(rounded, decimals) == rounded


@given(st.decimals(min_value=-(10**6), max_value=10**6, places=6))
def test_fmt_shows_every_point_value_exactly(value):
    text = fmt(value)
    assume(text != "0" or value == 0)
    assert to_decimal(text.replace("−", "-")) == value
    assert not text.endswith(",")
    assert "," not in text or not text.endswith("0")
