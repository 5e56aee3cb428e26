"""Reading and writing criteria documents, and the seed sets transcribed into library/."""

from decimal import Decimal as D
from pathlib import Path

import pytest

from parindex.criteria.document import read_yaml, write_yaml
from parindex.criteria.spreadsheet import read_workbook, write_workbook
from parindex.engine.criteria_check import ERROR, check_set
from parindex.engine.rules import compile_rule

LIBRARY = Path(__file__).resolve().parents[1] / "library"


def load(name):
    return read_yaml((LIBRARY / f"{name}.yaml").read_text(encoding="utf-8"))


def report(document):
    return document.issues + check_set([r.to_check_row() for r in document.rows], document.header["max_total"])


@pytest.mark.parametrize("name", ["dn-sct-2019", "bp-stnmt-2024", "province-2024"])
def test_every_seed_set_reads_without_errors_and_round_trips(name):
    document = load(name)
    assert [i for i in report(document) if i.level == ERROR] == []
    for again in (read_yaml(write_yaml(document)), read_workbook(write_workbook(document))):
        assert again.header == document.header
        assert again.rows == document.rows


def test_seed_004_totals_100_with_its_bonus_and_survey_areas():
    document = load("dn-sct-2019")
    areas = {r.code: r for r in document.rows if "." not in r.code}
    assert sorted(areas, key=int) == [str(i) for i in range(1, 11)]
    assert sum(r.max_points for r in areas.values()) == 100
    assert areas["9"].signed
    assert areas["9"].max_points == 3
    assert areas["10"].max_points == D("12.5")
    assert {r.scoring for r in document.rows if r.code.startswith("10.")} == {"survey"}


def test_seed_004_data_errors_show_in_the_report_exactly_as_the_source_has_them():
    messages = {(i.code, i.message) for i in report(load("dn-sct-2019"))}
    assert ("8", "Quy tắc có thể cho 8 điểm, vượt điểm tối đa 7.") in messages
    assert ("9", "Điểm tối đa 3 khác tổng điểm tối đa các tiêu chí con (9.1, 9.2) là 6.") in messages
    assert ("2.3", "Đánh số bị thiếu: 2.3.2.") in messages


def test_seed_004_area_8_keeps_the_sources_hole_and_the_report_names_it():
    document = load("dn-sct-2019")
    messages = {(i.code, i.level, i.message) for i in report(document)}
    assert ("8", "warning", "Không có mức điểm cho giá trị từ 2 đến 6 (số sáng kiến), được 0 điểm.") in messages
    # "Tăng: +1; giảm: −1" says nothing of an unchanged PAPI score: reported, scored by the otherwise band.
    assert ("9.2.2", "warning", "Không có mức điểm cho giá trị đúng 0, rơi vào mức còn lại (0 điểm).") in messages
    area_8 = next(row for row in document.rows if row.code == "8")
    three = compile_rule(area_8.rule, area_8.max_points).evaluate({"value": 3})
    assert (three.points, three.explanation) == (0, "Số lượng 3: không đạt mức nào → 0 điểm")


def test_seed_003_keeps_its_numbering_gaps():
    messages = {(i.code, i.message) for i in report(load("province-2024"))}
    assert ("3.4", "Đánh số bị thiếu: 3.4.1, 3.4.2, 3.4.3.") in messages


def test_seed_000_keeps_the_units_as_written():
    rows = {r.code: r for r in load("bp-stnmt-2024").rows}
    assert rows["1.1.1"].lead == ["Văn phòng Sở"]
    assert "VPĐKĐĐ" in rows["1.1.1"].coordinating


def test_a_broken_yaml_file_is_reported_not_raised():
    document = read_yaml("set: [unclosed")
    assert document.rows == []
    assert document.issues[0].message.startswith("Tệp không phải YAML hợp lệ")


def test_bad_rows_are_kept_and_reported_one_by_one():
    document = read_yaml(
        """
set: {code: x, title: X, year: 2025}
criteria:
  - {code: "1", title: A, max: "mười"}
  - {title: B, max: "1"}
  - {code: "2", title: C, max: "1", scoring: robot}
"""
    )
    assert len(document.rows) == 3
    assert [(i.code, i.message) for i in document.issues] == [
        ("1", "Điểm tối đa “mười” không phải là số."),
        ("dòng 2", "Dòng 2 thiếu mã tiêu chí."),
        ("2", "Cách chấm “robot” không hợp lệ (self, survey hoặc appraiser)."),
    ]


def test_a_file_that_is_not_excel_is_reported():
    assert read_workbook(b"not a zip").issues[0].message.startswith("Không đọc được tệp Excel")
