"""A coordinator reads a criterion as the source writes it beside what the engine applies."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE


def test_the_official_wording_sits_beside_the_engines_worked_examples(login, page, shot):
    login("dn.chuyenvien")
    page.get_by_test_id("nav").get_by_role("link", name="Bộ tiêu chí").click()
    page.get_by_role("link", name=re.compile("Đồng Nai")).first.click()
    expect(page.get_by_test_id("set-rounding")).to_have_text("Làm tròn: không")
    page.get_by_role("link", name="Kết quả tham mưu triển khai Chỉ số cải cách hành chính cấp tỉnh hàng năm").click()
    expect(page.get_by_test_id("rule-text")).to_contain_text("Trừ từ 30% số điểm lĩnh vực trở lên: -3")
    expect(page.get_by_test_id("rule-range")).to_have_text("từ −3 đến 3")
    examples = page.get_by_test_id("rule-examples")
    expect(examples).to_contain_text("Đạt giai đoạn “Trừ từ 30% số điểm lĩnh vực trở lên” → −3 điểm")
    shot("criterion-rule-panel-desktop")
    page.set_viewport_size(PHONE)
    expect(examples).to_be_visible()
    shot("criterion-rule-panel-phone")
