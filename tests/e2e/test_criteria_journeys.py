import re

import openpyxl
from playwright.sync_api import expect

from parindex.criteria.models import CriteriaSet, CriterionAssignment
from parindex.criteria.selectors import document_from_set


def test_an_assignment_edited_in_the_matrix_survives_export_and_reimport(login, page, shot, tmp_path, htmx_ready):
    login("admin")
    page.get_by_test_id("nav").get_by_role("link", name="Bộ tiêu chí").click()
    page.get_by_role("link", name=re.compile("Bình Phước")).first.click()
    page.get_by_role("link", name="Phân công").click()
    htmx_ready()
    cell = page.get_by_test_id("cell-1.1.2-bp-stnmt-tt")
    expect(cell).to_have_text("")
    cell.click()  # the cell holds a letter; the page's one picker opens in it, with the cell's test id
    expect(cell).to_have_value("")
    with page.expect_response(lambda response: "/phan-cong/luu/" in response.url) as saved:
        cell.select_option("lead")
    assert saved.value.status == 200, saved.value.text()
    expect(page.get_by_test_id("cell-1.1.2-bp-stnmt-tt")).to_have_class(re.compile("is-valid"))
    shot("criteria-assignment-matrix-desktop")
    assert CriterionAssignment.objects.filter(
        criterion__criteria_set__code="bp-stnmt-2024", criterion__code="1.1.2", organization__code="bp-stnmt-tt",
        role="lead",
    ).exists()  # fmt: skip

    page.get_by_role("link", name="bp-stnmt-2024").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Xuất Excel").click()
    exported = tmp_path / "export.xlsx"
    download_info.value.save_as(exported)

    book = openpyxl.load_workbook(exported)  # a user saving a copy under a new code
    book["Bộ tiêu chí"]["A2"] = "bp-stnmt-2024-ban-sao"  # the header's first value: Mã bộ tiêu chí
    book.save(exported)

    page.goto(page.url.split("/bo-tieu-chi/")[0] + "/bo-tieu-chi/nhap/")
    page.get_by_label("Tệp bộ tiêu chí").set_input_files(str(exported))
    page.get_by_role("button", name="Xem trước").click()
    report = page.get_by_test_id("validation-report")
    expect(report).to_contain_text("0 lỗi")
    shot("criteria-import-preview-desktop")
    page.get_by_role("button", name="Lưu bộ tiêu chí").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu bộ tiêu chí")

    original = document_from_set(criteria_set=CriteriaSet.objects.get(code="bp-stnmt-2024"))
    copy = document_from_set(criteria_set=CriteriaSet.objects.get(code="bp-stnmt-2024-ban-sao"))
    assert copy.rows == original.rows
    assert any(row.code == "1.1.2" and "Phòng Thanh tra" in row.lead for row in copy.rows)


def test_the_calculator_shows_points_and_the_explanation_as_one_types(login, page, shot, htmx_ready):
    login("dn.chuyenvien")
    page.get_by_test_id("nav").get_by_role("link", name="Bộ tiêu chí").click()
    page.get_by_role("link", name=re.compile("Đồng Nai")).first.click()
    page.get_by_role("link", name="Mức độ thực hiện kế hoạch CCHC").click()
    htmx_ready()
    page.get_by_label("Tổng số").fill("20")
    page.get_by_label("Số nhiệm vụ đã hoàn thành").fill("17")
    result = page.get_by_test_id("calc-result")
    expect(result).to_contain_text("2,55 / 3 điểm")
    expect(result).to_contain_text("Tỷ lệ 17/20 = 85,00 % ≥ 85 % → 85,00 % × 3 = 2,55 điểm")
    page.get_by_label("Số nhiệm vụ đã hoàn thành").fill("25")
    expect(result).to_contain_text("không được lớn hơn tổng số")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_label("Số nhiệm vụ đã hoàn thành").fill("16")
    expect(result).to_contain_text("80,00 % < 85 % → 0 điểm")
    shot("criteria-calculator-phone")
