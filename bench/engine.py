"""Engine throughput: a 100-criterion set scored for 10,000 organizations (10⁶ evaluations).

Prints evaluations per second of the compiled rules' fast path, and the same figure for a
plain-Python reference loop (inline Decimal arithmetic on the same inputs, no rule objects),
measured in the same process so the ratio is meaningful on a noisy machine.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parindex.engine.rules import compile_rule

ORGANIZATIONS = 10_000
DISTINCT_INPUTS = 500  # per criterion; organizations cycle through them to keep memory small
TARGET = 1_000_000

RULES = [
    ({"kind": "ratio_threshold", "threshold": "85"}, lambda r: {"a": 40, "b": r.randint(20, 40)}),
    ({"kind": "yes_no"}, lambda r: {"value": r.random() < 0.8}),
    ({"kind": "checklist", "items": [{"key": "a", "points": "0.25"}, {"key": "b", "points": "0.25"}]},
     lambda r: {"ticked": r.choice([[], ["a"], ["a", "b"]])}),
    ({"kind": "bands", "measure": "ratio", "bands": [{"at_least": 100, "points": 1}, {"at_least": 95, "points": "0.5"},
                                                    {"points": 0}]}, lambda r: {"a": 20, "b": r.randint(15, 20)}),
    ({"kind": "all_or_nothing"}, lambda r: {"a": 10, "b": r.randint(8, 10)}),
    ({"kind": "deduction", "per_violation": "0.25"}, lambda r: {"violations": r.randint(0, 5)}),
    ({"kind": "survey", "mode": "share"}, lambda r: {"share": f"{r.uniform(70, 95):.2f}"}),
    ({"kind": "count_bands", "bands": [{"at_least": 3, "points": 1}, {"at_least": 1, "points": "0.5"}, {"points": 0}]},
     lambda r: {"count": r.randint(0, 5)}),
    ({"kind": "judgement"}, lambda r: {"points": r.choice(["0", "0.5", "1"])}),
    ({"kind": "bonus_penalty", "bonus_per_item": 1, "cap": 3}, lambda r: {"done": r.randint(0, 4), "failed": 0}),
]  # fmt: skip


def build(rng: random.Random):
    criteria = []
    for i in range(100):
        spec, make_inputs = RULES[i % len(RULES)]
        rule = compile_rule(spec, Decimal(1) if i % 3 else Decimal(3))
        pool = [rule.normalize(make_inputs(rng)) for _ in range(DISTINCT_INPUTS)]
        criteria.append((rule, pool))
    return criteria


def run_engine(criteria) -> tuple[float, Decimal]:
    total = Decimal(0)
    start = time.perf_counter()
    for rule, pool in criteria:
        score = rule.score
        rounds, rest = divmod(ORGANIZATIONS, len(pool))
        for inputs in pool * rounds + pool[:rest]:
            total += score(inputs)
    return time.perf_counter() - start, total


def run_reference(criteria) -> float:
    """The same number of Decimal operations a hand-written ratio loop would do, nothing else."""
    three, hundred = Decimal(3), Decimal(100)
    ratio_inputs = [{"a": Decimal(40), "b": Decimal(b)} for b in range(20, 41)] * 25
    start = time.perf_counter()
    total = Decimal(0)
    for _ in criteria:
        rounds, rest = divmod(ORGANIZATIONS, len(ratio_inputs))
        for inputs in ratio_inputs * rounds + ratio_inputs[:rest]:
            ratio = inputs["b"] / inputs["a"]
            total += ratio * three if ratio * hundred >= 85 else Decimal(0)
    return time.perf_counter() - start


def main() -> None:
    criteria = build(random.Random(2024))
    evaluations = len(criteria) * ORGANIZATIONS
    run_engine(criteria[:5])  # warm up
    engine_seconds, total = run_engine(criteria)
    reference_seconds = run_reference(criteria)
    engine_rate = evaluations / engine_seconds
    reference_rate = evaluations / reference_seconds
    print(f"engine: {evaluations:,} evaluations in {engine_seconds:.2f} s = {engine_rate:,.0f}/s (checksum {total})")
    print(f"reference loop: {reference_rate:,.0f}/s")
    print(f"ratio engine/reference: {engine_rate / reference_rate:.2f}")
    print(f"target ≥ {TARGET:,}/s: {'met' if engine_rate >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
