"""Worked examples: inputs at the rule's own thresholds, scored by the rule."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from parindex.engine.examples import MAX_EXAMPLES, examples
from parindex.engine.rules import compile_rule

TIERS = {
    "kind": "bands",
    "measure": "ratio",
    "bands": [{"at_least": "90", "points": "2"}, {"at_least": "70", "points": "1"}, {"points": "0"}],
}


def test_the_first_example_sits_on_the_first_threshold_and_each_band_gets_one():
    found = examples(compile_rule(TIERS, D(2)))
    assert [(dict(e.inputs)["Số đã hoàn thành (b)"], e.points) for e in found] == [
        ("90", 2),
        ("70", 1),
        ("0", 0),
        ("100", 2),
    ]
    assert found[0].explanation == "Tỷ lệ 90/100 = 90,00 % thuộc mức ≥ 90 % → 2 điểm"


def test_every_stage_and_both_answers_of_a_wrapper_are_shown():
    stages = {"kind": "stages", "stages": [{"key": "a", "label": "Ban hành", "points": "0.5"},
                                           {"key": "b", "label": "Tổ chức thực hiện", "points": "1"}]}  # fmt: skip
    assert [(e.inputs, e.points) for e in examples(compile_rule(stages, D(1)))] == [
        ((("Giai đoạn cao nhất đã đạt", "Ban hành"),), D("0.5")),
        ((("Giai đoạn cao nhất đã đạt", "Tổ chức thực hiện"),), D(1)),
    ]
    wrapped = compile_rule({"kind": "not_applicable", "substitute": "1", "rule": {"kind": "yes_no"}}, D(1))
    texts = [e.explanation for e in examples(wrapped)]
    assert texts == ["Có → 1 điểm", "Không áp dụng → 1 điểm (điểm thay thế)", "Không → 0 điểm"]


def test_a_judgement_is_shown_at_its_maximum_and_at_zero():
    assert [e.points for e in examples(compile_rule(None, D("1.5")))] == [D("1.5"), 0]


bounds = st.lists(st.integers(0, 100), min_size=1, max_size=6, unique=True)


@given(bounds, st.sampled_from(["at_least", "at_most"]))
def test_examples_are_few_distinct_and_within_the_rule_range(values, key):
    ordered = sorted(values, reverse=key == "at_least")
    rule = compile_rule(
        {"kind": "bands", "measure": "number", "bands": [{key: str(v), "points": "1"} for v in ordered]}, D(1)
    )
    found = examples(rule)
    assert 1 <= len(found) <= MAX_EXAMPLES
    assert len({e.explanation for e in found}) == len(found)
    assert all(0 <= e.points <= 1 for e in found)
    assert found[0].inputs == (("Giá trị", str(ordered[0])),)
