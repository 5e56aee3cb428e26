"""Criterion.compiled_rule(): compiled once, never stale when the rule or maximum is replaced."""

from decimal import Decimal as D

from parindex.criteria.models import Criterion


def test_the_same_instance_gets_the_same_compiled_rule():
    criterion = Criterion(pk=10_001, rule={"kind": "ratio_threshold", "threshold": "85"}, max_points=D(3))
    assert criterion.compiled_rule() is criterion.compiled_rule()


def test_a_replaced_rule_or_maximum_is_compiled_again():
    criterion = Criterion(pk=10_002, rule={"kind": "ratio_threshold", "threshold": "85"}, max_points=D(3))
    assert criterion.compiled_rule().evaluate({"a": 10, "b": 6}).points == D(0)
    criterion.rule = {"kind": "ratio_threshold", "threshold": "50"}
    assert criterion.compiled_rule().evaluate({"a": 10, "b": 6}).points == D("1.8")
    criterion.max_points = D(1)
    assert criterion.compiled_rule().evaluate({"a": 10, "b": 6}).points == D("0.6")


def test_another_instance_of_the_same_row_and_version_reuses_the_process_cache():
    rule = {"kind": "yes_no"}
    first = Criterion(pk=10_003, rule=rule, max_points=D(1)).compiled_rule()
    assert Criterion(pk=10_003, rule=dict(rule), max_points=D(1)).compiled_rule() is first
