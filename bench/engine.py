"""Engine throughput: a 100-criterion set scored for 10,000 organizations (10⁶ evaluations).

Prints evaluations per second, measured in the same process so the ratios mean something on a
noisy machine, of:
- the product's path: each evaluation asks for the criterion's compiled rule the way
  `Criterion.compiled_rule()` does (held on the instance; the first call per instance goes to the
  process-wide RuleCache by id and version, which checks the rule and maximum), then scores;
- the same without the cache (compile_rule per call, what the product did before), on a sample;
- the precompiled loop (rules compiled once, held by the caller);
- a reference. numpy is not installed here, so there is no vectorised reference: the reference
  is a plain-Python best case (inline Decimal arithmetic on ratio inputs, no rule objects).
Goal: product / precompiled ≥ 0,8.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parindex.engine.rule_cache import RULES as RULE_CACHE
from parindex.engine.rules import compile_rule

ORGANIZATIONS = 10_000
DISTINCT_INPUTS = 500  # per criterion; organizations cycle through them to keep memory small
TARGET = 1_000_000
UNCACHED_SAMPLE = 100_000  # compiling per call is slow: a tenth of the evaluations is enough
GOAL = 0.8

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


class Criterion:
    """What the product holds: a row with an id, a version, a rule as data and a maximum; its
    compiled_rule() is the body of the Django model's (held on the instance, else the
    process-wide RuleCache by id and version)."""

    _compiled_rule: tuple | None = None

    def __init__(self, pk: int, rule: dict, max_points: Decimal) -> None:
        self.pk, self.updated_at, self.rule, self.max_points = pk, "2026-01-01T00:00:00", rule, max_points

    def compiled_rule(self):
        held = self._compiled_rule
        if held is not None and held[0] is self.rule and held[1] is self.max_points:
            return held[2]
        compiled = RULE_CACHE.get((self.pk, self.updated_at), self.rule, self.max_points)
        self._compiled_rule = (self.rule, self.max_points, compiled)
        return compiled


def build(rng: random.Random):
    criteria = []
    for i in range(100):
        spec, make_inputs = RULES[i % len(RULES)]
        criterion = Criterion(i + 1, spec, Decimal(1) if i % 3 else Decimal(3))
        rule = compile_rule(spec, criterion.max_points)
        pool = [rule.normalize(make_inputs(rng)) for _ in range(DISTINCT_INPUTS)]
        criteria.append((criterion, rule, pool))
    return criteria


def _inputs_for(pool, evaluations: int):
    rounds, rest = divmod(evaluations, len(pool))
    return pool * rounds + pool[:rest]


def run_engine(criteria) -> tuple[float, Decimal]:
    total = Decimal(0)
    start = time.perf_counter()
    for _, rule, pool in criteria:
        score = rule.score
        for inputs in _inputs_for(pool, ORGANIZATIONS):
            total += score(inputs)
    return time.perf_counter() - start, total


def run_product(criteria) -> tuple[float, Decimal]:
    total = Decimal(0)
    start = time.perf_counter()
    for criterion, _, pool in criteria:
        for inputs in _inputs_for(pool, ORGANIZATIONS):
            total += criterion.compiled_rule().score(inputs)
    return time.perf_counter() - start, total


def run_uncached(criteria, evaluations: int) -> float:
    per_criterion = evaluations // len(criteria)
    start = time.perf_counter()
    for criterion, _, pool in criteria:
        for inputs in _inputs_for(pool, per_criterion):
            compile_rule(criterion.rule, criterion.max_points).score(inputs)
    return time.perf_counter() - start


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
    # Best of three, alternating, for each loop: the machines here are shared and noisy.
    engine_runs, product_runs = [], []
    for _ in range(3):
        engine_runs.append(run_engine(criteria))
        product_runs.append(run_product(criteria))
    engine_seconds, total = min(engine_runs)
    product_seconds, product_total = min(product_runs)
    assert product_total == total, (product_total, total)
    uncached_seconds = run_uncached(criteria, UNCACHED_SAMPLE)
    reference_seconds = run_reference(criteria)
    engine_rate = evaluations / engine_seconds
    product_rate = evaluations / product_seconds
    uncached_rate = UNCACHED_SAMPLE / uncached_seconds
    reference_rate = evaluations / reference_seconds
    print(f"precompiled loop: {evaluations:,} evaluations in {engine_seconds:.2f} s = {engine_rate:,.0f}/s "
          f"(checksum {total})")  # fmt: skip
    print(f"product path (Criterion.compiled_rule() per call): {product_rate:,.0f}/s")
    print(f"compile per call (before the cache): {uncached_rate:,.0f}/s")
    print(f"plain-Python best-case reference (numpy not installed, no vectorised one): {reference_rate:,.0f}/s")
    ratio = product_rate / engine_rate
    print(f"ratio product/precompiled: {ratio:.2f} (goal ≥ {GOAL}: {'met' if ratio >= GOAL else 'NOT met'})")
    print(f"ratio precompiled/reference: {engine_rate / reference_rate:.2f}")
    print(f"target ≥ {TARGET:,}/s for the product path: {'met' if product_rate >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
