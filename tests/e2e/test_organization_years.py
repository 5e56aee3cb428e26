from playwright.sync_api import expect


def switch_year(page, year: int) -> None:
    page.get_by_label("Năm làm việc").select_option(str(year))
    expect(page.get_by_role("heading", name=f"năm {year}")).to_be_visible()


def test_a_rename_shows_from_its_year_and_the_past_tree_stays_as_it_was(login, page, shot):
    login("admin")
    page.get_by_test_id("nav").get_by_role("link", name="Cơ cấu tổ chức").click()
    switch_year(page, 2024)
    page.get_by_test_id("org-tree").get_by_role("link", name="Chi cục Quản lý đất đai").click()
    page.get_by_role("link", name="Đổi tên / trực thuộc").click()
    page.get_by_label("Tên mới").fill("Chi cục Quản lý đất đai và Đo đạc")
    page.get_by_label("Có hiệu lực từ năm").select_option("2025")
    page.get_by_label("Căn cứ").fill("Quyết định 15/QĐ-UBND ngày 02/01/2025")
    shot("org-rename-form-desktop")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("alert")).to_contain_text("từ năm 2025")
    expect(page.get_by_test_id("versions")).to_contain_text("Chi cục Quản lý đất đai và Đo đạc")

    page.get_by_test_id("nav").get_by_role("link", name="Cơ cấu tổ chức").click()
    tree = page.get_by_test_id("org-tree")
    expect(tree).to_contain_text("Chi cục Quản lý đất đai")
    expect(tree).not_to_contain_text("Đo đạc")
    expect(tree).to_contain_text("Sở Tài nguyên và Môi trường tỉnh Bình Phước")
    shot("org-tree-2024-desktop")

    switch_year(page, 2025)
    expect(tree).to_contain_text("Chi cục Quản lý đất đai và Đo đạc")
    expect(tree).to_contain_text("Sở Nông nghiệp và Môi trường tỉnh Bình Phước")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("org-tree-2025-phone")


def test_an_invalid_merge_is_refused_with_a_message_and_nothing_changes(login, page):
    login("admin")
    page.get_by_test_id("nav").get_by_role("link", name="Cơ cấu tổ chức").click()
    page.get_by_test_id("org-tree").get_by_role("link", name="Phòng Thanh tra").click()
    page.get_by_role("link", name="Sáp nhập").click()
    page.get_by_label("Sáp nhập vào").select_option(label="— Văn phòng Sở")
    page.get_by_label("Có hiệu lực từ năm").select_option("2019")
    page.get_by_label("Căn cứ").fill("Ghi chú người dùng đã gõ")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-danger")).to_contain_text("mới bắt đầu từ năm 2019")
    expect(page.get_by_label("Căn cứ")).to_have_value("Ghi chú người dùng đã gõ")
    page.get_by_test_id("nav").get_by_role("link", name="Cơ cấu tổ chức").click()
    switch_year(page, 2019)
    expect(page.get_by_test_id("org-tree")).to_contain_text("Phòng Thanh tra")
