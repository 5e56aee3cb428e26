"""The Excel template: a coordinator types a set in, and gets every problem by row and column."""

import io
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.criteria.document import read_yaml
from parindex.criteria.models import CriteriaSet
from parindex.criteria.spreadsheet import COLUMNS, GUIDE, SHEET, TABLE_ROW, read_workbook, where, write_workbook
from parindex.engine.criteria_check import check_set
from parindex.engine.rules import KINDS, compile_rule

LIBRARY = Path(__file__).resolve().parents[1] / "library"
COLUMN = {key: position for position, (key, _, _) in enumerate(COLUMNS, start=1)}


def book_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def saved(book) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def filled_template(**header):
    """The blank template with its header filled in, as a coordinator would start."""
    book = book_of(write_workbook())
    sheet = book[SHEET]
    values = {"A2": "thu-excel", "B2": "Bộ thử từ Excel", "C2": 2026, "E2": "bp-stnmt"} | header
    for cell, value in values.items():
        sheet[cell] = value
    return book


@pytest.mark.parametrize("name", ["dn-sct-2019", "bp-stnmt-2024", "province-2024"])
def test_a_demo_set_exported_to_the_template_and_read_back_is_identical(name):
    document = read_yaml((LIBRARY / f"{name}.yaml").read_text(encoding="utf-8"))
    book = book_of(write_workbook(document))  # the real file, opened as Excel would
    assert book.sheetnames[:2] == [SHEET, GUIDE]
    again = read_workbook(saved(book))
    assert again.issues == []
    assert again.header == document.header
    assert [(r.code, r.max_points, r.rule, r.area, r.signed) for r in again.rows] == [
        (r.code, r.max_points, r.rule, r.area, r.signed) for r in document.rows
    ]
    assert again.rows == document.rows


def test_the_blank_template_has_an_example_row_per_shape_dropdowns_and_a_frozen_header():
    book = book_of(write_workbook())
    sheet = book[SHEET]
    assert [c.value for c in sheet[TABLE_ROW]][:7] == [
        "Mã", "Tên tiêu chí", "Điểm tối đa", "Vùng điểm (chuẩn/thưởng/trừ)", "Cách chấm", "Loại quy tắc", "Tham số"
    ]  # fmt: skip
    assert sheet.freeze_panes == f"C{TABLE_ROW + 1}"
    kinds = {row[COLUMN["kind"] - 1] for row in sheet.iter_rows(min_row=TABLE_ROW + 1, values_only=True)}
    assert set(KINDS) <= kinds
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert {"D5", "E5", "F5"} <= validated  # area, scoring, kind
    guide = [row[0] for row in book[GUIDE].iter_rows(values_only=True) if row and row[0]]
    assert all(any(str(line).startswith(kind) for line in guide) for kind in KINDS)


def test_the_example_rows_import_with_only_the_missing_header_to_fill_in():
    document = read_workbook(write_workbook())
    assert {i.message for i in document.issues} == {
        "Thiếu thông tin bộ tiêu chí: mã bộ tiêu chí.",
        "Thiếu thông tin bộ tiêu chí: tên bộ tiêu chí.",
        "Thiếu thông tin bộ tiêu chí: năm.",
    }
    filled = read_workbook(saved(filled_template()))
    assert check_set([row.to_check_row() for row in filled.rows]) == []  # the examples teach no data error
    rules = [row.rule for row in filled.rows if row.rule]
    months = next(r for r in rules if r.get("measure") == "delay_months")
    assert months["bands"][1] == {"at_most": "2.5", "points": "0.5"}
    checklist = next(r for r in rules if r["kind"] == "checklist")
    assert checklist["items"][0] == {"key": "dung_han", "label": "Đúng thời hạn", "points": "0.5"}


def test_the_formula_condition_and_category_rows_are_typed_in_their_cell_and_score_as_written():
    sheet = book_of(write_workbook())[SHEET]
    cells = {row[COLUMN["kind"] - 1]: row[COLUMN["params"] - 1]
             for row in sheet.iter_rows(min_row=TABLE_ROW + 1, values_only=True)}  # fmt: skip
    assert cells["formula"].startswith("{")
    assert "ty_le / 80 * 6" in cells["formula"]
    assert cells["condition"].startswith("{")
    assert '"on": {"input": "ban_hanh"' in cells["condition"]
    assert cells["judgement"] == "[cai_tien] Cải tiến: tối đa 3\n[tien_phong] Tiên phong: tối đa 6"
    rows = {row.rule["kind"]: row for row in read_workbook(saved(filled_template())).rows if row.rule}
    score = lambda kind, inputs: compile_rule(rows[kind].rule, rows[kind].max_points).evaluate(inputs)  # noqa: E731
    assert score("formula", {"a": 10, "b": 7}).explanation.endswith("70 % / 80 % × 6 = 5,25 điểm")
    assert score("condition", {"ban_hanh": False}).points == 0
    assert score("condition", {"ban_hanh": True, "co": {"a": 10, "b": 9}}).points == D("0.5")
    assert score("judgement", {"category": "tien_phong", "points": 5}).explanation == "Tiên phong (tối đa 6): 5 điểm"
    guide = {str(row[0]).split("\n")[0]: row for row in book_of(write_workbook())[GUIDE].iter_rows(values_only=True)
             if row and row[0]}  # fmt: skip
    assert "biến ty_le = b/a × 100" in guide["formula"][2]
    assert "“branches”" in guide["condition"][2]
    assert guide["judgement"][2] == "(không bắt buộc) các dòng “[mã] Loại: tối đa điểm”"


@pytest.mark.usefixtures("demo")
def test_every_problem_is_reported_by_row_and_column():
    book = filled_template(J2="hai chữ số")
    sheet = book[SHEET]
    first = TABLE_ROW + 2  # row 6: the example 1.1
    sheet.cell(first, COLUMN["params"], "có: một")
    sheet.cell(first + 1, COLUMN["max"], "mười")
    sheet.cell(first + 2, COLUMN["kind"], "phép thuật")
    sheet.cell(first + 3, COLUMN["area"], "ngoài")
    document = read_workbook(saved(book))
    located = {(where(i, document), i.message) for i in document.issues}
    assert ("Dòng 6, cột “Tham số” (1.1)", "dòng 1 (“có: một”): “một” không phải là số (ví dụ 2 hoặc 0,5).") in located
    assert ("Dòng 7, cột “Điểm tối đa” (1.2)", "“mười” không phải là số.") in located
    assert any(place == "Dòng 8, cột “Loại quy tắc” (1.3)" for place, _ in located)
    assert any(place == "Dòng 9, cột “Vùng điểm (chuẩn/thưởng/trừ)” (1.4)" for place, _ in located)
    assert any(place == "Dòng 2, cột “Làm tròn”" for place, _ in located)


def test_the_header_reads_rounding_stated_counts_and_grading():
    book = filled_template(J2="2 chữ số thập phân, từng tiêu chí", K2=5, L2=100, M2="từ 90: Tốt\ncòn lại: Yếu")
    header = read_workbook(saved(book)).header
    assert header["rounding"] == {"decimals": 2, "at": "criterion"}
    assert header["stated"] == {"criteria": 5, "total": "100"}
    assert header["bands"] == [{"label": "Tốt", "at_least": "90"}, {"label": "Yếu"}]


@pytest.mark.usefixtures("demo")
def test_the_import_page_shows_the_files_problems_and_saves_nothing(login_as):
    book = filled_template()
    book[SHEET].cell(TABLE_ROW + 2, COLUMN["params"], "khoảng 90: 2")
    upload = SimpleUploadedFile("bo.xlsx", saved(book))
    client = login_as("vanphong")
    response = client.post(reverse("criteria:set_import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 6, cột “Tham số” (1.1)" in html
    assert client.post(reverse("criteria:set_import_confirm")).status_code == 200
    assert not CriteriaSet.objects.filter(code="thu-excel").exists()


@pytest.mark.usefixtures("demo")
def test_a_clean_template_is_saved_in_one_go(login_as):
    client = login_as("vanphong")
    client.post(reverse("criteria:set_import"), {"file": SimpleUploadedFile("bo.xlsx", saved(filled_template()))})
    assert client.post(reverse("criteria:set_import_confirm")).status_code == 302
    saved_set = CriteriaSet.objects.get(code="thu-excel")
    assert saved_set.criteria.get(code="1.2").rule["items"][1]["key"] == "noi_dung"


@pytest.mark.parametrize(("user", "status"), [("vanphong", 200), ("lanhdao", 403)])
@pytest.mark.usefixtures("demo")
def test_only_those_who_import_sets_download_the_template(login_as, user, status):
    response = login_as(user).get(reverse("criteria:set_template"))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"] == 'attachment; filename="mau-bo-tieu-chi.xlsx"'
        assert SHEET in book_of(response.content).sheetnames


@pytest.mark.usefixtures("demo")
def test_a_read_only_user_cannot_import_and_another_department_cannot_import_for_this_one(login_as):
    upload = SimpleUploadedFile("bo.xlsx", saved(filled_template()))
    assert login_as("lanhdao").post(reverse("criteria:set_import"), {"file": upload}).status_code == 403
    upload = SimpleUploadedFile("bo.xlsx", saved(filled_template()))
    client = login_as("dn.vanphong")
    html = client.post(reverse("criteria:set_import"), {"file": upload}).content.decode()
    assert "Bạn không được nhập bộ tiêu chí cho cơ quan “bp-stnmt”." in html
    client.post(reverse("criteria:set_import_confirm"))
    assert not CriteriaSet.objects.filter(code="thu-excel").exists()


def test_a_workbook_without_the_template_sheet_is_reported_not_raised():
    book = openpyxl.Workbook()
    book.active.title = "Trang 1"
    assert read_workbook(saved(book)).issues[0].message.startswith("Tệp không có trang “Bộ tiêu chí”")
    assert read_workbook(b"PK\x03\x04garbage").issues[0].message.startswith("Không đọc được tệp Excel")


def test_a_workbook_beyond_the_bounds_is_refused_before_anything_is_read():
    book = filled_template()
    sheet = book[SHEET]
    for n in range(1, 5002):
        sheet.append([f"9.{n}", "Dòng thừa", 1])
    document = read_workbook(saved(book))
    assert document.rows == []
    assert document.issues[0].message == (
        "Không đọc được tệp Excel (.xlsx): Bảng có hơn 5000 dòng, quá giới hạn một lần nhập; hãy chia thành nhiều lần."
    )
    wide = filled_template()
    wide[SHEET].cell(TABLE_ROW + 1, 31, "cột thừa")  # the template has 16 columns; 30 are read
    assert "cột" in read_workbook(saved(wide)).issues[0].message
