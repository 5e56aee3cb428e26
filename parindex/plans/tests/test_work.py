import io
from datetime import date, timedelta

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.core.errors import ApplicationError
from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import ExtensionRequest, Occurrence, Plan, PlanKind, Task
from parindex.plans.selectors import my_work, plan_completion_ratio
from parindex.plans.services import PlanFields

pytestmark = pytest.mark.usefixtures("demo")
TODAY = date(2025, 6, 16)  # fixed, so the buckets do not depend on the day the suite runs
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def preview_token(client) -> str:
    """The one-time token the preview page puts in its form."""
    return client.session.get("plan_appendix", {}).get("token", "")


def make_plan(rule, *, unit="bp-stnmt-tt", year=None):
    year = year or TODAY.year
    plan = services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk,
            year=year,
            kind=PlanKind.ANNUAL,
            title="Kế hoạch thử",
        ),
    )
    task = Task.objects.create(plan=plan, position=1, number="1", content="Báo cáo thử", deadline_rule=rule)
    services.task_units_set(task=task, lead=[Organization.objects.get(code=unit).pk], coordinating=[])
    services.occurrences_generate(task=task, year=year)
    return plan, task


def due_in(days):
    return {"kind": "fixed", "date": (TODAY + timedelta(days=days)).isoformat()}


def test_the_import_previews_then_saves_atomically_with_occurrences(login_as):
    client = login_as("vanphong")
    text = (
        "STT\tNội dung\tThời gian\tChủ trì\tPhối hợp\n"
        "1\tBáo cáo CCHC định kỳ\tbáo cáo quý I, trước ngày 10/3; 6 tháng trước 10/6; quý III trước 10/9; năm trước 10/12\t"
        "Văn phòng Sở\tCác phòng, đơn vị thuộc Sở\n"
        "2\tKiểm tra CCHC\tQuý III/2025\tVPĐK\t\n"
    )
    form = {
        "organization_id": Organization.objects.get(code="bp-stnmt").pk,
        "year": 2025,
        "kind": "annual",
        "title": "KH thử 2025",
        "pasted": text,
    }
    assert client.post(reverse("plans:plan_import"), form).status_code == 302
    preview = client.get(reverse("plans:plan_import_preview")).content.decode()
    assert "Chủ trì: VPĐK" in preview
    assert not Plan.objects.filter(title="KH thử 2025").exists()
    vpdk = Organization.objects.get(code="bp-stnmt-vpdkdd").pk
    client.post(
        reverse("plans:plan_import_preview"),
        {"confirm": "1", "token": preview_token(client), "unit:Chủ trì: VPĐK": vpdk},
    )
    plan = Plan.objects.get(title="KH thử 2025")
    report, inspection = plan.tasks.order_by("position")
    assert report.occurrences.count() == 4
    assert inspection.units.get().organization_id == vpdk
    assert inspection.occurrences.get().due == date(2025, 9, 30)


def test_the_import_asks_for_something_to_read(login_as):
    response = login_as("vanphong").post(
        reverse("plans:plan_import"),
        {"organization_id": Organization.objects.get(code="bp-stnmt").pk, "year": 2025, "kind": "annual", "title": "X"},
    )
    assert "Hãy dán bảng phụ lục hoặc chọn một tệp DOCX / XLSX." in response.content.decode()


def test_my_work_sorts_occurrences_into_buckets():
    plan, _ = make_plan({"kind": "all", "rules": [due_in(-3), due_in(2), due_in(20), due_in(90)]})
    buckets = my_work(unit_ids={Organization.objects.get(code="bp-stnmt-tt").pk}, year=TODAY.year, today=TODAY)
    mine = {k: [r for r in rows if r.occurrence.task.plan_id == plan.pk] for k, rows in buckets.items()}
    assert [len(mine[k]) for k in ("overdue", "due_soon", "upcoming", "later")] == [1, 1, 1, 1]
    assert mine["overdue"][0].days_late == 3


def test_progress_with_a_real_file_and_the_file_is_only_for_those_who_may_see_it(login_as, client):
    _, task = make_plan(due_in(10))
    occurrence = task.occurrences.get()
    staff = login_as("chuyenvien")
    upload = SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")
    staff.post(
        reverse("plans:occurrence_progress", args=[occurrence.pk]),
        {"text": "Đã dự thảo", "percent": 60, "files": upload},
    )
    update = occurrence.updates.get()
    assert update.percent == 60
    attachment = update.files.get()
    assert staff.get(reverse("plans:progress_file", args=[attachment.pk])).getvalue() == PDF
    other = login_as("thamdinh")
    assert other.get(reverse("plans:progress_file", args=[attachment.pk])).status_code == 403


def test_a_file_whose_content_is_not_what_its_name_says_is_refused(login_as):
    _, task = make_plan(due_in(10))
    occurrence = task.occurrences.get()
    fake = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 not a pdf")
    html = (
        login_as("chuyenvien")
        .post(reverse("plans:occurrence_progress", args=[occurrence.pk]), {"text": "Thử", "percent": 10, "files": fake})
        .content.decode()
    )
    assert "không thuộc loại được nhận" in html
    assert "Thử</textarea>" in html
    assert not occurrence.updates.exists()


def test_mark_done_then_a_second_user_with_a_stale_page_is_told_not_overwritten():
    _, task = make_plan(due_in(-2))
    occurrence = task.occurrences.get()
    services.occurrence_mark_done(
        occurrence=occurrence, by=None, done_on=TODAY, product="CV 12", expected_version=0, today=TODAY
    )
    with pytest.raises(ApplicationError, match="đã được đánh dấu hoàn thành"):
        services.occurrence_mark_done(
            occurrence=occurrence, by=None, done_on=TODAY, product="CV 13", expected_version=0, today=TODAY
        )
    assert Occurrence.objects.get(pk=occurrence.pk).done_product == "CV 12"


def test_a_stale_version_is_refused_even_before_done():
    _, task = make_plan(due_in(5))
    occurrence = task.occurrences.get()
    services.progress_add(occurrence=occurrence, by=None, text="cập nhật", percent=30)
    with pytest.raises(ApplicationError, match="Người khác vừa cập nhật"):
        services.occurrence_mark_done(
            occurrence=occurrence, by=None, done_on=TODAY, product="x", expected_version=0, today=TODAY
        )


def test_extensions_only_before_the_due_date_and_decisions_are_kept():
    _, task = make_plan(due_in(5))
    occurrence = task.occurrences.get()
    with pytest.raises(ApplicationError, match="phải sau hạn hiện tại"):
        services.extension_request(occurrence=occurrence, by=None, new_due=TODAY, reason="x", today=TODAY)
    request = services.extension_request(
        occurrence=occurrence, by=None, new_due=TODAY + timedelta(days=15), reason="Chờ số liệu", today=TODAY
    )
    with pytest.raises(ApplicationError, match="chờ duyệt"):
        services.extension_request(
            occurrence=occurrence, by=None, new_due=TODAY + timedelta(days=20), reason="y", today=TODAY
        )
    services.extension_decide(request=request, by=None, approve=True, note="Đồng ý")
    assert Occurrence.objects.get(pk=occurrence.pk).due == TODAY + timedelta(days=15)
    with pytest.raises(ApplicationError, match="đã được xử lý"):
        services.extension_decide(request=request, by=None, approve=False)
    late = make_plan(due_in(-1))[1].occurrences.get()
    with pytest.raises(ApplicationError, match="trước khi đến hạn"):
        services.extension_request(occurrence=late, by=None, new_due=TODAY + timedelta(days=3), reason="z", today=TODAY)


def test_a_refused_extension_keeps_the_due_date(login_as):
    _, task = make_plan(due_in(5))
    occurrence = task.occurrences.get()
    request = services.extension_request(
        occurrence=occurrence, by=None, new_due=TODAY + timedelta(days=9), reason="r", today=TODAY
    )
    login_as("vanphong").post(
        reverse("plans:extension_decide", args=[request.pk]), {"decision": "refuse", "note": "Không"}
    )
    assert ExtensionRequest.objects.get(pk=request.pk).status == "refused"
    assert Occurrence.objects.get(pk=occurrence.pk).due == TODAY + timedelta(days=5)


def test_an_event_rule_gets_its_due_date_when_the_event_is_recorded():
    _, task = make_plan({"kind": "after_event", "days": 2, "working": True, "event": "văn bản trả lời PAKN"})
    occurrence = task.occurrences.get()
    assert occurrence.due is None
    services.occurrence_record_event(occurrence=occurrence, by=None, event_date=date(2024, 4, 26))
    assert Occurrence.objects.get(pk=occurrence.pk).due == date(2024, 5, 3)


def test_the_completion_ratio_feeds_the_engine():
    plan, task = make_plan({"kind": "all", "rules": [due_in(-10), due_in(-5), due_in(30)]})
    first = task.occurrences.order_by("due").first()
    services.occurrence_mark_done(
        occurrence=first, by=None, done_on=TODAY, product="x", expected_version=0, today=TODAY
    )
    assert plan_completion_ratio(plan=plan, today=TODAY) == (1, 2)


def test_exports_open_back_with_the_seed_columns(login_as):
    plan = Plan.objects.get(organization__code="bp-stnmt", year=2024)
    client = login_as("lanhdao")
    xlsx = client.get(reverse("plans:plan_export", args=[plan.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Kế hoạch"]
    assert [c.value for c in sheet[3]] == [
        "STT",
        "Nội dung",
        "Sản phẩm",
        "Thời gian thực hiện",
        "Chủ trì",
        "Phối hợp",
        "Tình trạng",
    ]
    word = docx.Document(io.BytesIO(client.get(reverse("plans:plan_export", args=[plan.pk, "docx"])).content))
    table = word.tables[0]
    assert [c.text for c in table.rows[0].cells][:6] == [
        "STT",
        "Nội dung",
        "Sản phẩm",
        "Thời gian thực hiện",
        "Chủ trì",
        "Phối hợp",
    ]
    assert len(table.rows) > plan.tasks.count()


def test_editing_a_task_rereads_its_timing_and_keeps_worked_occurrences(login_as):
    _, task = make_plan({"kind": "monthly", "day": 25}, year=2025)
    worked = task.occurrences.order_by("due").first()
    services.progress_add(occurrence=worked, by=None, text="đã làm", percent=40)
    tt = Organization.objects.get(code="bp-stnmt-tt").pk
    client = login_as("vanphong")
    form = {"content": "Báo cáo quý", "timing_text": "Ngày 18 của tháng cuối quý", "lead": [tt], "criteria_codes": ""}
    form["version"] = task.version
    assert client.post(reverse("plans:task_edit", args=[task.pk]), form).status_code == 302
    task.refresh_from_db()
    assert task.deadline_rule == {"kind": "quarterly", "day": 18, "month_of_quarter": 3}
    assert task.occurrences.filter(pk=worked.pk).exists()
    assert task.occurrences.exclude(pk=worked.pk).count() == 4


def test_editing_a_task_refuses_unreadable_timing_and_unknown_criteria_keeping_the_input(login_as):
    _, task = make_plan({"kind": "monthly", "day": 25}, year=2024)
    tt = Organization.objects.get(code="bp-stnmt-tt").pk
    client = login_as("vanphong")
    html = client.post(
        reverse("plans:task_edit", args=[task.pk]),
        {"content": "Nội dung mới", "timing_text": "lúc nào rảnh", "lead": [tt], "version": task.version},
    ).content.decode()
    assert "Không hiểu thời gian “lúc nào rảnh”" in html
    assert "Nội dung mới</textarea>" in html
    html = client.post(
        reverse("plans:task_edit", args=[task.pk]),
        {
            "content": "X",
            "timing_text": "Quý IV/2024",
            "lead": [tt],
            "criteria_codes": "1.1.1, 99.9",
            "version": task.version,
        },
    ).content.decode()
    assert "Bộ tiêu chí năm 2024 không có mã: 99.9." in html
    task.refresh_from_db()
    assert task.content == "Báo cáo thử"
