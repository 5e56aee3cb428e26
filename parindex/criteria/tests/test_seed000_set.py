"""Seed 000 (`bp-stnmt-2024`) stored as its appendix assigns it: coordinating mentions, the
abbreviations and groups of the document, the official in brackets, the points in titles."""

from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.criteria import services
from parindex.criteria.document import read_yaml
from parindex.criteria.models import CriteriaSet, CriterionAssignment
from parindex.criteria.selectors import document_from_set
from parindex.organizations.models import Organization

pytestmark = pytest.mark.usefixtures("demo")

LIBRARY = Path(__file__).resolve().parents[1] / "library"

# The rows whose appendix names Văn phòng Sở under "Phối hợp" beside a lead group that includes it.
VP_COORDINATES = [
    "1.5.2",
    "1.6.1",
    "1.6.2",
    "1.6.3",
    "2.1.1",
    "2.1.2",
    "2.4",
    "2.5",
    "3.2.4",
    "3.3.1",
    "3.3.2",
    "3.4.1",
    "3.4.2",
    "3.4.3",
    "3.5.1",
    "4.4",
]
PUBLIC_SERVICE_UNITS = {"bp-stnmt-vpdkdd", "bp-stnmt-ttqt", "bp-stnmt-quy"}


def roles(code: str) -> dict[str, str]:
    """Unit code → role on criterion `code` of the demo set."""
    return {
        a.organization.code: a.role
        for a in CriterionAssignment.objects.filter(
            criterion__criteria_set__code="bp-stnmt-2024", criterion__code=code
        ).select_related("organization")
    }


def units_with(code: str, role: str) -> set[str]:
    return {unit for unit, r in roles(code).items() if r == role}


@pytest.mark.parametrize("code", VP_COORDINATES)
def test_van_phong_so_named_as_coordinating_coordinates_though_the_lead_group_includes_it(code):
    assert roles(code)["bp-stnmt-vp"] == "coordinating"
    assert "bp-stnmt-tt" in units_with(code, "lead")  # the rest of the group still leads


@pytest.mark.parametrize("code", ["7.3.3", "7.3.4", "7.3.5", "7.3.6", "8.2"])
def test_ccbvm_is_the_chi_cuc_bao_ve_moi_truong(code):
    assert roles(code)["bp-stnmt-ccbvmt"] == "lead"


@pytest.mark.parametrize("code", ["6.2.1", "6.2.2"])
def test_vpdk_is_the_van_phong_dang_ky_dat_dai(code):
    assert roles(code)["bp-stnmt-vpdkdd"] == "lead"


@pytest.mark.parametrize("code", ["5.1.2", "5.2.1"])
def test_cac_don_vi_su_nghiep_truc_thuoc_are_the_public_service_units(code):
    assert units_with(code, "lead") == PUBLIC_SERVICE_UNITS
    assert units_with(code, "coordinating") == {"bp-stnmt-vp"}


def test_7_3_6_one_stop_desk_at_province_and_district_level_is_the_departments_desk():
    assert roles("7.3.6")["bp-stnmt-motcua"] == "coordinating"


def test_nothing_of_the_set_is_left_unresolved():
    criteria = CriteriaSet.objects.get(code="bp-stnmt-2024").criteria.all()
    assert [
        (c.code, c.unresolved_lead, c.unresolved_coordinating)
        for c in criteria
        if c.unresolved_lead or c.unresolved_coordinating
    ] == []


def test_6_1_1_is_led_by_van_phong_so_with_thieu_thi_nga_in_charge():
    assignment = CriterionAssignment.objects.get(criterion__criteria_set__code="bp-stnmt-2024", criterion__code="6.1.1")
    assert (assignment.organization.code, assignment.role, assignment.responsible) == (
        "bp-stnmt-vp",
        "lead",
        "Thiều Thị Nga",
    )


def test_the_official_shows_on_the_criterion_and_in_the_assignment_matrix(login_as):
    client = login_as("vanphong")
    page = client.get(reverse("criteria:criterion_detail", args=["bp-stnmt-2024", "6.1.1"])).content.decode()
    assert "VP (Thiều Thị Nga)" in page
    matrix = client.get(reverse("criteria:assignment_matrix", args=["bp-stnmt-2024"]))
    assert matrix.status_code == 200
    cell = matrix.content.decode().split('data-testid="cell-6.1.1-bp-stnmt-vp"')[1].split("</td>")[0]
    assert 'title="Người phụ trách: Thiều Thị Nga"' in cell
    assert ">CT<i" in cell


def test_an_export_writes_the_official_back_as_the_source_wrote_it():
    criteria_set = CriteriaSet.objects.get(code="bp-stnmt-2024")
    rows = {r.code: r for r in document_from_set(criteria_set=criteria_set).rows}
    assert rows["6.1.1"].lead == ["Văn phòng Sở (Thiều Thị Nga)"]


@pytest.mark.parametrize(("code", "points"), [("3.3", D(1)), ("6.2", D(5)), ("7.3.3", D(2))])
def test_points_stated_in_titles_are_the_maximum(code, points):
    assert CriteriaSet.objects.get(code="bp-stnmt-2024").criteria.get(code=code).max_points == points


def test_with_no_unit_typed_the_import_says_how_the_public_service_group_will_resolve():
    Organization.objects.filter(code__startswith="bp-stnmt-").update(unit_type="", updated_at=timezone.now())
    document = read_yaml((LIBRARY / "bp-stnmt-2024.yaml").read_text(encoding="utf-8"))
    document.header["code"] = "bp-stnmt-2024-lai"
    plan = services.criteria_set_plan_import(document=document, by=None)
    assert (
        "5.1.2",
        "Không xác định được đơn vị “Các đơn vị sự nghiệp trực thuộc” (bp-stnmt; chưa có đơn vị nào thuộc loại "
        "“Đơn vị sự nghiệp”: hãy chọn “Loại đơn vị” của các đơn vị ở trang Cơ cấu tổ chức); "
        "giữ nguyên văn ở: 5.1.2, 5.2.1.",
    ) in [(i.code, i.message) for i in plan.warnings]
