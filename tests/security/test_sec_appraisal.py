"""Issue 10, finding 2 (High): a department appraised itself.

Reproduced on 6546012: Bình Phước's `admin` gave himself the appraiser role at Văn phòng of his
own Sở, which then reached the whole province including his own Sở; he opened a round for Sở
Nội vụ itself and took his own Sở from submitted to published alone. Now appraisal comes only
from an appraising body, never reaches a department the appraiser belongs to nor an appraising
body, only the body's or the province's admin gives it, and a round never holds an appraising
body. The demo is two provinces, each department seeing and changing only its own.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from parindex.accounts.models import User
from parindex.assessments import services as assessment_services
from parindex.assessments.models import Assessment, AssessmentRound, State
from parindex.core.errors import ApplicationError
from parindex.criteria.models import CriteriaSet
from parindex.organizations import services
from parindex.organizations.access import access_for_user
from parindex.organizations.models import Membership, Organization
from parindex.organizations.permissions import Perm

pytestmark = pytest.mark.usefixtures("demo")

BP_SNV = "Sở Nội vụ tỉnh Bình Phước"


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def person(username: str) -> User:
    return User.objects.get(username=username)


def appraised_codes(username: str, year: int = 2024) -> set[str]:
    access = access_for_user(person(username), year)
    return {access.tree.nodes[i].code for i in access.org_ids_with(Perm.APPRAISE)}


def submitted_assessment(code: str) -> Assessment:
    """A round (opened by the system) with `code`'s assessment already submitted for appraisal."""
    assessment_round = assessment_services.round_open(
        criteria_set=CriteriaSet.objects.get(code="dn-sct-2019"), year=2024, title=f"Đợt thử {code}",
        opens_on=date(2024, 1, 1), closes_on=date(2024, 6, 30), explanation_deadline=date(2024, 7, 31),
        organization_ids=[org(code).pk], by=None, today=date(2024, 1, 2),
    )  # fmt: skip
    assessment = assessment_round.assessments.get()
    Assessment.objects.filter(pk=assessment.pk).update(state=State.SUBMITTED)
    return assessment


def move(client, assessment: Assessment, to: str):
    return client.post(reverse("assessments:transition", args=[assessment.pk]), {"to": to})


def appraised_list(client) -> str:
    response = client.get(reverse("organizations:appraised"))
    if response.status_code != 200:
        return f"<{response.status_code}>"
    page = response.content.decode()
    return page[page.index('data-testid="appraised-list"') :].split("</ul>")[0]


# Step 1 of the chain: the admin makes himself (or anyone) an appraiser inside his own Sở.


@pytest.mark.parametrize("subject", ["admin", "chuyenvien"])
def test_an_admin_cannot_give_the_appraiser_role_at_a_unit_of_his_own_department(login_as, subject):
    client = login_as("admin")
    response = client.post(
        reverse("accounts:membership_create", args=[person(subject).pk]),
        {"organization": org("bp-stnmt-vp").pk, "role": "appraiser"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(user__username=subject, role="appraiser").exists()
    assert services.ERR_APPRAISER_NOT_AT_BODY in [m.message for m in get_messages(response.wsgi_request)]


def test_a_department_admin_cannot_give_the_appraiser_role_at_sở_nội_vụ_either():
    with pytest.raises(ApplicationError) as refused:
        services.membership_add(
            user=person("chuyenvien"), organization=org("bp-snv"), role="appraiser", by=person("admin")
        )
    assert refused.value.message == services.ERR_NOT_USER_MANAGER.format(name=BP_SNV)
    assert not Membership.objects.filter(user__username="chuyenvien", role="appraiser").exists()


# Step 2: an appraiser membership already given at an ordinary unit (as the base allowed).


def test_an_appraiser_membership_at_an_ordinary_unit_reaches_nothing(login_as):
    Membership.objects.create(user=person("admin"), organization=org("bp-stnmt-vp"), role="appraiser")
    assessment = submitted_assessment("bp-stnmt")
    client = login_as("admin")

    assert client.get(reverse("organizations:appraised")).status_code == 403
    form = client.get(reverse("assessments:round_create")).content.decode()
    assert BP_SNV not in form  # only his own Sở is offered
    assert move(client, assessment, State.APPRAISAL_1).status_code == 403
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED
    assert appraised_codes("admin") == set()


# Step 3: a round for Sở Nội vụ itself.


def test_a_round_never_includes_an_appraising_body(login_as, django_user_model):
    before = AssessmentRound.objects.count()
    with pytest.raises(ApplicationError, match="là cơ quan thẩm định"):
        assessment_services.round_open(
            criteria_set=CriteriaSet.objects.get(code="dn-sct-2019"), year=2024, title="Có Sở Nội vụ",
            opens_on=date(2024, 1, 1), closes_on=date(2024, 6, 30), explanation_deadline=date(2024, 7, 31),
            organization_ids=[org("bp-stnmt").pk, org("bp-snv").pk], by=None, today=date(2024, 1, 2),
        )  # fmt: skip
    root = django_user_model.objects.create_superuser(username="root-a", password="x")
    client = login_as("root-a")
    form = client.get(reverse("assessments:round_create")).content.decode()
    assert BP_SNV not in form
    response = client.post(
        reverse("assessments:round_create"),
        {
            "title": "Có Sở Nội vụ", "year": 2024, "criteria_set": CriteriaSet.objects.get(code="dn-sct-2019").pk,
            "organizations": [org("bp-snv").pk], "opens_on": "01/01/2024", "closes_on": "30/06/2024",
            "explanation_deadline": "31/07/2024",
        },
    )  # fmt: skip
    assert response.status_code == 200  # the form again, nothing opened
    assert AssessmentRound.objects.count() == before
    assert root.is_superuser


def test_a_coordinator_opens_a_round_only_for_his_own_department():
    with pytest.raises(ApplicationError, match="không mở được đợt đánh giá cho"):
        assessment_services.round_open(
            criteria_set=CriteriaSet.objects.get(code="dn-sct-2019"), year=2024, title="Của người khác",
            opens_on=date(2024, 1, 1), closes_on=date(2024, 6, 30), explanation_deadline=date(2024, 7, 31),
            organization_ids=[org("dn-sct").pk], by=person("vanphong"), today=date(2024, 1, 2),
        )  # fmt: skip


# Whoever belongs to a department never appraises it; Sở Nội vụ never appraises itself.


def test_an_appraiser_who_is_also_a_member_of_a_department_cannot_appraise_it(login_as):
    Membership.objects.create(user=person("dn.thamdinh"), organization=org("dn-sct-vp"), role="staff")
    assessment = Assessment.objects.get(organization__code="dn-sct", round__year=2019)
    Assessment.objects.filter(pk=assessment.pk).update(state=State.SUBMITTED)

    assert move(login_as("dn.thamdinh"), assessment, State.APPRAISAL_1).status_code == 403
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED
    assert appraised_codes("dn.thamdinh", 2019) == {"dn-stc", "dn-sxd"}


def test_no_grant_makes_someone_a_member_and_the_appraiser_of_one_department():
    root = User.objects.create_superuser(username="root-b", password="x")
    with pytest.raises(ApplicationError) as refused:
        services.membership_add(user=person("dn.thamdinh"), organization=org("dn-sct-vp"), role="staff", by=root)
    assert refused.value.message == services.ERR_APPRAISE_OWN.format(name="Sở Công Thương tỉnh Đồng Nai")
    with pytest.raises(ApplicationError, match="vừa thẩm định"):
        services.membership_add(user=person("dn.vanphong"), organization=org("dn-snv"), role="appraiser", by=root)
    assert not Membership.objects.filter(user__username="dn.vanphong", role="appraiser").exists()


def test_sở_nội_vụ_appraisers_never_appraise_sở_nội_vụ(login_as):
    unit = services.organization_create(
        code="bp-snv-cchc", kind="unit", name="Phòng CCHC", parent=org("bp-snv"), year=2019, by=None
    )
    inspector = User.objects.create_user(username="snv.cchc", password="x", full_name="Cán bộ CCHC")
    Membership.objects.create(user=inspector, organization=unit, role="appraiser")

    listed = appraised_list(login_as("snv.cchc"))
    assert "Môi trường tỉnh Bình Phước" in listed  # Sở TN&MT (renamed in 2025)
    assert BP_SNV not in listed
    assert appraised_codes("snv.cchc") == appraised_codes("thamdinh") == {"bp-stnmt"}


# Only the body's admin or the province's admin gives the appraiser role.


def test_only_the_appraising_bodys_or_the_provinces_admin_gives_the_appraiser_role(django_user_model):
    newcomer = django_user_model.objects.create_user(username="snv.moi", password="x", full_name="Cán bộ mới")
    with pytest.raises(ApplicationError, match="không có quyền phân quyền"):
        services.membership_add(user=newcomer, organization=org("bp-snv"), role="appraiser", by=person("dn.admin"))
    services.membership_add(user=newcomer, organization=org("bp-snv"), role="appraiser", by=person("bp.snv.admin"))
    assert appraised_codes("snv.moi") == {"bp-stnmt"}

    governor = django_user_model.objects.create_user(username="bp.tinh", password="x", full_name="QT tỉnh")
    Membership.objects.create(user=governor, organization=org("bp"), role="admin")
    other = django_user_model.objects.create_user(username="snv.khac", password="x", full_name="Cán bộ khác")
    services.membership_add(user=other, organization=org("bp-snv"), role="appraiser", by=governor)
    # The province's admin holds a role over every department: he may not appraise any of them.
    with pytest.raises(ApplicationError, match="vừa thẩm định"):
        services.membership_add(user=governor, organization=org("bp-snv"), role="appraiser", by=governor)


# One province's admin cannot touch the other's tree or people (services and pages).


def test_a_binh_phuoc_admin_cannot_touch_dong_nais_tree_or_people(login_as):
    admin, vp = person("admin"), org("dn-sct-vp")
    refusals = [
        lambda: services.membership_add(user=person("chuyenvien"), organization=vp, role="staff", by=admin),
        lambda: services.membership_remove(membership=Membership.objects.get(user__username="dn.chuyenvien"), by=admin),
        lambda: services.organization_create(code="dn-x", kind="unit", name="X", parent=org("dn-sct"), year=2026, by=admin),
        lambda: services.organization_rename(organization=vp, year=2026, name="Đổi", short_name="", parent=org("dn-sct"), by=admin),
        lambda: services.organization_merge(source=vp, target=org("dn-sct-tt"), year=2026, by=admin),
        lambda: services.organization_split(source=vp, year=2026, code="dn-y", name="Y", by=admin),
    ]  # fmt: skip
    for refused in refusals:
        with pytest.raises(ApplicationError, match="Bạn không có quyền"):
            refused()
    assert not Membership.objects.filter(user__username="chuyenvien", organization=vp).exists()
    assert Membership.objects.filter(user__username="dn.chuyenvien").exists()
    assert not Organization.objects.filter(code__in=["dn-x", "dn-y"]).exists()

    client = login_as("admin")
    rename = client.post(
        reverse("organizations:rename", args=[vp.pk]),
        {"name": "Đổi", "short_name": "", "parent": org("dn-sct").pk, "year": 2026},
    )
    assert rename.status_code == 404
    assert vp.versions.get(valid_until__isnull=True).name == "Văn phòng"
    grant = client.post(
        reverse("accounts:membership_create", args=[person("chuyenvien").pk]), {"organization": vp.pk, "role": "staff"}
    )
    assert grant.status_code == 302
    assert not Membership.objects.filter(user__username="chuyenvien", organization=vp).exists()


# The appraising-body mark: the province's admin (or a superuser) sets it, not a department.


def test_a_department_admin_cannot_mark_his_department_as_an_appraising_body(login_as, django_user_model):
    stnmt = org("bp-stnmt")
    version = stnmt.versions.get(valid_from=2019)
    data = {"name": version.name, "short_name": version.short_name, "parent": org("bp").pk, "year": 2024}
    login_as("admin").post(reverse("organizations:rename", args=[stnmt.pk]), {**data, "is_appraising_body": "on"})
    stnmt.refresh_from_db()
    assert not stnmt.is_appraising_body
    with pytest.raises(ApplicationError, match="Chỉ quản trị cấp tỉnh"):
        services.organization_rename(organization=stnmt, **{**data, "parent": org("bp")}, by=person("admin"),
                                     is_appraising_body=True)  # fmt: skip

    django_user_model.objects.create_superuser(username="root-c", password="x")
    root = login_as("root-c")
    assert "Cơ quan thẩm định" in root.get(reverse("organizations:rename", args=[stnmt.pk])).content.decode()
    root.post(reverse("organizations:rename", args=[stnmt.pk]), {**data, "is_appraising_body": "on"})
    stnmt.refresh_from_db()
    assert stnmt.is_appraising_body
    assert appraised_codes("thamdinh") == set()  # an appraising body is appraised by nobody


# The demo: two provinces, each department sees and changes only its own.


def test_the_demo_appraisers_reach_the_other_departments_of_their_province():
    assert org("bp-snv").is_appraising_body
    assert org("dn-snv").is_appraising_body
    assert appraised_codes("thamdinh") == {"bp-stnmt"}
    assert appraised_codes("dn.thamdinh", 2019) == {"dn-sct", "dn-stc", "dn-sxd"}


@pytest.mark.parametrize(
    ("username", "department"),
    [
        ("admin", "bp-stnmt"), ("vanphong", "bp-stnmt"), ("lanhdao", "bp-stnmt"), ("truongphong", "bp-stnmt"),
        ("chuyenvien", "bp-stnmt"), ("bp.snv.admin", "bp-snv"), ("dn.admin", "dn-sct"), ("dn.vanphong", "dn-sct"),
        ("dn.truongphong", "dn-sct"), ("dn.chuyenvien", "dn-sct"), ("dn.thanhtra", "dn-sct"),
    ],
)  # fmt: skip
def test_each_demo_department_sees_and_changes_only_its_own(username, department):
    access = access_for_user(person(username), 2024)
    own = access.tree.subtree_ids(org(department).pk)
    assert access.visible_org_ids <= own
    for perm in (Perm.ORG_MANAGE, Perm.USER_MANAGE, Perm.PLAN_MANAGE, Perm.ASSESS_COMPILE, Perm.APPRAISE):
        assert access.org_ids_with(perm) <= own
    assert not access.org_ids_with(Perm.APPRAISE)


# Found by the hostile review: a department admin could create a "province" inside his own
# department, become its province admin and from there mark appraising bodies.
@pytest.mark.parametrize(("kind", "parent"), [("province", "bp-stnmt"), ("department", "bp-stnmt-tt")])
def test_a_department_admin_cannot_grow_a_province_or_a_department_inside_his_department(kind, parent):
    before = Organization.objects.count()
    with pytest.raises(ApplicationError, match="không đặt dưới"):
        services.organization_create(
            code=f"gia-{kind}", kind=kind, name="Tỉnh giả", parent=org(parent), year=2024, by=person("admin")
        )
    assert Organization.objects.count() == before


def test_a_unit_cannot_be_moved_under_a_province():
    with pytest.raises(ApplicationError, match="không đặt dưới"):
        services.organization_rename(
            organization=org("bp-stnmt-tt"), year=2024, name="Phòng Thanh tra", short_name="", parent=org("bp"),
            by=None,
        )  # fmt: skip


def test_only_people_who_may_open_a_round_are_offered_the_button(client):
    create = reverse("assessments:round_create")
    for username, offered in (("vanphong", True), ("dn.thamdinh", True), ("bp.snv.admin", False)):
        client.force_login(person(username))
        page = client.get(reverse("assessments:round_list"))
        assert (create in page.content.decode()) is offered, username
        assert client.get(create).status_code == (200 if offered else 403), username
