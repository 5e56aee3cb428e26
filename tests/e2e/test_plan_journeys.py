import re

from django.utils import timezone
from playwright.sync_api import expect

from parindex.plans.models import ExtensionRequest, Plan

APPENDIX = (
    "STT\tNội dung\tThời gian thực hiện\tChủ trì\tPhối hợp\n"
    "I\tCÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\t\t\t\n"
    "1\tBáo cáo kết quả CCHC hằng tháng\tĐịnh kỳ vào ngày 25 hằng tháng\tPhòng Thanh tra\tVăn phòng Sở\n"
    "2\tKiểm tra công tác CCHC\tTrong quý IV năm {year}\tPhòng Thanh tra\tVPĐK\n"
)


def test_coordinator_imports_an_appendix_and_staff_work_on_it(login, page, shot, app):
    year = timezone.localdate().year
    login("vanphong")
    page.get_by_test_id("nav").get_by_role("link", name="Kế hoạch").click()
    page.get_by_role("link", name="Nhập phụ lục kế hoạch").click()
    page.get_by_label("Tên kế hoạch").fill("Kế hoạch thử nghiệm nhập phụ lục")
    page.get_by_label("Dán bảng phụ lục").fill(APPENDIX.format(year=year))
    page.get_by_role("button", name="Xem trước").click()
    preview = page.get_by_test_id("appendix-preview")
    expect(preview).to_contain_text("Báo cáo kết quả CCHC hằng tháng")
    expect(preview).to_contain_text("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH")
    page.get_by_label("Phối hợp: VPĐK").select_option(label="Văn phòng Đăng ký đất đai")
    shot("plan-import-preview-desktop")
    page.get_by_role("button", name=re.compile("Lưu kế hoạch")).click()
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu kế hoạch với 2 nhiệm vụ")
    expect(page.get_by_test_id("plan-tasks")).to_contain_text("VPĐKĐĐ")
    shot("plan-detail-desktop")
    plan = Plan.objects.get(title="Kế hoạch thử nghiệm nhập phụ lục")
    assert plan.tasks.get(number="1").occurrences.count() == 12
    page.get_by_role("button", name="Đăng xuất").click()

    login("chuyenvien")
    page.get_by_test_id("nav").get_by_role("link", name="Việc của tôi").click()
    expect(page.get_by_test_id("my-work")).to_contain_text("Báo cáo kết quả CCHC hằng tháng")
    shot("my-work-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("my-work-phone")
    for summary in page.locator("details:not([open]) > summary").all():  # long lists start folded
        summary.click()
    page.get_by_test_id("my-work").get_by_role("link", name=re.compile("Kiểm tra công tác CCHC")).first.click()
    page.get_by_label("Nội dung cập nhật").fill("Đã tổng hợp số liệu của các tổ")
    page.get_by_label("Tiến độ (%)").fill("50")
    page.get_by_role("button", name="Lưu cập nhật").click()
    expect(page.get_by_test_id("updates")).to_contain_text("Đã tổng hợp số liệu của các tổ")
    new_due = f"15/01/{year + 1}"
    page.get_by_label("Đề nghị gia hạn đến ngày").fill(new_due)
    page.get_by_label("Lý do").fill("Chờ số liệu của Văn phòng Đăng ký đất đai")
    page.get_by_role("button", name="Gửi đề nghị").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã gửi đề nghị gia hạn")
    shot("occurrence-phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Đăng xuất").click()

    login("vanphong")
    page.goto(f"{app}/ke-hoach/gia-han/")
    expect(page.get_by_test_id("extensions")).to_contain_text("Chờ số liệu")
    page.get_by_role("button", name="Đồng ý", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Đã đồng ý gia hạn")
    assert ExtensionRequest.objects.get().status == "approved"
