"""The compiled-rule cache: the same results as compiling afresh, whatever the rule and inputs."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.engine.errors import RuleError
from parindex.engine.rule_cache import RuleCache
from parindex.engine.rules import compile_rule
from tests.unit.engine.test_untrusted_inputs import RULES, _inputs

RATIO = {"kind": "ratio_threshold", "threshold": "85"}


def test_a_second_call_with_the_same_key_and_rule_reuses_the_compiled_rule():
    cache = RuleCache()
    first = cache.get((1, "v1"), RATIO, D(3))
    assert cache.get((1, "v1"), dict(RATIO), D(3)) is first
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_changed_rule_under_an_unchanged_key_is_compiled_again():
    cache = RuleCache()
    cache.get((1, "v1"), RATIO, D(3))
    changed = cache.get((1, "v1"), {"kind": "ratio_threshold", "threshold": "50"}, D(3))
    assert changed.evaluate({"a": 10, "b": 6}).points == D("1.8")


def test_a_changed_maximum_under_an_unchanged_key_is_compiled_again():
    cache = RuleCache()
    cache.get((1, "v1"), RATIO, D(3))
    assert cache.get((1, "v1"), RATIO, D(1)).max == D(1)


def test_editing_the_dict_passed_in_does_not_change_the_cached_rule():
    cache = RuleCache()
    rule = {"kind": "ratio_threshold", "threshold": "85"}
    compiled = cache.get(7, rule, D(3))
    rule["threshold"] = "10"
    assert compiled.evaluate({"a": 10, "b": 5}).points == D(0)
    assert cache.get(7, rule, D(3)).evaluate({"a": 10, "b": 5}).points == D("1.5")


def test_the_least_recently_used_entry_leaves_first():
    cache = RuleCache(maxsize=2)
    cache.get(1, RATIO, D(1))
    cache.get(2, RATIO, D(1))
    cache.get(1, RATIO, D(1))
    cache.get(3, RATIO, D(1))
    assert len(cache) == 2
    cache.get(1, RATIO, D(1))
    assert cache.misses == 3  # 1 was kept, 2 was evicted


def test_a_bad_rule_raises_every_time_and_is_not_kept():
    cache = RuleCache()
    for _ in range(2):
        with pytest.raises(RuleError):
            cache.get(1, {"kind": "nonsense"}, D(1))
    assert len(cache) == 0


@st.composite
def calls(draw):
    """A sequence of (key, rule, max, inputs) where keys are reused across different rules, as
    a criterion whose rule was edited without its version changing would."""
    result = []
    for _ in range(draw(st.integers(1, 12))):
        rule = draw(st.sampled_from(RULES))
        max_points = draw(st.sampled_from([D("0"), D("0.25"), D("1"), D("1.00"), D("3"), D("12.5")]))
        inputs = _inputs(compile_rule(rule, max_points).fields(), draw)
        result.append((draw(st.integers(0, 3)), rule, max_points, inputs))
    return result


@settings(max_examples=300, deadline=None)
@given(calls())
def test_cached_evaluation_equals_a_fresh_compilation(sequence):
    cache = RuleCache(maxsize=3)
    for key, rule, max_points, inputs in sequence:
        assert cache.get(key, rule, max_points).evaluate(inputs) == compile_rule(rule, max_points).evaluate(inputs)
