"""Under the strict Content-Security-Policy the pages still work: charts draw from json_script
data, the confirmation and dismiss buttons and the year switch run from app.js, and no page of
the navigation (nor the Django admin) logs a violation (the autouse fixture fails on one)."""

from __future__ import annotations

from playwright.sync_api import expect

from parindex.accounts.models import User


def test_sipas_trend_charts_draw_under_the_policy(login, page):
    login("lanhdao")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('sipas-trend'))")
    page.get_by_test_id("nav").get_by_role("link", name="Khảo sát").click()
    page.get_by_test_id("campaigns").get_by_role("link").first.click()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('trend'))")
    targets = page.evaluate("() => Chart.getChart(document.getElementById('trend')).data.datasets[1].data")
    assert targets
    assert all(value == 87 for value in targets)


def test_revoking_a_role_asks_first_and_a_no_keeps_it(login, page, app):
    login("admin")
    subject = User.objects.get(username="truongphong")
    before = subject.memberships.count()
    page.goto(f"{app}/nguoi-dung/{subject.pk}/")
    page.wait_for_load_state("load")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    # Wait for the question itself, however long a loaded machine takes to show it.
    with page.expect_event("dialog"):
        page.get_by_test_id("memberships").get_by_role("button", name="Thu hồi").first.click()
    assert messages == ["Thu hồi vai trò này?"]
    assert subject.memberships.count() == before


def test_every_page_of_the_navigation_loads_without_a_violation(login, page, app):
    for username in ["vanphong", "chuyenvien", "thamdinh", "admin"]:  # admin last: the calendar page below
        page.context.clear_cookies()
        login(username)
        links = page.get_by_test_id("nav").get_by_role("link")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        for href in hrefs:
            response = page.goto(f"{app}{href}")
            assert response.status < 400, href
            page.wait_for_load_state("load")
    page.goto(f"{app}/ke-hoach/lich-nghi/")
    expect(page.get_by_role("heading", name="Ngày nghỉ bù, làm bù")).to_be_visible()


def test_the_django_admin_works_under_the_policy(page, app, django_user_model):
    django_user_model.objects.create_superuser(username="goc-csp", password="Goc@2024-csp", email="")
    page.goto(f"{app}/django-admin/login/")
    page.fill("#id_username", "goc-csp")
    page.fill("#id_password", "Goc@2024-csp")
    page.click("input[type=submit]")
    expect(page.locator("#content")).to_be_visible()
    page.goto(f"{app}/django-admin/organizations/organization/add/")
    page.wait_for_load_state("load")
