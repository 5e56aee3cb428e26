import re

from playwright.sync_api import expect

from parindex.organizations.models import Organization

INITIAL = "Ban#Dau2026"
OWN = "Cua#Rieng2026"
PHONE = {"width": 390, "height": 844}


def test_a_new_user_replaces_the_password_his_admin_chose_at_first_login(login, page, app, shot):
    login("admin")
    page.goto(f"{app}/nguoi-dung/them/")
    page.get_by_label("Tên đăng nhập").fill("moi")
    page.get_by_label("Họ và tên").fill("Trịnh Thị Mới")
    page.get_by_label("Mật khẩu ban đầu").fill(INITIAL)
    page.get_by_label("Cơ quan, đơn vị").select_option(str(Organization.objects.get(code="bp-stnmt-tt").pk))
    page.get_by_label("Vai trò").select_option("staff")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("alert").first).to_contain_text("phải đổi mật khẩu ở lần đăng nhập đầu tiên")
    expect(page.get_by_test_id("memberships")).to_contain_text("Chuyên viên")
    page.get_by_role("button", name="Đăng xuất").click()

    login("moi", INITIAL)
    expect(page).to_have_url(re.compile(r"/nguoi-dung/doi-mat-khau/$"))
    expect(page.get_by_test_id("must-change-password")).to_be_visible()
    page.goto(f"{app}/ke-hoach/viec-cua-toi/")
    expect(page).to_have_url(re.compile(r"/nguoi-dung/doi-mat-khau/$"))
    shot("password-change-forced-desktop")
    page.set_viewport_size(PHONE)
    shot("password-change-forced-phone")

    page.get_by_label("Mật khẩu hiện tại").fill(INITIAL)
    page.get_by_label(re.compile(r"^Mật khẩu mới")).fill(OWN)
    page.get_by_label("Nhập lại mật khẩu mới").fill(OWN)
    page.get_by_role("button", name="Đổi mật khẩu").click()
    expect(page.get_by_role("heading", name="Đã đổi mật khẩu")).to_be_visible()
    page.get_by_role("link", name="Về trang tổng quan").click()
    expect(page.get_by_role("heading", name="Tổng quan năm")).to_be_visible()


def test_a_user_finds_the_change_password_page_from_the_navigation(login, page, shot):
    login("chuyenvien")
    expect(page.get_by_role("heading", name="Tổng quan năm")).to_be_visible()
    page.get_by_test_id("current-user").click()
    expect(page.get_by_role("heading", name="Đổi mật khẩu")).to_be_visible()
    expect(page.get_by_test_id("must-change-password")).to_have_count(0)
    shot("password-change-desktop")
