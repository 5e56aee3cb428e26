"""The `## Worked examples` table of FORMAT.md scores as it says (its formula and condition rows)."""

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from parindex.engine.rules import evaluate

FORMAT = Path(__file__).resolve().parents[3] / "parindex" / "criteria" / "library" / "FORMAT.md"
SHAPES = {"formula", "condition"}


def worked_examples() -> list[dict[str, str]]:
    lines = FORMAT.read_text(encoding="utf-8").split("## Worked examples", 1)[1].splitlines()
    table = [line for line in lines if line.startswith("|")]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    rows = [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True)) for line in table[2:]]
    return [row for row in rows if row["shape"] in SHAPES]


def test_the_table_has_a_row_for_each_shape():
    assert {row["shape"] for row in worked_examples()} == SHAPES


@pytest.mark.parametrize("row", worked_examples(), ids=lambda row: f"{row['shape']}: {row['official wording'][:40]}")
def test_each_worked_example_gives_its_points(row):
    rule = json.loads(row["rule (JSON)"].strip("`"))
    result = evaluate(rule, json.loads(row["inputs (JSON)"].strip("`")), row.get("max") or "100")
    assert result.error is None
    assert result.points == D(row["points"])
