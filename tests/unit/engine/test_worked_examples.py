"""The worked examples of FORMAT.md are a promise: every row scores as the table says."""

import json
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from parindex.engine.rules import KINDS, compile_rule

FORMAT = Path(__file__).resolve().parents[3] / "parindex" / "criteria" / "library" / "FORMAT.md"
SECTION = "## Worked examples"
SHAPES_OF_ISSUE_12 = {
    "bands", "comparison", "ratio_threshold", "stages", "late_penalty", "fixed_penalty", "formula", "condition",
}  # fmt: skip


def _cells(line: str) -> list[str]:
    # Split on pipes not written as \| ; the outer pipes leave an empty first and last piece.
    pieces = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [piece.strip().replace("\\|", "|").strip("`").strip() for piece in pieces]


def worked_examples(text: str) -> list[dict[str, str]]:
    """The rows of the first table after the section heading, keyed by the header's names."""
    after = text.split(SECTION, 1)[1]
    lines = [line for line in after.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.lstrip().startswith("|"):
            break
        table.append(line)
    header, rows = _cells(table[0]), table[2:]
    return [dict(zip(header, _cells(row), strict=True)) for row in rows]


ROWS = worked_examples(FORMAT.read_text(encoding="utf-8"))


def test_the_table_has_the_agreed_columns_and_a_row_per_shape():
    assert set(ROWS[0]) >= {"shape", "official wording", "rule (JSON)", "inputs (JSON)", "points"}
    assert {json.loads(row["rule (JSON)"])["kind"] for row in ROWS} >= SHAPES_OF_ISSUE_12
    assert all(json.loads(row["rule (JSON)"])["kind"] in KINDS for row in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}-{row['shape']}" for i, row in enumerate(ROWS)])
def test_each_worked_example_scores_as_the_table_says(row):
    rule = compile_rule(json.loads(row["rule (JSON)"]), row.get("max") or "0")
    result = rule.evaluate(json.loads(row["inputs (JSON)"]))
    assert result.error is None
    assert result.points == D(row["points"].replace("−", "-").replace(",", "."))


def test_the_reader_splits_escaped_pipes_and_backticks():
    text = f"{SECTION}\n\n| a | b |\n|---|---|\n| `x \\| y` | 2 |\n\nafter"
    assert worked_examples(text) == [{"a": "x | y", "b": "2"}]
