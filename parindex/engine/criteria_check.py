"""Checks of a criteria set as typed or imported: every problem is reported, none is fixed.

Input rows are plain data in document order; the output is a list of `Issue`s for the
validation report shown before anything is saved."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from parindex.engine.errors import RuleError
from parindex.engine.numbers import ZERO, fmt, to_decimal
from parindex.engine.rules import compile_rule

ERROR, WARNING = "error", "warning"


STANDARD = "standard"
CODE, MAX, RULE, STATED = "code", "max", "rule", "stated"  # the part of a row an issue is about


@dataclass(frozen=True)
class Row:
    code: str
    max_points: Decimal | None
    rule: Mapping[str, Any] | None = None
    signed: bool = False
    area: str = STANDARD  # top-level rows: standard | bonus | penalty
    stated: Mapping[str, Any] | None = None  # what the source's heading says: {criteria: n, total: "x"}


@dataclass(frozen=True)
class Issue:
    code: str  # the criterion concerned, "" for the whole set
    level: str  # error: cannot be scored as is; warning: a data problem to look at
    message: str
    field: str = ""  # CODE, MAX, RULE or STATED when the issue is about that part of the row


def parent_code(code: str, known: set[str]) -> str | None:
    """The longest proper prefix (by dotted parts) that is a known code."""
    parts = code.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:cut])
        if candidate in known:
            return candidate
    return None


def check_set(
    rows: Sequence[Row], max_total: Decimal | None = None, stated: Mapping[str, Any] | None = None
) -> list[Issue]:
    """Every problem of the rows in document order; `stated` is what the set's heading says
    ({criteria: n, total: "x"}), compared with the rows, never used instead of them."""
    issues: list[Issue] = []
    seen: set[str] = set()
    for row in rows:
        if row.code in seen:
            issues.append(Issue(row.code, ERROR, f"Mã “{row.code}” bị trùng.", CODE))
        seen.add(row.code)
        if not CODE_PATTERN.fullmatch(row.code):
            issues.append(Issue(row.code, ERROR, f"Mã “{row.code}” không đúng dạng (ví dụ 1, 1.2, 1.2.3).", CODE))

    by_code = {row.code: row for row in rows}
    children: dict[str | None, list[Row]] = {}
    for row in rows:
        children.setdefault(parent_code(row.code, set(by_code)), []).append(row)
    leaves = {code for code in by_code if not children.get(code)}

    for row in rows:
        kids = children.get(row.code, [])
        if row.max_points is None:
            issues.append(Issue(row.code, WARNING, "Chưa có điểm tối đa.", MAX))
        elif kids:
            issues.extend(_check_parent_sum(row, kids))
        if not kids and row.max_points is not None:
            issues.extend(_check_rule(row, leaves))
        elif kids and row.rule:
            issues.append(
                Issue(row.code, WARNING, "Tiêu chí có tiêu chí con nên quy tắc riêng của nó bị bỏ qua.", RULE)
            )
        if row.stated:
            issues.extend(_check_stated(row.code, row.stated, kids, row.max_points))

    for parent, kids in children.items():
        issues.extend(_check_numbering(parent, kids))

    tops = children.get(None, [])
    standard = [row for row in tops if row.area == STANDARD]
    if max_total is not None and all(row.max_points is not None for row in standard):
        total = sum((row.max_points for row in standard), ZERO)
        if total != max_total:
            what = "các lĩnh vực tính điểm chuẩn" if len(standard) < len(tops) else "các lĩnh vực"
            issues.append(
                Issue("", WARNING, f"Tổng điểm {what} là {fmt(total)}, khác tổng điểm công bố {fmt(max_total)}.")
            )
    if stated:
        second_level = [kid for top in tops for kid in children.get(top.code, [])]
        issues.extend(_check_stated("", stated, second_level, None, standard))
    return issues


def _check_stated(
    code: str, stated: Mapping[str, Any], kids: list[Row], own_max: Decimal | None, tops: list[Row] | None = None
) -> list[Issue]:
    """The counts and total a heading states against the rows: for an area its direct
    sub-criteria and its maximum; for the set the criteria under its areas and the sum of
    its standard areas."""
    issues, where = [], f"Tiêu chí “{code}”" if code else "Văn bản"
    count = stated.get("criteria")
    if count not in (None, "") and str(count).strip().isdigit() and int(str(count).strip()) != len(kids):
        what = "tiêu chí con" if code else "tiêu chí (dưới các lĩnh vực)"
        issues.append(
            Issue(code, WARNING, f"{where} nêu {int(str(count).strip())} {what}, bảng có {len(kids)}.", STATED)
        )
    total = _decimal_or_none(stated.get("total"))
    rows = tops if tops is not None else kids
    if total is not None and rows and all(row.max_points is not None for row in rows):
        actual = sum((row.max_points for row in rows), ZERO)
        if actual != total:
            what = "tổng điểm các tiêu chí con" if code else "tổng điểm các lĩnh vực tính điểm chuẩn"
            issues.append(Issue(code, WARNING, f"{where} nêu tổng {fmt(total)} điểm, {what} là {fmt(actual)}.", STATED))
    if code and total is not None and own_max is not None and own_max != total:
        issues.append(
            Issue(code, WARNING, f"{where} nêu tổng {fmt(total)} điểm, điểm tối đa ghi {fmt(own_max)}.", STATED)
        )
    return issues


def _decimal_or_none(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else to_decimal(value)
    except (InvalidOperation, ValueError):
        return None


def _check_parent_sum(row: Row, kids: list[Row]) -> list[Issue]:
    if any(kid.max_points is None for kid in kids):
        return []
    total = sum((kid.max_points for kid in kids), ZERO)
    if total == row.max_points:
        return []
    codes = ", ".join(kid.code for kid in kids)
    return [
        Issue(
            row.code,
            WARNING,
            f"Điểm tối đa {fmt(row.max_points)} khác tổng điểm tối đa các tiêu chí con ({codes}) là {fmt(total)}.",
            MAX,
        )
    ]


def _check_rule(row: Row, leaves: set[str]) -> list[Issue]:
    try:
        compiled = compile_rule(row.rule, row.max_points)
    except RuleError as error:
        return [Issue(row.code, ERROR, error.message, RULE)]
    # compiled.issues() already says when the rule can never reach (or can exceed) the maximum.
    issues = [Issue(row.code, WARNING, message, RULE) for message in compiled.issues()]
    # Only a scored criterion (a leaf, other than this one) has points to branch on.
    for code in sorted(compiled.depends_on() - (leaves - {row.code})):
        why = "không có trong bộ hoặc có tiêu chí con (không chấm trực tiếp)"
        if code == row.code:
            why = "chính tiêu chí này"
        issues.append(Issue(row.code, ERROR, f"Quy tắc dựa vào điểm của tiêu chí “{code}”: {why}.", RULE))
    return issues


def _check_numbering(parent: str | None, kids: list[Row]) -> list[Issue]:
    """Siblings numbered 1, 2, 3… (or I, II, III… or a, b, c…) with a hole (3.4.4 and 3.4.5
    without 3.4.1–3.4.3), and children that skip a level (7.3.3 directly under 7)."""
    issues, lasts = [], []
    expected_depth = parent.count(".") + 2 if parent else 1
    for kid in kids:
        if kid.code.count(".") + 1 > expected_depth:
            missing = ".".join(kid.code.split(".")[:-1])
            issues.append(Issue(kid.code, WARNING, f"Không có tiêu chí “{missing}” đứng trên “{kid.code}”.", CODE))
            continue
        lasts.append(kid.code.split(".")[-1])
    missing = missing_numbers(lasts)
    if missing:
        prefix = f"{parent}." if parent else ""
        listed = ", ".join(f"{prefix}{n}" for n in missing)
        issues.append(Issue(parent or "", WARNING, f"Đánh số bị thiếu: {listed}.", CODE))
    return issues


# --- numbering schemes -------------------------------------------------------------------

ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
LATIN = "abcdefghijklmnopqrstuvwxyz"
VIETNAMESE = "abcdđeghiklmnopqrstuvxy"  # how legal texts letter their points: a, b, c, d, đ, e, g…
CODE_PATTERN = re.compile(r"[0-9A-Za-zĐđ]+(\.[0-9A-Za-zĐđ]+)*")


def missing_numbers(labels: Sequence[str]) -> list[str]:
    """The labels missing before the highest one in the siblings' own numbering scheme:
    digits (1, 2, 4 → 3), Roman numerals (I, II, IV → III) or letters (a, b, d → c; with
    Vietnamese letters once đ appears). Mixed or unknown schemes report nothing."""
    if not labels:
        return []
    if all(label.isdigit() for label in labels):
        numbers = {int(label) for label in labels}
        return [str(n) for n in range(1, max(numbers) + 1) if n not in numbers]
    candidates = [c for c in (_roman_gaps(labels), _letter_gaps(labels)) if c is not None]
    return min(candidates, key=len) if candidates else []


def _roman_gaps(labels: Sequence[str]) -> list[str] | None:
    upper = {label.upper() for label in labels}
    if len({label.isupper() for label in labels}) > 1 or not all(u and ROMAN.fullmatch(u) for u in upper):
        return None
    values = {_roman_value(u) for u in upper}
    lower = labels[0].islower()
    return [_roman(n).lower() if lower else _roman(n) for n in range(1, max(values) + 1) if n not in values]


def _roman_value(text: str) -> int:
    total = 0
    for char, following in zip(text, [*text[1:], ""], strict=True):
        value = ROMAN_VALUES[char]
        total += -value if following and ROMAN_VALUES[following] > value else value
    return total


def _roman(number: int) -> str:
    parts = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
             (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
    text = ""
    for value, letters in parts:
        count, number = divmod(number, value)
        text += letters * count
    return text


def _letter_gaps(labels: Sequence[str]) -> list[str] | None:
    lowered = [label.lower() for label in labels]
    alphabet = VIETNAMESE if "đ" in lowered else LATIN
    if len({label.isupper() for label in labels}) > 1 or not all(len(x) == 1 and x in alphabet for x in lowered):
        return None
    last = max(alphabet.index(x) for x in lowered)
    upper = labels[0].isupper()
    return [c.upper() if upper else c for c in alphabet[: last + 1] if c not in lowered]
