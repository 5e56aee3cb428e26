"""Roll-up of points over a criteria tree, the index, classification and ranking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.engine.numbers import HUNDRED, ZERO, round_points


@dataclass(frozen=True)
class Node:
    code: str
    max_points: Decimal
    children: tuple[Node, ...] = ()
    signed: bool = False  # a bonus/penalty node: may go below 0, down to −max

    def walk(self) -> Iterable[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class LeafScore:
    points: Decimal
    excluded: bool = False  # "không áp dụng" with no substitute: leaves the index's denominator


@dataclass
class Rollup:
    points: dict[str, Decimal] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)  # leaves not scored yet (counted as 0)
    excluded_max: Decimal = ZERO
    total: Decimal = ZERO
    maximum: Decimal = ZERO

    @property
    def index(self) -> Decimal:
        return index_percent(self.total, self.maximum, self.excluded_max)


def clamp(value: Decimal, node: Node, signed: bool = False) -> Decimal:
    low = -node.max_points if signed or node.signed else ZERO
    return max(low, min(node.max_points, value))


def aggregate(roots: Iterable[Node], leaves: Mapping[str, LeafScore | Decimal | None]) -> Rollup:
    """Parent = sum of its children, clamped to [0, max] ([−max, max] for signed nodes).
    Everything under a signed node is signed too. The maximum is the sum of the top-level
    maxima; excluded leaves' maxima are tracked so the index can be rescaled on what remained
    applicable."""
    rollup = Rollup()

    def visit(node: Node, under_signed: bool = False) -> Decimal:
        signed = under_signed or node.signed
        if node.children:
            points = clamp(sum((visit(child, signed) for child in node.children), ZERO), node, signed)
        else:
            score = leaves.get(node.code)
            if score is None:
                rollup.pending.add(node.code)
                points = ZERO
            elif isinstance(score, LeafScore):
                if score.excluded:
                    rollup.excluded_max += node.max_points
                points = clamp(score.points, node, signed)
            else:
                points = clamp(score, node, signed)
        rollup.points[node.code] = points
        return points

    for root in roots:
        rollup.total += visit(root)
        rollup.maximum += root.max_points
    return rollup


def index_percent(total: Decimal, maximum: Decimal, excluded_max: Decimal = ZERO) -> Decimal:
    """Index (%) = total / (maximum − excluded) × 100, two decimals; 0 when nothing applies."""
    applicable = maximum - excluded_max
    if applicable <= 0:
        return ZERO
    return round_points(total / applicable * HUNDRED)


@dataclass(frozen=True)
class ClassBand:
    label: str
    at_least: Decimal | None = None  # None: the "otherwise" band


def classify(index: Decimal, bands: Iterable[ClassBand]) -> str:
    for band in bands:
        if band.at_least is None or index >= band.at_least:
            return band.label
    return ""


def rank(values: Mapping[str, Decimal]) -> dict[str, int]:
    """Competition ranking: equal values share a rank and the next rank is skipped (1, 2, 2, 4)."""
    ordered = sorted(values.items(), key=lambda item: item[1], reverse=True)
    ranks: dict[str, int] = {}
    previous: Decimal | None = None
    current_rank = 0
    for position, (key, value) in enumerate(ordered, start=1):
        if value != previous:
            current_rank, previous = position, value
        ranks[key] = current_rank
    return ranks
