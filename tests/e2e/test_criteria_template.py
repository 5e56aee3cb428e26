import openpyxl
from playwright.sync_api import expect

from parindex.criteria.models import CriteriaSet

PHONE = {"width": 390, "height": 844}


def test_a_template_typed_in_with_mistakes_shows_each_by_row_and_column(login, page, shot, tmp_path):
    login("vanphong")
    page.get_by_test_id("nav").get_by_role("link", name="Bộ tiêu chí").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải mẫu Excel").click()
    path = tmp_path / "mau.xlsx"
    download_info.value.save_as(path)

    book = openpyxl.load_workbook(path)  # the coordinator fills the header and mistypes three cells
    sheet = book["Bộ tiêu chí"]
    sheet["A2"], sheet["B2"], sheet["C2"], sheet["J2"] = "thu-excel", "Bộ thử", 2026, "hai chữ số"
    sheet["G6"], sheet["C7"], sheet["F8"] = "có: một", "mười", "phép thuật"
    book.save(path)

    page.get_by_role("link", name="Nhập từ Excel").click()
    expect(page.get_by_role("link", name="Tải mẫu Excel")).to_be_visible()
    shot("criteria-import-upload-desktop")
    page.get_by_label("Tệp bộ tiêu chí").set_input_files(str(path))
    page.get_by_role("button", name="Xem trước").click()
    report = page.get_by_test_id("validation-report")
    expect(report).to_contain_text("Dòng 6, cột “Tham số” (1.1)")
    expect(report).to_contain_text("Dòng 7, cột “Điểm tối đa” (1.2)")
    expect(report).to_contain_text("Dòng 2, cột “Làm tròn”")
    expect(page.get_by_role("button", name="Lưu bộ tiêu chí")).to_have_count(0)
    page.set_viewport_size({"width": 1366, "height": 800})
    shot("criteria-template-errors-desktop")
    page.set_viewport_size(PHONE)
    shot("criteria-template-errors-phone")
    assert not CriteriaSet.objects.filter(code="thu-excel").exists()
