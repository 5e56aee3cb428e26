from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from parindex.surveys.models import Campaign

PHONE = {"width": 390, "height": 844}


def answer_all(page, level: str) -> None:
    for group in page.locator("fieldset").all():
        option = group.locator(f"input[type=radio][value='{level}']")
        if option.count():
            option.first.check(force=True)


def test_a_citizen_answers_on_a_phone_and_a_second_answer_for_a_dossier_waits_for_review(page, app, shot):
    page.set_viewport_size(PHONE)
    campaign = Campaign.objects.filter(organization__code="bp-stnmt").order_by("starts_on").last()
    point = campaign.points.order_by("name").first()
    page.goto(f"{app}{point.get_public_url()}")
    expect(page.get_by_role("heading", name="Ông/bà hài lòng thế nào?")).to_be_visible()
    shot("survey-form-phone")
    answer_all(page, "5")
    page.get_by_label("Mã hồ sơ").fill("000.00.12.H12-261120-0042")
    page.get_by_label("Góp ý của ông/bà").fill("Cán bộ nhiệt tình")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_role("heading", name="Cảm ơn ông/bà!")).to_be_visible()
    shot("survey-thanks-phone")
    assert campaign.responses.filter(dossier_code="000.00.12.H12-261120-0042").count() == 1

    page.goto(f"{app}{point.get_public_url()}")
    answer_all(page, "4")
    page.get_by_label("Mã hồ sơ").fill("000.00.12.H12-261120-0042")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_test_id("held-note")).to_contain_text("cán bộ sẽ xem xét")
    shot("survey-twice-phone")
    answers = campaign.responses.filter(dossier_code="000.00.12.H12-261120-0042")
    assert [a.held for a in answers.order_by("pk")] == [False, True]  # both kept, the later not counted yet


def test_the_coordinator_sees_the_index_and_trend_against_the_target(login, page, shot):
    login("vanphong")
    page.get_by_test_id("nav").get_by_role("link", name="Khảo sát").click()
    page.get_by_test_id("campaigns").get_by_role("link").first.click()
    expect(page.get_by_test_id("sipas")).to_contain_text("%")
    expect(page.get_by_test_id("elements")).to_contain_text("Tiếp cận dịch vụ")
    page.wait_for_timeout(300)  # let Chart.js draw before the screenshot
    shot("survey-results-desktop")


def test_the_dashboard_shows_satisfaction_against_the_target(login, page, shot):
    login("lanhdao")
    card = page.get_by_test_id("dashboard-sipas")
    expect(card).to_contain_text("SIPAS")
    expect(card).to_contain_text("Tiếp cận dịch vụ")
    expect(card).to_contain_text("chỉ tiêu 87 %")
    page.wait_for_timeout(300)
    shot("dashboard-sipas-desktop")


def test_the_coordinator_receives_a_paper_batch_types_it_and_sees_the_paper_share(login, page, app, shot):
    campaign = Campaign.objects.filter(organization__code="bp-stnmt").order_by("starts_on").last()
    point = campaign.points.order_by("name").first()
    login("vanphong")
    page.goto(f"{app}/khao-sat/diem/{point.pk}/phieu-giay/")
    page.get_by_label("Số phiếu nhận được").fill("2")
    page.get_by_label("Người thu phiếu (họ tên, đơn vị)").fill("Trần Thị Hoa (Văn phòng Sở)")
    received = max(campaign.starts_on, timezone.localdate() - timedelta(days=1))
    page.get_by_label("Ngày nhận lô phiếu").fill(received.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Tạo lô và nhập phiếu").click()
    expect(page.get_by_role("heading", name="Lô phiếu giấy nhận ngày")).to_be_visible()
    for number in (1, 2):
        expect(page.get_by_text(f"Phiếu thứ {number} / 2")).to_be_visible()
        for option in page.locator("input[type=radio][value='4']").all():
            option.check()
        page.get_by_role("button", name="Lưu phiếu").click()
    expect(page.get_by_text("Đã nhập đủ 2 phiếu của lô.")).to_be_visible()
    shot("survey-paper-batch-desktop")
    page.set_viewport_size(PHONE)
    shot("survey-paper-batch-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Lý do loại").fill("Phiếu do chính đơn vị được đánh giá thu")
    page.get_by_role("button", name="Loại cả lô").click()
    expect(page.get_by_test_id("batch-excluded")).to_contain_text("Phiếu do chính đơn vị được đánh giá thu")
    page.goto(f"{app}{campaign.get_absolute_url()}")
    expect(page.get_by_test_id("paper-share")).to_contain_text("phiếu giấy")
    expect(page.get_by_test_id("campaign-batches")).to_contain_text("đã loại")
    page.wait_for_timeout(300)
    shot("survey-results-paper-share-desktop")
    page.set_viewport_size(PHONE)
    shot("survey-results-paper-share-phone")
