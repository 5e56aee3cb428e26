import io

import pytest
from django.core.management import call_command

from parindex.accounts.models import User
from parindex.assessments.models import Answer, Assessment, AssessmentRound
from parindex.criteria.models import CriteriaSet, Criterion
from parindex.organizations.models import Membership, Organization, OrganizationChange, OrganizationVersion
from parindex.organizations.selectors import organization_tree
from parindex.plans.models import Occurrence, Plan, Task
from parindex.surveys.models import Campaign, Response

SEEDED_MODELS = (
    Organization,
    OrganizationVersion,
    OrganizationChange,
    User,
    Membership,
    CriteriaSet,
    Criterion,
    Plan,
    Task,
    Occurrence,
    AssessmentRound,
    Assessment,
    Answer,
    Campaign,
    Response,
)


def counts() -> dict[str, int]:
    # Named counts, so a failure says which kind of demo data a second run added.
    return {model.__name__: model.objects.count() for model in SEEDED_MODELS}


@pytest.mark.django_db
def test_it_loads_the_seed_departments_and_units():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    tree = organization_tree(year=2024)
    by_code = {n.code: n for n in tree.nodes.values()}
    bp_units = {n.name for n in tree.children(by_code["bp-stnmt"].org_id)}
    assert {
        "Văn phòng Sở",
        "Phòng Thanh tra",
        "Văn phòng Đăng ký đất đai",
        "Trung tâm Quan trắc Tài nguyên và Môi trường",
        "Quỹ Bảo vệ môi trường",
        "Chi cục Bảo vệ môi trường",
        "Chi cục Quản lý đất đai",
        "Phòng Tài nguyên nước – Khoáng sản",
        "Bộ phận một cửa",
    } <= bp_units
    assert by_code["qb-stnmt"].name.endswith("Quảng Bình")
    assert by_code["kh-stnmt"].name.endswith("Khánh Hòa")
    assert by_code["dn-sct"].name == "Sở Công Thương tỉnh Đồng Nai"
    assert by_code["bp-snv"].kind == "department"
    assert "thamdinh" in out.getvalue()
    assert "Demo@2024" in out.getvalue()


@pytest.mark.django_db
def test_it_does_not_duplicate_anything_when_run_again():
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    first = counts()
    assert all(first.values()), f"the demo should load every kind of data: {first}"
    out = io.StringIO()
    call_command("seed_demo", quiet_logins=True, stdout=out)
    assert counts() == first
    assert "0 đơn vị mới, 0 tài khoản mới" in out.getvalue()


@pytest.mark.django_db
def test_it_shows_the_2025_rename_only_from_2025():
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    name = {y: {n.code: n.name for n in organization_tree(year=y).nodes.values()}["bp-stnmt"] for y in (2024, 2025)}
    assert name[2024] == "Sở Tài nguyên và Môi trường tỉnh Bình Phước"
    assert name[2025] == "Sở Nông nghiệp và Môi trường tỉnh Bình Phước"
