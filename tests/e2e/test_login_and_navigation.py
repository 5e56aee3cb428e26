import re

import pytest
from playwright.sync_api import expect

from parindex.core.demo_data import USER_BY_ROLE as PERSONAS

NAV_BY_ROLE = {
    "admin": [
        "Tổng quan",
        "Kế hoạch",
        "Tự đánh giá",
        "Khảo sát",
        "Bộ tiêu chí",
        "Cơ cấu tổ chức",
        "Người dùng",
        "Nhật ký thay đổi",
    ],
    "coordinator": [
        "Tổng quan",
        "Việc của tôi",
        "Kế hoạch",
        "Tự đánh giá",
        "Khảo sát",
        "Bộ tiêu chí",
        "Cơ cấu tổ chức",
    ],
    "leader": ["Tổng quan", "Kế hoạch", "Tự đánh giá", "Khảo sát", "Bộ tiêu chí", "Cơ cấu tổ chức"],
    "unit_head": ["Tổng quan", "Việc của tôi", "Tự đánh giá", "Khảo sát", "Bộ tiêu chí"],
    "staff": ["Tổng quan", "Việc của tôi", "Tự đánh giá", "Khảo sát", "Bộ tiêu chí"],
    "appraiser": ["Tổng quan", "Tự đánh giá", "Bộ tiêu chí", "Đơn vị thẩm định"],
}


@pytest.mark.parametrize("role", list(PERSONAS))
def test_each_role_sees_only_its_navigation(login, page, shot, role):
    login(PERSONAS[role])
    expect(page.get_by_role("heading", name="Tổng quan năm")).to_be_visible()
    nav = page.get_by_test_id("nav").get_by_role("link")
    expect(nav).to_have_count(len(NAV_BY_ROLE[role]))
    assert [text.strip() for text in nav.all_inner_texts()] == NAV_BY_ROLE[role]
    shot(f"dashboard-{role}-desktop")
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def test_a_wrong_password_shows_a_clear_message_and_keeps_the_username(login, page, shot):
    login("vanphong", "mat-khau-sai")
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("vanphong")
    shot("login-wrong-password")


def test_the_navigation_collapses_on_a_phone(login, page, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    login("admin")
    users_link = page.get_by_test_id("nav").get_by_role("link", name="Người dùng")
    expect(users_link).to_be_hidden()
    page.get_by_role("button", name="Mở menu").click()
    expect(users_link).to_be_visible()
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    shot("dashboard-admin-phone-menu")
    users_link.click()
    expect(page.get_by_role("heading", name="Người dùng")).to_be_visible()
    shot("users-admin-phone")
