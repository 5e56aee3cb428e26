"""Checks of a criteria set as typed or imported: every problem is reported, none is fixed.

Input rows are plain data in document order; the output is a list of `Issue`s for the
validation report shown before anything is saved."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from parindex.engine.errors import RuleError
from parindex.engine.numbers import ZERO, fmt
from parindex.engine.rules import compile_rule

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Row:
    code: str
    max_points: Decimal | None
    rule: Mapping[str, Any] | None = None
    signed: bool = False


@dataclass(frozen=True)
class Issue:
    code: str  # the criterion concerned, "" for the whole set
    level: str  # error: cannot be scored as is; warning: a data problem to look at
    message: str


def parent_code(code: str, known: set[str]) -> str | None:
    """The longest proper prefix (by dotted parts) that is a known code."""
    parts = code.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        candidate = ".".join(parts[:cut])
        if candidate in known:
            return candidate
    return None


def check_set(rows: Sequence[Row], max_total: Decimal | None = None) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[str] = set()
    for row in rows:
        if row.code in seen:
            issues.append(Issue(row.code, ERROR, f"Mã “{row.code}” bị trùng."))
        seen.add(row.code)
        if not re.fullmatch(r"[0-9A-Za-z]+(\.[0-9A-Za-z]+)*", row.code):
            issues.append(Issue(row.code, ERROR, f"Mã “{row.code}” không đúng dạng (ví dụ 1, 1.2, 1.2.3)."))

    by_code = {row.code: row for row in rows}
    children: dict[str | None, list[Row]] = {}
    for row in rows:
        children.setdefault(parent_code(row.code, set(by_code)), []).append(row)

    for row in rows:
        kids = children.get(row.code, [])
        if row.max_points is None:
            issues.append(Issue(row.code, WARNING, "Chưa có điểm tối đa."))
        elif kids:
            issues.extend(_check_parent_sum(row, kids))
        if not kids and row.max_points is not None:
            issues.extend(_check_rule(row, leaves={code for code in by_code if not children.get(code)}))
        elif kids and row.rule:
            issues.append(Issue(row.code, WARNING, "Tiêu chí có tiêu chí con nên quy tắc riêng của nó bị bỏ qua."))

    for parent, kids in children.items():
        issues.extend(_check_numbering(parent, kids))

    if max_total is not None:
        tops = children.get(None, [])
        if all(row.max_points is not None for row in tops):
            total = sum((row.max_points for row in tops), ZERO)
            if total != max_total:
                issues.append(
                    Issue(
                        "", WARNING, f"Tổng điểm các lĩnh vực là {fmt(total)}, khác tổng điểm công bố {fmt(max_total)}."
                    )
                )
    return issues


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
        )
    ]


def _check_rule(row: Row, leaves: set[str]) -> list[Issue]:
    try:
        compiled = compile_rule(row.rule, row.max_points)
    except RuleError as error:
        return [Issue(row.code, ERROR, error.message)]
    issues = [Issue(row.code, WARNING, message) for message in compiled.issues()]
    # Only a scored criterion (a leaf, other than this one) has points to branch on.
    for code in sorted(compiled.depends_on() - (leaves - {row.code})):
        why = "không có trong bộ hoặc có tiêu chí con (không chấm trực tiếp)"
        if code == row.code:
            why = "chính tiêu chí này"
        issues.append(Issue(row.code, ERROR, f"Quy tắc dựa vào điểm của tiêu chí “{code}”: {why}."))
    return issues


def _check_numbering(parent: str | None, kids: list[Row]) -> list[Issue]:
    """Siblings numbered 1, 2, 3… with a hole (3.4.4 and 3.4.5 without 3.4.1–3.4.3), and
    children that skip a level (7.3.3 directly under 7)."""
    issues, numbers = [], []
    expected_depth = parent.count(".") + 2 if parent else 1
    for kid in kids:
        if kid.code.count(".") + 1 > expected_depth:
            missing = ".".join(kid.code.split(".")[:-1])
            issues.append(Issue(kid.code, WARNING, f"Không có tiêu chí “{missing}” đứng trên “{kid.code}”."))
            continue
        last = kid.code.split(".")[-1]
        if last.isdigit():
            numbers.append(int(last))
    missing_numbers = sorted(set(range(1, max(numbers, default=0) + 1)) - set(numbers))
    if missing_numbers:
        prefix = f"{parent}." if parent else ""
        listed = ", ".join(f"{prefix}{n}" for n in missing_numbers)
        issues.append(Issue(parent or "", WARNING, f"Đánh số bị thiếu: {listed}."))
    return issues
