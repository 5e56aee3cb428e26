"""Bands as official texts write them: "trên 90 %", "từ 70 % đến 90 %", "dưới 70 %", "còn lại".

A band has at most one lower bound, `at_least` (≥, "từ X") or `above` (>, "trên X"), and at
most one upper bound, `at_most` (≤, "đến Y") or `below` (<, "dưới Y"); a band with neither is
the "otherwise" band. The first band that matches wins, as when reading the text top down.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parindex.engine.errors import RuleError
from parindex.engine.numbers import fmt
from parindex.engine.rule_base import param_decimal, param_list

LOWER = {"at_least": False, "above": True}  # key → strict
UPPER = {"at_most": False, "below": True}


@dataclass(frozen=True)
class Bound:
    value: Decimal
    strict: bool


@dataclass(frozen=True)
class Interval:
    """What a band covers, without its points: also a condition's `when` on another criterion's points."""

    low: Bound | None = None
    high: Bound | None = None

    @property
    def otherwise(self) -> bool:
        return self.low is None and self.high is None

    def matches(self, value: Decimal) -> bool:
        if self.low is not None and (value <= self.low.value if self.low.strict else value < self.low.value):
            return False
        return self.high is None or (value < self.high.value if self.high.strict else value <= self.high.value)

    def describe(self, unit: str = "") -> str:
        if self.otherwise:
            return "mức còn lại"
        parts = []
        if self.low is not None:
            parts.append(f"{'>' if self.low.strict else '≥'} {fmt(self.low.value)}{unit}")
        if self.high is not None:
            parts.append(f"{'<' if self.high.strict else '≤'} {fmt(self.high.value)}{unit}")
        return "mức " + " và ".join(parts)

    def is_empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        if self.low.value == self.high.value:
            return self.low.strict or self.high.strict
        return self.low.value > self.high.value


@dataclass(frozen=True)
class Band(Interval):
    points: Decimal = field(kw_only=True)


def _bound(item: Mapping[str, Any], keys: dict[str, bool], what: str) -> Bound | None:
    present = [key for key in keys if key in item]
    if len(present) > 1:
        raise RuleError(f"Một mức chỉ có một cận {what} (“{present[0]}” hoặc “{present[1]}”), không có cả hai.")
    if not present:
        return None
    return Bound(param_decimal(item, present[0]), keys[present[0]])


def parse_interval(item: Mapping[str, Any]) -> Interval:
    """An item's bounds, `at_least`/`above` and `at_most`/`below`; neither = "otherwise"."""
    interval = Interval(_bound(item, LOWER, "dưới"), _bound(item, UPPER, "trên"))
    if interval.is_empty():
        raise RuleError(f"{interval.describe().capitalize()} không chứa giá trị nào.")
    return interval


def parse_bands(params: Mapping[str, Any], *, signed: bool = False) -> tuple[Band, ...]:
    bands = []
    for item in param_list(params, "bands"):
        points = param_decimal(item, "points")
        if points < 0 and not signed:
            raise RuleError("Điểm của một mức không được âm.")
        interval = parse_interval(item)
        bands.append(Band(interval.low, interval.high, points=points))
    return tuple(bands)


def first_band(bands: Iterable[Band], value: Decimal) -> Band | None:
    for band in bands:
        if band.matches(value):
            return band
    return None


def band_range(bands: tuple[Band, ...]) -> tuple[Decimal, Decimal]:
    """The fewest and the most points the bands give; a value no band takes scores 0."""
    points = [band.points for band in bands]
    if not any(band.otherwise for band in bands):
        points.append(Decimal(0))
    return min(points), max(points)
