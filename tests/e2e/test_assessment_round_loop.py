"""The whole loop of seed 000 item 4 on the seed 004 set: the unit scores and submits, the office
compiles, the appraisers flag two criteria, the unit explains, the appraisers finalize and
publish, and the ranking shows the department."""

import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from parindex.assessments import services
from parindex.assessments.models import Answer, Assessment
from parindex.criteria.models import Scoring
from parindex.organizations.models import Membership

DEPARTMENT = "Sở Công Thương tỉnh Đồng Nai"


def _other_units_done(assessment: Assessment, except_unit: str) -> None:
    """What the other units' heads did on their own screens: every criterion scored, then submitted."""
    for answer in Answer.objects.filter(assessment=assessment, self_points__isnull=True).select_related("criterion"):
        if answer.criterion.scoring == Scoring.SELF and answer.criterion.code != "1.1.2":
            answer.self_points, answer.justification = answer.criterion.max_points, "Báo cáo lưu tại đơn vị"
            answer.save()
    for unit_id, name in services.units_not_submitted(assessment):
        if name != except_unit:
            head = Membership.objects.filter(organization_id=unit_id, role="unit_head").first().user
            services.unit_submit(assessment=assessment, unit_id=unit_id, by=head, today=timezone.localdate())


def test_a_round_runs_from_self_scoring_to_the_published_ranking(page, login, shot, htmx_ready):
    assessment = Assessment.objects.get(organization__code="dn-sct")
    _other_units_done(assessment, except_unit="Văn phòng")

    def open_assessment(user: str) -> None:
        login(user)
        page.get_by_test_id("nav").get_by_role("link", name="Tự đánh giá").click()
        page.get_by_test_id("rounds").get_by_role("link").first.click()
        page.get_by_test_id("ranking").get_by_role("link", name=DEPARTMENT, exact=True).click()
        htmx_ready()

    def open_criterion(title: str):
        page.get_by_test_id("sheet").get_by_role("link", name=title).click()
        panel = page.get_by_test_id("answer-panel")
        expect(panel).to_contain_text(title)
        return panel

    def step(button: str, state: str) -> None:
        page.get_by_role("button", name=button).click()
        expect(page.get_by_test_id("state")).to_have_text(state)

    def confirmed_step(button: str, state: str, missing: str) -> None:
        """An irreversible step: its button opens the list of what is missing and a confirmation."""
        page.get_by_test_id("confirm-open").click()
        confirm = page.get_by_test_id("confirm-step")
        expect(confirm).to_be_visible()
        expect(confirm.get_by_test_id("missing")).to_contain_text(missing)
        confirm.get_by_role("checkbox").check()
        confirm.get_by_role("button", name=f"Xác nhận: {button.lower()}").click()
        expect(page.get_by_test_id("state")).to_have_text(state)

    def log_out() -> None:
        page.get_by_role("button", name="Đăng xuất").click()

    # The unit head scores the last criterion of the unit and submits the unit.
    open_assessment("dn.truongphong")
    panel = open_criterion("Mức độ thực hiện kế hoạch CCHC")
    panel.get_by_label("Tổng số nhiệm vụ theo kế hoạch CCHC").fill("20")
    panel.get_by_label("Số nhiệm vụ đã hoàn thành").fill("18")
    panel.get_by_label(re.compile("Giải trình")).fill("Báo cáo số 15/BC-SCT")
    panel.get_by_role("button", name="Lưu tự chấm").click()
    expect(page.locator("#saved-result")).to_contain_text("Tỷ lệ 18/20 = 90,00 %")
    page.get_by_role("button", name="Gửi kết quả của Văn phòng").click()
    expect(page.get_by_text("Văn phòng: đã gửi")).to_be_visible()
    log_out()

    # The office compiles and sends it to the appraisers.
    open_assessment("dn.vanphong")
    page.get_by_test_id("confirm-open").click()
    expect(page.get_by_test_id("confirm-step")).to_contain_text("Lĩnh vực điều tra xã hội học chưa có điểm")
    shot("assessment-confirm-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("assessment-confirm-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    confirmed_step("Gửi thẩm định", "Đã gửi thẩm định", "Lĩnh vực điều tra xã hội học chưa có điểm")
    log_out()

    # Round 1: the appraiser cuts and flags two criteria, then asks for explanations.
    open_assessment("dn.thamdinh")
    step("Bắt đầu thẩm định vòng 1", "Thẩm định vòng 1")
    for title, points in [("Mức độ thực hiện kế hoạch CCHC", "1,5"), ("Ban hành kế hoạch cải cách hành chính", "0")]:
        panel = open_criterion(title)
        panel.get_by_label("Điểm thẩm định").fill(points)
        panel.get_by_label("Ý kiến").fill("Thiếu tài liệu kiểm chứng")
        panel.get_by_label("Yêu cầu giải trình").check()
        panel.get_by_role("button", name="Lưu điểm thẩm định").click()
        expect(panel).to_contain_text("yêu cầu giải trình")
    expect(page.get_by_test_id("sheet").get_by_text("yêu cầu giải trình")).to_have_count(2)
    step("Gửi yêu cầu giải trình", "Giải trình")
    log_out()

    # The unit explains both flags.
    open_assessment("dn.truongphong")
    for title in ["Mức độ thực hiện kế hoạch CCHC", "Ban hành kế hoạch cải cách hành chính"]:
        panel = open_criterion(title)
        panel.get_by_label(re.compile(r"Giải trình \(hạn")).fill(
            "Bổ sung Báo cáo số 15/BC-SCT và Quyết định số 12/QĐ-SCT"
        )
        panel.get_by_role("button", name="Gửi giải trình").click()
        expect(panel).to_contain_text("Giải trình của đơn vị: Bổ sung Báo cáo số 15/BC-SCT")
    log_out()

    # Round 2: one explanation accepted; the result is finalized and published.
    open_assessment("dn.thamdinh")
    step("Bắt đầu thẩm định vòng 2", "Thẩm định vòng 2")
    panel = open_criterion("Mức độ thực hiện kế hoạch CCHC")
    panel.get_by_label("Điểm thẩm định").fill("2,7")
    panel.get_by_label("Ý kiến").fill("Chấp nhận giải trình")
    panel.get_by_role("button", name="Lưu điểm thẩm định").click()
    expect(panel).to_contain_text(re.compile(r"Thẩm định vòng 2:\s*2,7"))
    confirmed_step("Chốt kết quả", "Đã chốt kết quả", "Lĩnh vực điều tra xã hội học chưa có điểm")
    confirmed_step("Công bố", "Đã công bố", "Lĩnh vực điều tra xã hội học chưa có điểm")
    final_index = page.get_by_test_id("index-final").inner_text()
    shot("assessment-published-desktop")

    page.get_by_role("link", name=re.compile("Tự đánh giá Chỉ số CCHC năm 2019")).first.click()
    ranking = page.get_by_test_id("ranking")
    row = ranking.get_by_role("row").filter(has_text=DEPARTMENT)
    expect(row).to_contain_text("Đã công bố")
    expect(row).to_contain_text(final_index.split(" %")[0])
    expect(ranking.get_by_role("row")).to_have_count(4)  # header and three departments
    shot("round-results-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("round-results-phone")

    published = Answer.objects.get(assessment=assessment, criterion__code="1.1.2")
    assert (published.self_points, published.appraised_1, published.appraised_2) == (
        Decimal("2.7"),
        Decimal("1.5"),
        Decimal("2.7"),
    )
    assert published.reply.startswith("Bổ sung Báo cáo")
