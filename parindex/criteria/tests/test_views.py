import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.criteria.models import CriteriaSet, CriterionAssignment
from parindex.organizations.models import Organization

pytestmark = pytest.mark.usefixtures("demo")

YAML = """
set: {code: thu-2026, title: Bộ thử 2026, year: 2026, organization: bp-stnmt}
criteria:
  - {code: "1", title: Lĩnh vực, max: "1", lead: [Văn phòng Sở]}
  - {code: "1.1", title: Con, max: "2", rule: {kind: yes_no}}
"""


def calc(client, criterion_code, data, set_code="dn-sct-2019"):
    url = reverse("criteria:criterion_calculate", args=[set_code, criterion_code])
    return client.post(url, data, HTTP_HX_REQUEST="true").content.decode()


def test_it_calculates_live_with_the_engines_explanation(login_as):
    html = calc(login_as("dn.chuyenvien"), "1.1.2", {"a": "20", "b": "17"})
    assert "2,55 / 3 điểm" in html
    assert "Tỷ lệ 17/20 = 85,00 % ≥ 85 % → 85,00 % × 3 = 2,55 điểm" in html
    assert "<html" not in html


def test_it_shows_a_clear_message_for_impossible_calculator_inputs(login_as):
    html = calc(login_as("dn.chuyenvien"), "1.1.2", {"a": "20", "b": "25"})
    assert "Số đã thực hiện (b = 25) không được lớn hơn tổng số (a = 20)." in html


def test_the_criterion_page_builds_its_form_from_the_rule(login_as):
    html = (
        login_as("dn.chuyenvien")
        .get(reverse("criteria:criterion_detail", args=["dn-sct-2019", "1.1.1"]))
        .content.decode()
    )
    assert 'name="ticked" value="on_time"' in html
    assert "Tính thử" in html


def test_the_tree_shows_decimal_commas_and_can_filter_to_my_unit(login_as):
    client = login_as("chuyenvien")
    html = client.get(reverse("criteria:set_detail", args=["bp-stnmt-2024"])).content.decode()
    assert "Kế hoạch CCHC" in html
    mine = client.get(reverse("criteria:set_detail", args=["bp-stnmt-2024"]) + "?cua_toi=1").content.decode()
    tt = Organization.objects.get(code="bp-stnmt-tt")
    assigned = set(CriterionAssignment.objects.filter(organization=tt).values_list("criterion__title", flat=True))
    assert assigned
    assert all(title in mine for title in list(assigned)[:3])
    assert mine.count("<tr") < html.count("<tr")
    dn = login_as("dn.chuyenvien").get(reverse("criteria:set_detail", args=["dn-sct-2019"])).content.decode()
    assert "0,5" in dn
    assert "10,5 đ" in dn


def test_the_import_previews_then_saves_only_on_confirmation(login_as):
    client = login_as("admin")
    upload = SimpleUploadedFile("bo-thu.yaml", YAML.encode(), content_type="application/x-yaml")
    preview = client.post(reverse("criteria:set_import"), {"file": upload}).content.decode()
    assert "Điểm tối đa 1 khác tổng điểm tối đa các tiêu chí con (1.1) là 2." in preview
    assert "<td>Có / không</td>" in preview  # the kind as a coordinator names it, not "yes_no"
    assert "yes_no" not in preview
    assert not CriteriaSet.objects.filter(code="thu-2026").exists()
    response = client.post(reverse("criteria:set_import_confirm"))
    assert response.status_code == 302
    assert CriteriaSet.objects.get(code="thu-2026").criteria.count() == 2


def test_the_import_refuses_a_file_with_errors_and_lists_them(login_as):
    client = login_as("admin")
    bad = YAML.replace("yes_no", "magic")
    client.post(reverse("criteria:set_import"), {"file": SimpleUploadedFile("x.yaml", bad.encode())})
    html = client.post(reverse("criteria:set_import_confirm")).content.decode()
    assert "Loại quy tắc “magic” không tồn tại" in html
    assert not CriteriaSet.objects.filter(code="thu-2026").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("bo.pdf", b"%PDF-1.4", "Chỉ nhận tệp .yaml, .yml hoặc .xlsx."), ("bo.xlsx", b"set: {}", "không khớp")],
)
def test_the_import_checks_file_type_and_content(login_as, name, content, message):
    html = login_as("admin").post(reverse("criteria:set_import"), {"file": SimpleUploadedFile(name, content)})
    assert message in html.content.decode()


def test_the_xlsx_export_opens_back_with_every_criterion(login_as):
    response = login_as("dn.truongphong").get(reverse("criteria:set_export", args=["dn-sct-2019", "xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="dn-sct-2019.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    codes = [row[0].value for row in book["Bộ tiêu chí"].iter_rows(min_row=5)]
    assert len(codes) == 91
    assert codes[:3] == ["1", "1.1", "1.1.1"]


def test_the_assignment_matrix_saves_a_cell_and_returns_only_the_cell(login_as):
    client = login_as("vanphong")
    criteria_set = CriteriaSet.objects.get(code="bp-stnmt-2024")
    criterion = criteria_set.criteria.get(code="1.1.2")
    unit = Organization.objects.get(code="bp-stnmt-tt")
    response = client.post(
        reverse("criteria:assignment_update", args=[criteria_set.code]),
        {"criterion": criterion.pk, "unit": unit.pk, "role": "lead"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "<select" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert CriterionAssignment.objects.get(criterion=criterion, organization=unit).role == "lead"


def test_the_matrix_refuses_a_unit_outside_the_coordinators_department(login_as):
    criteria_set = CriteriaSet.objects.get(code="bp-stnmt-2024")
    criterion = criteria_set.criteria.get(code="1.1.2")
    response = login_as("vanphong").post(
        reverse("criteria:assignment_update", args=[criteria_set.code]),
        {"criterion": criterion.pk, "unit": Organization.objects.get(code="dn-sct-vp").pk, "role": "lead"},
    )
    assert response.status_code == 400
    assert not CriterionAssignment.objects.filter(criterion=criterion, organization__code="dn-sct-vp").exists()


def test_an_admin_archives_a_set_and_a_bad_status_changes_nothing(login_as):
    client = login_as("admin")
    url = reverse("criteria:set_status", args=["bp-stnmt-2024"])
    client.post(url, {"status": "archived"})
    assert CriteriaSet.objects.get(code="bp-stnmt-2024").status == "archived"
    client.post(url, {"status": "deleted"})
    assert CriteriaSet.objects.get(code="bp-stnmt-2024").status == "archived"
