"""What a band list leaves out or says twice, for the set's validation report: bands that can
never match, values no band scores (holes), bands that partly repeat an earlier one (overlaps).

Seed 004's area 8 prints "01 sáng kiến: 1; từ 7 sáng kiến trở lên: 8; không có: 0": 2 to 6
initiatives have no points in the source, and the coordinator must be told so, not guess.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import takewhile

from parindex.engine.bands import Band, Bound, Interval
from parindex.engine.numbers import HUNDRED, ZERO, fmt


@dataclass(frozen=True)
class Domain:
    """The values a measure can take and how the report names them."""

    interval: Interval
    unit: str = ""  # after each value: " %", " tháng"
    integer: bool = False  # whole numbers only: holes are stated as integer ranges
    noun: str = ""  # what a unitless whole number counts, in brackets: "(số sáng kiến)"


NON_NEGATIVE = Interval(Bound(ZERO, False))
PERCENT = Interval(Bound(ZERO, False), Bound(HUNDRED, False))
WHOLE_LINE = Interval()


def band_issues(bands: Sequence[Band], domain: Domain, *, best_first: bool = True) -> list[str]:
    """Every coverage problem of `bands` over `domain`; `best_first`: the list is read as a
    scale from the best result down, so points growing down the list are reported too."""
    unit = domain.unit
    hidden = shadowed(bands)
    problems = [
        f"Các mức không theo thứ tự: {band.describe(unit)} sẽ không bao giờ được xét (các mức trước đã gồm hết)."
        for band in hidden
    ]
    problems += [
        f"{band.describe(unit).capitalize()} trùng một phần với mức trước ở giá trị {_span(common, domain)}: "
        "các giá trị này được tính theo mức trước."
        for band, common in overlaps(bands, domain, skip=hidden)
    ]
    otherwise = next((band for band in bands if band.otherwise), None)
    fallback = "được 0 điểm" if otherwise is None else f"rơi vào mức còn lại ({fmt(otherwise.points)} điểm)"
    problems += [f"Không có mức điểm cho giá trị {_span(hole, domain)}, {fallback}." for hole in holes(bands, domain)]
    points = [band.points for band in bands]
    if best_first and points != sorted(points, reverse=True):
        problems.append("Điểm các mức không giảm dần: làm tốt hơn có thể bị ít điểm hơn.")
    return problems


# --- intervals ------------------------------------------------------------------------------
# Endpoint keys order endpoints so that tuples compare as the endpoints do: −∞ < finite < +∞,
# and at one value a closed lower end comes before an open one (it holds more), an open upper
# end before a closed one.


def _low_key(bound: Bound | None) -> tuple:
    return (0,) if bound is None else (1, bound.value, int(bound.strict))


def _high_key(bound: Bound | None) -> tuple:
    return (2,) if bound is None else (1, bound.value, int(not bound.strict))


def _joins(high: Bound | None, low: Bound | None) -> bool:
    """Whether an interval ending at `high` and one starting at `low` (not before it) leave no gap."""
    if high is None or low is None:
        return True
    # Touching at one value joins unless both ends are open there.
    return low.value < high.value or (low.value == high.value and not (high.strict and low.strict))


def _merge(pieces: Iterable[Interval]) -> list[Interval]:
    """The union of `pieces` as disjoint intervals, lowest first."""
    merged: list[Interval] = []
    for piece in sorted(pieces, key=lambda p: (_low_key(p.low), _high_key(p.high))):
        if merged and _joins(merged[-1].high, piece.low):
            last = merged[-1]
            high = last.high if _high_key(last.high) >= _high_key(piece.high) else piece.high
            merged[-1] = Interval(last.low, high)
        else:
            merged.append(Interval(piece.low, piece.high))
    return merged


def _intersect(a: Interval, b: Interval) -> Interval:
    low = a.low if _low_key(a.low) >= _low_key(b.low) else b.low
    high = a.high if _high_key(a.high) <= _high_key(b.high) else b.high
    return Interval(low, high)


def _first_int(bound: Bound | None) -> int | None:
    if bound is None:
        return None
    return math.floor(bound.value) + 1 if bound.strict else math.ceil(bound.value)


def _last_int(bound: Bound | None) -> int | None:
    if bound is None:
        return None
    return math.ceil(bound.value) - 1 if bound.strict else math.floor(bound.value)


def _holds_values(interval: Interval, domain: Domain) -> bool:
    """Whether the interval holds a value the measure can take."""
    interval = _intersect(interval, domain.interval)
    if interval.is_empty():
        return False
    if not domain.integer:
        return True
    first, last = _first_int(interval.low), _last_int(interval.high)
    return first is None or last is None or first <= last


def shadowed(bands: Iterable[Band]) -> list[Band]:
    """The bands wholly inside the union of the bands before them."""
    covered: list[Interval] = []
    result = []
    for band in bands:
        if any(
            _low_key(piece.low) <= _low_key(band.low) and _high_key(band.high) <= _high_key(piece.high)
            for piece in covered
        ):
            result.append(band)
            continue
        covered = _merge([*covered, band])
    return result


def overlaps(bands: Sequence[Band], domain: Domain, skip: Sequence[Band] = ()) -> list[tuple[Band, Interval]]:
    """Bands that take a value an earlier band already took, at one of the bounds they state, with
    the values concerned. "từ 50 %" after "từ 80 %" is how texts write a scale top down (its open
    end leaves the higher values to the band above), not an overlap; "từ 70 đến 90" after "từ
    85" is."""
    found = []
    covered: list[Interval] = []
    for band in bands:
        if not band.otherwise and not any(band is hidden for hidden in skip):
            for piece in covered:
                common = _intersect(band, piece)
                if not _holds_values(common, domain):
                    continue
                at_low = band.low is not None and _low_key(common.low) == _low_key(band.low)
                at_high = band.high is not None and _high_key(common.high) == _high_key(band.high)
                if (band.low is not None and band.high is not None) or at_low or at_high:
                    found.append((band, _intersect(common, domain.interval)))
                    break
        covered = _merge([*covered, band])
    return found


def holes(bands: Sequence[Band], domain: Domain) -> list[Interval]:
    """The values of `domain` no band before the "otherwise" band takes. With an otherwise band,
    only the holes between those bands: below the lowest or above the highest is what
    "otherwise" is written for."""
    explicit = list(takewhile(lambda band: not band.otherwise, bands))
    gaps: list[Interval] = []
    start: Bound | None = None  # where the uncovered stretch being followed begins; None: −∞
    for piece in _merge(explicit):
        if piece.low is not None:
            gaps.append(Interval(start, Bound(piece.low.value, not piece.low.strict)))
        if piece.high is None:
            break
        start = Bound(piece.high.value, not piece.high.strict)
    else:
        gaps.append(Interval(start, None))
    if len(explicit) < len(bands):
        gaps = [gap for gap in gaps if gap.low is not None and gap.high is not None]
    return [_intersect(gap, domain.interval) for gap in gaps if _holds_values(gap, domain)]


def _span(interval: Interval, domain: Domain) -> str:
    """The values of an interval as an official text states them."""
    unit = domain.unit
    if domain.integer:
        first, last = _first_int(interval.low), _last_int(interval.high)
        if last is None:
            text = f"từ {first}{unit} trở lên"
        elif first is None:
            text = f"từ {last}{unit} trở xuống"
        elif first == last:
            text = f"{first}{unit}"
        else:
            text = f"từ {first}{unit} đến {last}{unit}"
        return f"{text} ({domain.noun})" if domain.noun and not unit else text
    low, high = interval.low, interval.high
    if low is not None and high is not None and low.value == high.value:
        return f"đúng {_value(low.value, unit)}"
    if high is None:
        return f"trên {_value(low.value, unit)}" if low.strict else f"từ {_value(low.value, unit)} trở lên"
    if low is None:
        return f"dưới {_value(high.value, unit)}" if high.strict else f"từ {_value(high.value, unit)} trở xuống"
    upper = f"{'dưới ' if high.strict else ''}{_value(high.value, unit)}"
    return f"{'trên' if low.strict else 'từ'} {_value(low.value, unit)} đến {upper}"


def _value(value: Decimal, unit: str) -> str:
    return f"{fmt(value)}{unit}"
