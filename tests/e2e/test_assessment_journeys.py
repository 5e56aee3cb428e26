import re
from decimal import Decimal

from playwright.sync_api import expect

from parindex.assessments.models import Answer


def open_demo_assessment(page) -> None:
    page.get_by_test_id("nav").get_by_role("link", name="Tự đánh giá").click()
    page.get_by_test_id("rounds").get_by_role("link").first.click()
    page.get_by_test_id("ranking").get_by_role("link", name="Sở Công Thương tỉnh Đồng Nai", exact=True).click()


def test_a_unit_head_scores_a_criterion_with_live_points(login, page, shot, htmx_ready):
    login("dn.truongphong")
    open_demo_assessment(page)
    htmx_ready()
    page.get_by_test_id("sheet").get_by_role("link", name="Mức độ thực hiện kế hoạch CCHC").click()
    panel = page.get_by_test_id("answer-panel")
    panel.get_by_label("Tổng số nhiệm vụ theo kế hoạch CCHC").fill("20")
    panel.get_by_label("Số nhiệm vụ đã hoàn thành").fill("17")
    expect(page.locator("#live-result")).to_contain_text("2,55 / 3 điểm")
    panel.get_by_label(re.compile("Giải trình")).fill("Báo cáo số 15/BC-SCT")
    shot("assessment-answer-desktop")
    panel.get_by_role("button", name="Lưu tự chấm").click()
    expect(page.locator("#saved-result")).to_contain_text("Tỷ lệ 17/20 = 85,00 %")
    answer_row_cell = page.locator(
        f"#self-{Answer.objects.get(assessment__organization__code='dn-sct', criterion__code='1.1.2').criterion_id}"
    )
    expect(answer_row_cell).to_have_text("2,55")
    answer = Answer.objects.get(assessment__organization__code="dn-sct", criterion__code="1.1.2")
    assert answer.self_points == Decimal("2.55")  # exact, whatever the column's 4 places print
    page.set_viewport_size({"width": 390, "height": 844})
    shot("assessment-phone")


def test_a_leader_sees_the_index_move_in_what_if(login, page, shot, app):
    login("dn.vanphong")
    open_demo_assessment(page)
    page.get_by_role("link", name="Giả định").click()
    before = page.get_by_test_id("what-if-index").inner_text()
    page.get_by_label("Điểm giả định 8").fill("7")
    page.get_by_role("button", name="Tính lại").click()
    expect(page.get_by_test_id("what-if-index")).not_to_have_text(before)
    shot("assessment-what-if-desktop")


def test_a_second_person_saving_the_same_criterion_is_told_and_keeps_what_they_typed(login, page, htmx_ready):
    login("dn.truongphong")
    open_demo_assessment(page)
    htmx_ready()
    page.get_by_test_id("sheet").get_by_role("link", name="Mức độ thực hiện kế hoạch CCHC").click()
    panel = page.get_by_test_id("answer-panel")
    panel.get_by_label("Tổng số nhiệm vụ theo kế hoạch CCHC").fill("20")
    panel.get_by_label("Số nhiệm vụ đã hoàn thành").fill("19")
    panel.get_by_label(re.compile("Giải trình")).fill("Báo cáo số 15/BC-SCT")
    answer = Answer.objects.get(assessment__organization__code="dn-sct", criterion__code="1.1.2")
    Answer.objects.filter(pk=answer.pk).update(version=answer.version + 1)  # a colleague saved meanwhile
    panel.get_by_role("button", name="Lưu tự chấm").click()
    expect(panel.get_by_role("alert")).to_contain_text("Người khác vừa lưu tiêu chí này")
    expect(panel.get_by_label("Số nhiệm vụ đã hoàn thành")).to_have_value("19")
    assert Answer.objects.get(pk=answer.pk).self_points == answer.self_points
