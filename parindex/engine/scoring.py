"""Roll-up of points over a criteria tree, the index, classification and ranking."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.engine.numbers import HUNDRED, ZERO, apply_rounding, round_points

STANDARD, BONUS, PENALTY = "standard", "bonus", "penalty"
AREAS = (STANDARD, BONUS, PENALTY)
AT_CRITERION, AT_TOTAL = "criterion", "total"


@dataclass(frozen=True)
class Node:
    code: str
    max_points: Decimal
    children: tuple[Node, ...] = ()
    signed: bool = False  # may go below 0, down to −max
    # A top-level node's role in the index; below the top level it is inherited, whatever it says.
    area: str = STANDARD

    def walk(self) -> Iterable[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class LeafScore:
    points: Decimal
    excluded: bool = False  # "không áp dụng" with no substitute: leaves the index's denominator


@dataclass(frozen=True)
class Rounding:
    """A set's declared rounding: none (exact points), or half up to `decimals` places on every
    criterion or only on the total."""

    decimals: int | None = None
    at: str = AT_TOTAL

    def apply(self, value: Decimal) -> Decimal:
        return apply_rounding(value, self.decimals)


EXACT = Rounding()


@dataclass
class Rollup:
    points: dict[str, Decimal] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)  # leaves not scored yet (counted as 0)
    excluded_max: Decimal = ZERO  # maxima of excluded standard leaves
    total: Decimal = ZERO  # standard + bonus + penalty points (penalties are negative)
    maximum: Decimal = ZERO  # the standard areas' maxima: the index's denominator before exclusions
    by_area: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(AREAS, ZERO))

    @property
    def index(self) -> Decimal:
        return index_percent(self.total, self.maximum, self.excluded_max)


def bounds(node: Node, signed: bool, area: str) -> tuple[Decimal | None, Decimal]:
    """(lowest, highest) points of a node; None: no lower limit. A node that may lose points
    (signed, or in a penalty area) goes down to −max, or without limit when its maximum is 0:
    a rule that can only take points away has no positive maximum to mirror. A penalty area's
    points are at most 0."""
    high = ZERO if area == PENALTY else node.max_points
    if not (signed or node.signed or area == PENALTY):
        return ZERO, high
    return (-node.max_points if node.max_points > 0 else None), high


def clamp(value: Decimal, node: Node, signed: bool = False, area: str = STANDARD) -> Decimal:
    low, high = bounds(node, signed, area)
    value = min(high, value)
    return value if low is None else max(low, value)


def aggregate(
    roots: Iterable[Node], leaves: Mapping[str, LeafScore | Decimal | None], rounding: Rounding = EXACT
) -> Rollup:
    """Parent = sum of its children, clamped to [0, max] ([−max, max] for signed nodes; at most 0
    in a penalty area). Everything under a signed node is signed too, and everything under a
    top-level node is in its area. The index's denominator is the standard areas' maxima less
    excluded standard leaves' maxima: bonus and penalty areas add or take points on top of it.
    A set rounding at the criterion rounds every node's points; at the total, only the total."""
    rollup = Rollup()
    per_node = rounding if rounding.at == AT_CRITERION else EXACT

    def visit(node: Node, area: str, under_signed: bool = False) -> Decimal:
        signed = under_signed or node.signed
        if node.children:
            points = sum((visit(child, area, signed) for child in node.children), ZERO)
        else:
            score = leaves.get(node.code)
            if score is None:
                rollup.pending.add(node.code)
                score = ZERO
            elif isinstance(score, LeafScore):
                if score.excluded and area == STANDARD:
                    rollup.excluded_max += node.max_points
                score = score.points
            points = score
        points = per_node.apply(clamp(points, node, signed, area))
        rollup.points[node.code] = points
        return points

    for root in roots:
        area = root.area if root.area in AREAS else STANDARD
        points = visit(root, area)
        rollup.by_area[area] += points
        if area == STANDARD:
            rollup.maximum += root.max_points
    rollup.total = rounding.apply(sum(rollup.by_area.values(), ZERO))
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
