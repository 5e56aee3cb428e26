import io
import subprocess
import zipfile
from datetime import timedelta
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parindex.assessments import services
from parindex.assessments.models import Answer, Assessment, AssessmentRound, Evidence, State
from parindex.criteria.models import CriteriaSet
from parindex.organizations.models import Organization

pytestmark = pytest.mark.usefixtures("demo")
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def assessment():
    return Assessment.objects.select_related("round").get(
        round__title__startswith="Tự đánh giá Chỉ số CCHC năm 2019", organization__code="dn-sct"
    )


def ans(assessment, code):
    return Answer.objects.get(assessment=assessment, criterion__code=code)


def test_unit_staff_see_their_criteria_and_save_with_live_points(login_as, assessment):
    client = login_as("dn.truongphong")
    page = client.get(assessment.get_absolute_url()).content.decode()
    assert "Ban hành kế hoạch cải cách hành chính" in page  # 1.1.1 is led by Văn phòng
    a = ans(assessment, "1.1.2")
    live = client.post(reverse("assessments:answer_calculate", args=[a.pk]), {"a": "20", "b": "17"}).content.decode()
    assert "2,55 / 3 điểm" in live
    saved = client.post(
        reverse("assessments:answer_save", args=[a.pk]),
        {"a": "20", "b": "17", "version": a.version, "justification": "BC số 5"},
    ).content.decode()
    assert "Tỷ lệ 17/20 = 85,00 %" in saved
    assert ans(assessment, "1.1.2").self_points == Decimal("2.55")


def test_a_stale_form_gets_a_clear_message_and_keeps_what_was_typed(login_as, assessment):
    client = login_as("dn.vanphong")
    a = ans(assessment, "1.1.2")
    typed = {"justification": "Báo cáo số 12/BC", "version": a.version}
    client.post(reverse("assessments:answer_save", args=[a.pk]), {"a": "20", "b": "20", **typed})
    response = client.post(reverse("assessments:answer_save", args=[a.pk]), {"a": "20", "b": "18", **typed})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Người khác vừa lưu tiêu chí này" in html
    assert 'value="18"' in html
    assert ans(assessment, "1.1.2").self_points == 3


def test_a_unit_cannot_reach_another_units_criterion(login_as, assessment):
    vp = Organization.objects.get(code="dn-sct-vp").pk
    roles = services.effective_assignments(assessment.round.criteria_set)
    criterion_of_inspection = next(
        a for a in assessment.answers.order_by("criterion__position") if vp not in roles.get(a.criterion_id, {})
    )
    client = login_as("dn.truongphong")
    assert client.get(reverse("assessments:answer_panel", args=[criterion_of_inspection.pk])).status_code == 404
    response = client.post(reverse("assessments:answer_save", args=[criterion_of_inspection.pk]), {"version": 0})
    assert response.status_code == 404


def test_other_departments_cannot_see_the_assessment(login_as, assessment):
    for user in ("vanphong", "chuyenvien", "thamdinh"):
        assert login_as(user).get(assessment.get_absolute_url()).status_code == 404


def test_an_appraiser_cannot_edit_self_scores(login_as, assessment):
    a = ans(assessment, "1.1.2")
    response = login_as("dn.thamdinh").post(
        reverse("assessments:answer_save", args=[a.pk]), {"a": 20, "b": 20, "version": a.version}
    )
    assert response.status_code == 403


def test_staff_cannot_submit_the_unit_and_the_unit_head_can(login_as, assessment):
    vp = Organization.objects.get(code="dn-sct-vp").pk
    url = reverse("assessments:unit_submit", args=[assessment.pk, vp])
    assert login_as("dn.vanphong").post(url).status_code == 403  # staff of the unit (coordinator of the Sở)
    response = login_as("dn.truongphong").post(url, follow=True)
    assert "chưa chấm" in response.content.decode()


def test_only_the_appraiser_moves_appraisal_states(login_as, assessment):
    Assessment.objects.filter(pk=assessment.pk).update(state=State.SUBMITTED)
    url = reverse("assessments:transition", args=[assessment.pk])
    assert login_as("dn.vanphong").post(url, {"to": State.APPRAISAL_1}).status_code == 403
    login_as("dn.thamdinh").post(url, {"to": State.APPRAISAL_1})
    assert Assessment.objects.get(pk=assessment.pk).state == State.APPRAISAL_1
    login_as("dn.thamdinh").post(url, {"to": State.FINALIZED})
    assert Assessment.objects.get(pk=assessment.pk).state == State.APPRAISAL_1


def test_evidence_with_a_real_file_is_only_downloadable_by_those_who_may_see_it(login_as, assessment):
    client = login_as("dn.truongphong")
    criterion = ans(assessment, "1.1.1").criterion
    client.post(
        reverse("assessments:evidence_list", args=[assessment.pk]),
        {
            "number": "28/KH-SCT",
            "issued_on": "15/01/2019",
            "issuer": "Sở Công Thương",
            "title": "Kế hoạch CCHC 2019",
            "criteria": [criterion.pk],
            "files": SimpleUploadedFile("kh.pdf", PDF),
        },
    )
    evidence = Evidence.objects.get(number="28/KH-SCT")
    assert list(evidence.criteria.values_list("code", flat=True)) == ["1.1.1"]
    attachment = evidence.files.get()
    assert login_as("dn.thamdinh").get(reverse("assessments:evidence_file", args=[attachment.pk])).getvalue() == PDF
    assert login_as("chuyenvien").get(reverse("assessments:evidence_file", args=[attachment.pk])).status_code == 404


def evidence_post(client, assessment, **extra):
    data = {"number": "30/BC-SCT", "issuer": "Sở Công Thương", "title": "Báo cáo", "issued_on": "", **extra}
    return client.post(reverse("assessments:evidence_list", args=[assessment.pk]), data)


def test_evidence_needs_a_file_and_an_open_deadline(login_as, assessment):
    client = login_as("dn.truongphong")
    page = evidence_post(client, assessment).content.decode()
    assert "Hãy đính kèm ít nhất một tệp" in page
    assert "30/BC-SCT" in page  # what was typed is still there
    AssessmentRound.objects.filter(pk=assessment.round_id).update(closes_on=timezone.localdate() - timedelta(days=1))
    page = client.get(reverse("assessments:evidence_list", args=[assessment.pk])).content.decode()
    assert "Đã quá hạn tự đánh giá" in page
    assert "Thêm tài liệu" not in page
    late = evidence_post(client, assessment, files=SimpleUploadedFile("bc.pdf", PDF)).content.decode()
    assert "Đã quá hạn tự đánh giá" in late
    assert not Evidence.objects.filter(number="30/BC-SCT").exists()


def test_a_unit_links_evidence_only_to_its_own_criteria(login_as, assessment):
    client = login_as("dn.thanhtra")  # Thanh tra has no role on 9.1; it leads 3.1.2
    form = client.get(reverse("assessments:evidence_list", args=[assessment.pk])).context["form"]
    codes = {label.split(" ")[0] for _, label in form.fields["criteria"].choices}
    assert "3.1.2" in codes
    assert "9.1" not in codes
    other = ans(assessment, "9.1").criterion
    page = evidence_post(client, assessment, criteria=[other.pk], files=SimpleUploadedFile("bc.pdf", PDF))
    assert page.status_code == 200
    assert not Evidence.objects.filter(number="30/BC-SCT").exists()
    office = login_as("dn.vanphong").get(reverse("assessments:evidence_list", args=[assessment.pk])).context["form"]
    assert len(office.fields["criteria"].choices) == 67  # the office links to any criterion


def test_what_if_moves_the_index_without_saving(login_as, assessment):
    a = ans(assessment, "1.1.2")
    client = login_as("dn.vanphong")
    before = ans(assessment, "1.1.2").self_points
    url = reverse("assessments:what_if", args=[assessment.pk])
    page = client.get(url)
    start_index, start_rank = page.context["changed"].index(), page.context["rank"]
    assert start_rank == 3  # behind the two published departments of the demo round
    at_risk = page.context["at_risk"]
    full_marks = {f"c{row.criterion.pk}": str(row.criterion.max_points) for row in at_risk}
    moved = client.post(url, {**full_marks, f"c{a.criterion_id}": "7", "c999999": "1"})
    assert moved.context["changed"].index() > start_index
    assert moved.context["rank"] == 1
    assert "1.1.2: 7 ngoài khoảng 0 – 3" in moved.content.decode()  # refused, not clamped
    assert ans(assessment, "1.1.2").self_points == before


def test_exports_open_back(login_as, assessment, tmp_path):
    client = login_as("dn.vanphong")
    xlsx = client.get(reverse("assessments:assessment_export", args=[assessment.pk, "xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in sheet[3]][:6] == [
        "Mã",
        "Tiêu chí",
        "Điểm tối đa",
        "Tự chấm",
        "Thẩm định vòng 1",
        "Kết quả",
    ]
    word = docx.Document(
        io.BytesIO(client.get(reverse("assessments:assessment_export", args=[assessment.pk, "docx"])).content)
    )
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2019" in text
    assert word.styles["Normal"].font.name == "Times New Roman"
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in word.tables[0].rows[0].cells[1].text
    pdf = client.get(reverse("assessments:assessment_export", args=[assessment.pk, "pdf"])).content
    assert pdf.startswith(b"%PDF")
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC" in text
    package = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("assessments:assessment_export", args=[assessment.pk, "zip"])).content)
    )
    assert "danh-muc-tai-lieu-kiem-chung.xlsx" in package.namelist()


def test_opening_a_round_from_the_page(login_as):
    today = timezone.localdate()
    client = login_as("dn.vanphong")
    data = {
        "title": "Đợt 2",
        "year": today.year,
        "criteria_set": CriteriaSet.objects.get(code="dn-sct-2019").pk,
        "organizations": [Organization.objects.get(code="dn-sct").pk],
        "opens_on": today.strftime("%d/%m/%Y"),
        "closes_on": (today + timedelta(days=5)).strftime("%d/%m/%Y"),
        "explanation_deadline": (today - timedelta(days=1)).strftime("%d/%m/%Y"),
    }
    html = client.post(reverse("assessments:round_create"), data).content.decode()
    assert services.ERR_DATES in html
    assert not AssessmentRound.objects.filter(title="Đợt 2").exists()
    data["explanation_deadline"] = (today + timedelta(days=9)).strftime("%d/%m/%Y")
    assert client.post(reverse("assessments:round_create"), data).status_code == 302
    assert AssessmentRound.objects.get(title="Đợt 2").assessments.count() == 1


def test_the_demo_round_ranks_three_departments_reproducibly_from_the_exports(login_as, assessment):
    appraiser = login_as("dn.thamdinh")
    ranking = openpyxl.load_workbook(
        io.BytesIO(appraiser.get(reverse("assessments:round_export", args=[assessment.round_id])).content)
    ).active
    rows = [[c.value for c in line] for line in ranking.iter_rows(min_row=3)]
    assert [row[1] for row in rows] == [
        "Sở Xây dựng tỉnh Đồng Nai",
        "Sở Tài chính tỉnh Đồng Nai",
        "Sở Công Thương tỉnh Đồng Nai",
    ]
    assert [row[0] for row in rows] == [1, 2, 3]
    assert [row[2] for row in rows][:2] == ["Đã công bố", "Đã công bố"]

    published = Assessment.objects.get(round=assessment.round, organization__code="dn-sxd")
    book = openpyxl.load_workbook(
        io.BytesIO(appraiser.get(reverse("assessments:assessment_export", args=[published.pk, "xlsx"])).content)
    )
    scores = book["Tự đánh giá"]
    areas = [line for line in scores.iter_rows(min_row=4, values_only=True) if line[0] and "." not in str(line[0])]
    total = sum(Decimal(str(line[5])) for line in areas)  # the areas' results, as a person would add them
    how = {line[0]: line[1:] for line in book["Cách tính chỉ số"].iter_rows(min_row=2, values_only=True)}
    a, b, c = (Decimal(str(how[label][2])) for label in list(how)[:3])
    assert total == a
    by_hand = (a / (b - c) * 100).quantize(Decimal("0.01"))
    assert by_hand == Decimal(str(rows[0][3]))
    assert Answer.objects.filter(assessment=published, explanation_requested=True).exclude(reply="").count() == 2
    # A department sees its own result and the others' once published (a published index is public)...
    coordinator = login_as("dn.vanphong")
    seen = coordinator.get(reverse("assessments:round_detail", args=[assessment.round_id])).context["results"]
    assert sorted(r.assessment.organization.code for r in seen) == ["dn-sct", "dn-stc", "dn-sxd"]
    # ... never one still in appraisal, and the ranks are among what it sees.
    Assessment.objects.filter(pk=published.pk).update(state="finalized")
    seen = coordinator.get(reverse("assessments:round_detail", args=[assessment.round_id])).context["results"]
    assert [(r.assessment.organization.code, r.rank) for r in seen] == [("dn-stc", 1), ("dn-sct", 2)]


def test_before_appraisal_the_sheet_shows_self_scores_and_progress_not_a_result(login_as, assessment):
    page = login_as("dn.vanphong").get(assessment.get_absolute_url()).content.decode()
    scored = Answer.objects.filter(assessment=assessment, self_points__isnull=False).count()
    assert f"{scored}/67 tiêu chí" in page
    assert ">Vòng 1</th>" not in page
    assert 'data-testid="index-final"' not in page
    published = Assessment.objects.get(round=assessment.round, organization__code="dn-sxd")
    page = login_as("dn.thamdinh").get(published.get_absolute_url()).content.decode()
    assert ">Vòng 1</th>" in page
    assert 'data-testid="index-final"' in page


def test_the_live_points_of_a_criterion_that_branches_on_another_use_that_criterions_saved_points(login_as, assessment):
    criterion = assessment.round.criteria_set.criteria.get(code="1.1.2")
    criterion.rule = {
        "kind": "condition",
        "on": {"criterion": "1.1.1"},
        "branches": [{"when": {"above": "0"}, "rule": {"kind": "ratio_threshold", "threshold": "85"}}],
    }
    criterion.save()
    client = login_as("dn.truongphong")
    url = reverse("assessments:answer_calculate", args=[ans(assessment, "1.1.2").pk])
    Answer.objects.filter(assessment=assessment, criterion__code="1.1.1").update(self_points=1)
    assert "2,55 / 3 điểm" in client.post(url, {"muc_1__a": "20", "muc_1__b": "17"}).content.decode()
    Answer.objects.filter(assessment=assessment, criterion__code="1.1.1").update(self_points=None)
    assert "Chưa có điểm của tiêu chí 1.1.1." in client.post(url, {"muc_1__a": "20", "muc_1__b": "17"}).content.decode()
