from playwright.sync_api import expect

from parindex.surveys.models import Campaign

PHONE = {"width": 390, "height": 844}


def answer_all(page, level: str) -> None:
    for group in page.locator("fieldset").all():
        option = group.locator(f"input[type=radio][value='{level}']")
        if option.count():
            option.first.check(force=True)


def test_a_citizen_answers_on_a_phone_and_a_dossier_answers_once(page, app, shot):
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
    expect(page.get_by_role("alert")).to_contain_text("đã được đánh giá")
    shot("survey-twice-phone")
    assert campaign.responses.filter(dossier_code="000.00.12.H12-261120-0042").count() == 1


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
