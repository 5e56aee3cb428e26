"""SIPAS maths: satisfaction index per service element and overall, and the weighted SIPAS.

An answer is a level 1–5 (1 rất không hài lòng … 4 hài lòng, 5 rất hài lòng) or None (not
answered, not counted). Index = (hài lòng + rất hài lòng) / valid answers × 100. Cells with
fewer valid answers than `min_n` are hidden (None), so a handful of answers is never shown
as a percentage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from parindex.engine.numbers import HUNDRED, round_points

ELEMENTS = {
    "access": "Tiếp cận dịch vụ",
    "procedure": "Thủ tục hành chính",
    "staff": "Công chức trực tiếp giải quyết",
    "result": "Kết quả giải quyết",
    "feedback": "Tiếp nhận, xử lý phản ánh, kiến nghị",
}
LEVELS = {1: "Rất không hài lòng", 2: "Không hài lòng", 3: "Bình thường", 4: "Hài lòng", 5: "Rất hài lòng"}
SATISFIED = frozenset({4, 5})


@dataclass(frozen=True)
class Cell:
    n: int  # valid answers
    satisfied: int
    index: Decimal | None  # None when n < min_n (hidden) or n == 0

    @property
    def hidden(self) -> bool:
        return self.index is None


def cell(levels: Iterable[int | None], *, min_n: int = 1) -> Cell:
    valid = [level for level in levels if level in LEVELS]
    satisfied = sum(1 for level in valid if level in SATISFIED)
    if not valid or len(valid) < min_n:
        return Cell(len(valid), satisfied, None)
    return Cell(len(valid), satisfied, round_points(Decimal(satisfied) / len(valid) * HUNDRED))


def sipas(
    element_indices: Mapping[str, Decimal | None], weights: Mapping[str, Decimal] | None = None
) -> Decimal | None:
    """Weighted mean of the element indices that are shown; None when none is."""
    shown = {key: value for key, value in element_indices.items() if value is not None}
    if not shown:
        return None
    weights = weights or {}
    total_weight = sum((weights.get(key, Decimal(1)) for key in shown), Decimal(0))
    if total_weight == 0:
        return None
    weighted = sum((value * weights.get(key, Decimal(1)) for key, value in shown.items()), Decimal(0))
    return round_points(weighted / total_weight)


def table(answers: Iterable[Mapping[str, int | None]], *, min_n: int = 1) -> dict[str, Cell]:
    """Each element's cell (and "overall") from answers shaped {element: level}."""
    answers = list(answers)
    return {key: cell((a.get(key) for a in answers), min_n=min_n) for key in [*ELEMENTS, "overall"]}


# --- the same figures from counts --------------------------------------------------------------
# The product keeps, per group of answers, how many valid and how many satisfied levels each
# element has (surveys.ResponseTally); these give exactly the cells `table` gives from the rows.

TABLE_KEYS = (*ELEMENTS, "overall")


def answer_counts(answer: Mapping[str, int | None]) -> dict[str, tuple[int, int]]:
    """One answer's share of each cell: (1, 1) satisfied, (1, 0) valid only, (0, 0) not counted."""
    counts = {}
    for key in TABLE_KEYS:
        level = answer.get(key)
        valid = level in LEVELS
        counts[key] = (int(valid), int(valid and level in SATISFIED))
    return counts


def cell_of_counts(n: int, satisfied: int, *, min_n: int = 1) -> Cell:
    """`cell` from the number of valid and of satisfied answers."""
    if not n or n < min_n:
        return Cell(n, satisfied, None)
    return Cell(n, satisfied, round_points(Decimal(satisfied) / n * HUNDRED))


def table_of_counts(counts: Mapping[str, tuple[int, int]], *, min_n: int = 1) -> dict[str, Cell]:
    """`table` from each key's (valid, satisfied) counts; a missing key counts no answer."""
    return {key: cell_of_counts(*counts.get(key, (0, 0)), min_n=min_n) for key in TABLE_KEYS}
