"""Issue 10, finding 3 (criteria sets were global) and the criteria part of finding 12.

On 6546012 Bình Phước's admin archived and nearly replaced Đồng Nai's active set, Bình Phước's
coordinator wrote unit assignments into it, and everyone read and exported every set.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from parindex.accounts.models import User
from parindex.core.errors import ApplicationError
from parindex.criteria import services
from parindex.criteria.document import read_yaml
from parindex.criteria.models import CriteriaSet, Criterion, CriterionAssignment, SetStatus
from parindex.organizations import services as org_services
from parindex.organizations.models import Membership, Organization

pytestmark = pytest.mark.usefixtures("demo")

DN_SET = "dn-sct-2019"  # Sở Công Thương Đồng Nai's; the demo round scores on it
DN_TITLE = "Sở Công Thương tỉnh Đồng Nai năm 2019"
PROVINCE_SET = "province-2024"  # Bình Phước's provincial list, issued to all its departments

OWN_SET = """
set: {{code: {code}, title: Bộ của Sở 2026, year: 2026{owner}}}
criteria:
  - {{code: "1", title: Lĩnh vực, max: "1", lead: [Văn phòng Sở]}}
  - {{code: "1.1", title: Con, max: "1", rule: {{kind: yes_no}}}}
"""


def yaml_file(code="bp-stnmt-2026", owner=", organization: bp-stnmt"):
    return SimpleUploadedFile(f"{code}.yaml", OWN_SET.format(code=code, owner=owner).encode())


def snapshot(code):
    criteria_set = CriteriaSet.objects.get(code=code)
    assignments = sorted(
        CriterionAssignment.objects.filter(criterion__criteria_set=criteria_set).values_list(
            "criterion_id", "organization_id", "role"
        )
    )
    return criteria_set.pk, criteria_set.status, criteria_set.criteria.count(), assignments


def superuser():
    return User.objects.create_superuser(username="goc", password="x", full_name="Quản trị gốc")


def user_with(username, code, role):
    user = User.objects.create_user(username=username, password="x", full_name=username)
    Membership.objects.create(user=user, organization=Organization.objects.get(code=code), role=role)
    return user


def snv_unit():
    """A unit of Bình Phước's Sở Nội vụ (the demo gives it none), with a coordinator of that department."""
    unit = org_services.organization_create(
        code="bp-snv-vp", kind="unit", name="Văn phòng Sở Nội vụ", parent=Organization.objects.get(code="bp-snv"),
        year=2019, by=None,
    )  # fmt: skip
    return unit, user_with("snv.dauMoi", "bp-snv", "coordinator")


# Reading: another province's sets are invisible.


def test_another_provinces_set_is_neither_listed_nor_readable_nor_exportable(login_as):
    client = login_as("chuyenvien")
    listing = client.get(reverse("criteria:set_list")).content.decode()
    assert DN_SET not in listing
    assert "bp-stnmt-2024" in listing
    assert PROVINCE_SET in listing
    assert client.get(reverse("criteria:set_detail", args=[DN_SET])).status_code == 404
    assert client.get(reverse("criteria:criterion_detail", args=[DN_SET, "1.1.2"])).status_code == 404
    for fmt in ("xlsx", "yaml"):
        assert client.get(reverse("criteria:set_export", args=[DN_SET, fmt])).status_code == 404
    diff = reverse("criteria:set_diff", args=["bp-stnmt-2024"]) + f"?so_voi={DN_SET}"
    assert client.get(diff).status_code == 404
    # Its owner still reads it.
    assert login_as("dn.chuyenvien").get(reverse("criteria:set_detail", args=[DN_SET])).status_code == 200


# Archive: the exploit and the refusal of archiving a set an open round uses.


def test_another_provinces_admin_cannot_archive_its_active_set(login_as):
    before = snapshot(DN_SET)
    response = login_as("admin").post(reverse("criteria:set_status", args=[DN_SET]), {"status": "archived"})
    assert response.status_code == 404
    assert snapshot(DN_SET) == before
    # Đồng Nai can still open a round on it.
    form = login_as("dn.vanphong").get(reverse("assessments:round_create")).content.decode()
    assert DN_TITLE in form


def test_archiving_a_set_an_open_round_uses_is_refused_with_a_message(client):
    client.force_login(superuser())
    before = snapshot(DN_SET)
    response = client.post(reverse("criteria:set_status", args=[DN_SET]), {"status": "archived"}, follow=True)
    assert response.status_code == 200
    assert "đang được dùng trong đợt đánh giá chưa kết thúc" in response.content.decode()
    assert snapshot(DN_SET) == before
    response = client.post(reverse("criteria:set_status", args=[DN_SET]), {"status": "draft"}, follow=True)
    assert "không chuyển về dự thảo được" in response.content.decode()
    assert snapshot(DN_SET) == before


# Replace: the exploit (draft, then import over it) and a set used by a round.


def test_another_provinces_admin_can_neither_reset_nor_replace_its_set(login_as):
    before = snapshot(DN_SET)
    client = login_as("admin")
    assert client.post(reverse("criteria:set_status", args=[DN_SET]), {"status": "draft"}).status_code == 404
    upload = yaml_file(code=DN_SET, owner="")
    preview = client.post(reverse("criteria:set_import"), {"file": upload, "replace": "on"}).content.decode()
    assert f"Đã có bộ tiêu chí mã “{DN_SET}”" in preview
    confirm = client.post(reverse("criteria:set_import_confirm"))
    assert confirm.status_code == 200
    assert snapshot(DN_SET) == before


def test_replacing_a_set_a_round_uses_answers_with_a_message_not_a_500(client):
    CriteriaSet.objects.filter(code=DN_SET).update(status=SetStatus.DRAFT)  # as an old database may hold it
    before = snapshot(DN_SET)
    client.force_login(superuser())
    upload = yaml_file(code=DN_SET, owner=", organization: dn-sct")
    preview = client.post(reverse("criteria:set_import"), {"file": upload, "replace": "on"}).content.decode()
    assert "đang được dùng trong đợt đánh giá" in preview
    confirm = client.post(reverse("criteria:set_import_confirm"))
    assert confirm.status_code == 200
    assert "không thể thay thế" in confirm.content.decode()
    assert snapshot(DN_SET) == before


# Assignments: per department, only by that department's coordinator/admin.


def test_another_provinces_coordinator_cannot_assign_his_units_in_its_set(login_as):
    before = snapshot(DN_SET)
    criterion = Criterion.objects.get(criteria_set__code=DN_SET, code="1.1.2")
    response = login_as("vanphong").post(
        reverse("criteria:assignment_update", args=[DN_SET]),
        {"criterion": criterion.pk, "unit": Organization.objects.get(code="bp-stnmt-tt").pk, "role": "lead"},
    )
    assert response.status_code == 404
    assert snapshot(DN_SET) == before
    assert login_as("vanphong").get(reverse("criteria:assignment_matrix", args=[DN_SET])).status_code == 404


def test_in_a_province_set_each_department_assigns_and_sees_only_its_own_units(client, login_as):
    _, snv_coordinator = snv_unit()
    criterion = Criterion.objects.get(criteria_set__code=PROVINCE_SET, code="1.1")
    bp_tt = Organization.objects.get(code="bp-stnmt-tt")
    url = reverse("criteria:assignment_update", args=[PROVINCE_SET])
    # Sở TN&MT's coordinator assigns his unit in the province's set …
    own = login_as("vanphong").post(url, {"criterion": criterion.pk, "unit": bp_tt.pk, "role": "lead"})
    assert own.status_code == 200
    assert CriterionAssignment.objects.filter(criterion=criterion, organization=bp_tt, role="lead").exists()
    # … and neither sees nor touches Sở Nội vụ's units, nor Sở Nội vụ his.
    matrix = login_as("vanphong").get(reverse("criteria:assignment_matrix", args=[PROVINCE_SET])).content.decode()
    assert "cell-1.1-bp-stnmt-tt" in matrix
    assert "bp-snv-vp" not in matrix
    client.force_login(snv_coordinator)
    matrix = client.get(reverse("criteria:assignment_matrix", args=[PROVINCE_SET])).content.decode()
    assert "cell-1.1-bp-snv-vp" in matrix
    assert "bp-stnmt-tt" not in matrix
    foreign = client.post(url, {"criterion": criterion.pk, "unit": bp_tt.pk, "role": ""})
    assert foreign.status_code == 400
    assert CriterionAssignment.objects.filter(criterion=criterion, organization=bp_tt, role="lead").exists()
    # Sở Nội vụ does not see Sở TN&MT's unit assignments in the set's page either.
    detail = client.get(reverse("criteria:set_detail", args=[PROVINCE_SET])).content.decode()
    assert "Phòng Thanh tra" not in detail
    # The province's set itself is read-only to both departments.
    for user in ("vanphong", "admin"):
        response = login_as(user).post(reverse("criteria:set_status", args=[PROVINCE_SET]), {"status": "archived"})
        assert response.status_code == 403
    assert CriteriaSet.objects.get(code=PROVINCE_SET).status == SetStatus.ACTIVE


def test_the_provinces_admin_manages_the_province_set(client):
    client.force_login(user_with("tinh.quantri", "bp", "admin"))
    response = client.post(reverse("criteria:set_status", args=[PROVINCE_SET]), {"status": "archived"})
    assert response.status_code == 302
    assert CriteriaSet.objects.get(code=PROVINCE_SET).status == SetStatus.ARCHIVED


# Import: a coordinator imports for his own department, and only for it.


def test_a_coordinator_imports_a_set_for_his_own_department(login_as):
    client = login_as("vanphong")
    preview = client.post(reverse("criteria:set_import"), {"file": yaml_file(owner="")}).content.decode()
    assert "0 lỗi" in preview
    assert client.post(reverse("criteria:set_import_confirm")).status_code == 302
    saved = CriteriaSet.objects.get(code="bp-stnmt-2026")
    assert saved.organization.code == "bp-stnmt"
    assert saved.criteria.count() == 2
    assert CriterionAssignment.objects.filter(criterion__criteria_set=saved, organization__code="bp-stnmt-vp").exists()
    # He manages it: he may change its status.
    client.post(reverse("criteria:set_status", args=["bp-stnmt-2026"]), {"status": "active"})
    assert CriteriaSet.objects.get(code="bp-stnmt-2026").status == SetStatus.ACTIVE


@pytest.mark.parametrize(
    ("username", "owner"), [("vanphong", "dn-sct"), ("vanphong", "bp"), ("vanphong", "bp-snv"), ("admin", "dn-sct")]
)
def test_nobody_imports_a_set_for_an_organization_he_does_not_manage(login_as, username, owner):
    client = login_as(username)
    upload = yaml_file(owner=f", organization: {owner}")
    preview = client.post(reverse("criteria:set_import"), {"file": upload}).content.decode()
    assert f"Bạn không được nhập bộ tiêu chí cho cơ quan “{owner}”." in preview
    assert client.post(reverse("criteria:set_import_confirm")).status_code == 200
    assert not CriteriaSet.objects.filter(code="bp-stnmt-2026").exists()


# Services refuse by themselves (management command, future API).


def test_the_services_refuse_a_user_of_another_province_or_department():
    admin = User.objects.get(username="admin")
    dn_set = CriteriaSet.objects.get(code=DN_SET)
    before = snapshot(DN_SET)
    with pytest.raises(ApplicationError, match=re.escape(services.ERR_SET_NOT_FOUND)):
        services.criteria_set_set_status(criteria_set=dn_set, status=SetStatus.ARCHIVED, by=admin)
    with pytest.raises(ApplicationError, match=re.escape(services.ERR_SET_NOT_FOUND)):
        services.criteria_set_clone(source=dn_set, year=2020, code="dn-sct-2020", by=admin)
    with pytest.raises(ApplicationError, match=re.escape(services.ERR_SET_NOT_FOUND)):
        services.assignment_set(
            criterion=dn_set.criteria.get(code="1.1.2"),
            organization=Organization.objects.get(code="dn-sct-vp"),
            role="lead",
            by=User.objects.get(username="vanphong"),
        )
    province = CriteriaSet.objects.get(code=PROVINCE_SET)
    with pytest.raises(ApplicationError, match=re.escape(services.ERR_NOT_OWNER)):
        services.criteria_set_set_status(criteria_set=province, status=SetStatus.ARCHIVED, by=admin)
    # A unit of another department in the province's set.
    with pytest.raises(ApplicationError, match=re.escape(services.ERR_ASSIGN_FORBIDDEN)):
        services.assignment_set(
            criterion=province.criteria.get(code="1.1"),
            organization=Organization.objects.get(code="bp-stnmt-tt"),
            role="lead",
            by=snv_unit()[1],
        )
    plan = services.criteria_set_plan_import(document=read_yaml(OWN_SET.format(code=DN_SET, owner="")), by=admin,
                                             replace=True)  # fmt: skip
    assert any(issue.message == services.ERR_SET_EXISTS.format(code=DN_SET) for issue in plan.errors)
    foreign = services.criteria_set_plan_import(
        document=read_yaml(OWN_SET.format(code="x-2026", owner=", organization: dn-sct")), by=admin
    )
    foreign.issues = []  # even a plan stripped of its errors is refused on saving
    with pytest.raises(ApplicationError, match=re.escape(services.ERR_OWNER_FORBIDDEN.format(code="dn-sct"))):
        services.criteria_set_import(plan=foreign, by=admin)
    assert snapshot(DN_SET) == before
    assert not CriterionAssignment.objects.filter(organization__code="bp-stnmt-tt", criterion__criteria_set=province)
    assert not CriteriaSet.objects.filter(code="x-2026").exists()


# Finding 12: a malformed assignment cell is a 400 with a message.


@pytest.mark.parametrize("criterion", ["abc", "99999999", "99999999999999999999999", "-1", "1.5", ""])
def test_a_malformed_criterion_on_the_assignment_cell_is_a_400(login_as, criterion):
    response = login_as("vanphong").post(
        reverse("criteria:assignment_update", args=["bp-stnmt-2024"]),
        {"criterion": criterion, "unit": Organization.objects.get(code="bp-stnmt-tt").pk, "role": "lead"},
    )
    assert response.status_code == 400
    assert "Tiêu chí không hợp lệ" in response.content.decode()


# Round creation offers only the sets the user may see and use.


def test_round_creation_offers_only_visible_active_sets(login_as):
    assert DN_TITLE not in login_as("admin").get(reverse("assessments:round_create")).content.decode()
    assert DN_TITLE in login_as("dn.vanphong").get(reverse("assessments:round_create")).content.decode()


def test_a_round_cannot_be_opened_on_another_provinces_set_even_by_a_direct_call():
    from datetime import date

    from parindex.assessments import services as assessment_services
    from parindex.assessments.models import AssessmentRound

    before = AssessmentRound.objects.count()
    with pytest.raises(ApplicationError, match=re.escape(assessment_services.ERR_ROUND_SET_NOT_USABLE)):
        assessment_services.round_open(
            criteria_set=CriteriaSet.objects.get(code=DN_SET), year=2024, title="Trên bộ của tỉnh khác",
            opens_on=date(2024, 1, 1), closes_on=date(2024, 6, 30), explanation_deadline=date(2024, 7, 31),
            organization_ids=[Organization.objects.get(code="bp-stnmt").pk], by=User.objects.get(username="vanphong"),
            today=date(2024, 1, 2),
        )  # fmt: skip
    assert AssessmentRound.objects.count() == before
