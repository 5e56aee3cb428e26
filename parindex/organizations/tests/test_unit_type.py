"""A unit's type, so that a criteria set's "các đơn vị sự nghiệp" finds the units of that type."""

import pytest
from django.urls import reverse

from parindex.core.errors import ApplicationError
from parindex.criteria.units import UnitResolver
from parindex.organizations import services
from parindex.organizations.models import Organization
from parindex.organizations.selectors import organization_tree

pytestmark = pytest.mark.usefixtures("demo")


def test_a_unit_added_as_public_service_joins_the_departments_public_service_group(login_as):
    department = Organization.objects.get(code="bp-stnmt")
    response = login_as("admin").post(
        reverse("organizations:create"),
        {
            "kind": "unit",
            "code": "bp-stnmt-ttpt",
            "name": "Trung tâm Phát triển quỹ đất",
            "short_name": "TTPTQĐ",
            "unit_type": "public_service",
            "parent": department.pk,
            "year": 2024,
        },
    )
    assert response.status_code == 302
    created = Organization.objects.get(code="bp-stnmt-ttpt")
    assert created.unit_type == "public_service"
    group = UnitResolver(organization_tree(year=2024), department.pk).resolve("Các đơn vị sự nghiệp trực thuộc")
    assert set(Organization.objects.filter(pk__in=group).values_list("code", flat=True)) == {
        "bp-stnmt-vpdkdd",
        "bp-stnmt-ttqt",
        "bp-stnmt-quy",
        "bp-stnmt-ttpt",
    }


def test_a_units_type_changes_for_every_year_on_its_page(login_as):
    unit = Organization.objects.get(code="bp-stnmt-ccbvmt")
    version = unit.versions.get(valid_until__isnull=True)
    page = login_as("admin").get(reverse("organizations:rename", args=[unit.pk])).content.decode()
    assert 'name="unit_type"' in page
    response = login_as("admin").post(
        reverse("organizations:rename", args=[unit.pk]),
        {
            "name": version.name,
            "short_name": version.short_name,
            "unit_type": "public_service",
            "parent": version.parent_id,
            "year": 2025,
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.unit_type == "public_service"
    assert unit.versions.count() == 1  # the name and place did not change
    department = Organization.objects.get(code="bp-stnmt").pk
    assert unit.pk in UnitResolver(organization_tree(year=2019), department).resolve("Các đơn vị sự nghiệp")


def test_a_department_has_no_unit_type_to_choose(login_as):
    department = Organization.objects.get(code="bp-stnmt")
    response = login_as("admin").get(reverse("organizations:rename", args=[department.pk]))
    assert response.status_code == 200
    assert 'name="short_name"' in response.content.decode()
    assert 'name="unit_type"' not in response.content.decode()


def test_only_a_unit_has_a_unit_type():
    with pytest.raises(ApplicationError, match="Chỉ phòng, đơn vị trực thuộc"):
        services.organization_create(
            code="bp-sxx",
            kind="department",
            name="Sở Thử",
            parent=Organization.objects.get(code="bp"),
            year=2024,
            by=None,
            unit_type="public_service",
        )
    assert not Organization.objects.filter(code="bp-sxx").exists()
