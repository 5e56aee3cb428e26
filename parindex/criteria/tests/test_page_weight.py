"""Issue 11, item 3: the assignment matrix and a set's page at province size stay light to send
and keep a bounded number of queries (a department of 10 units, a 91-criterion set; a province's
set assigned by 15 departments of 10 units each)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.accounts.models import User
from parindex.criteria.models import AssignmentRole, CriteriaSet, CriterionAssignment
from parindex.organizations import services as org_services
from parindex.organizations.models import Membership, Organization

pytestmark = pytest.mark.usefixtures("demo")

MATRIX_BUDGET = 120_000  # bytes; 540 kB before (issue 11)
SET_PAGE_BUDGET = 120_000  # bytes; 455 kB before for the province set at 45 departments


def add_units(department: Organization, count: int, year: int, prefix: str) -> list[Organization]:
    """Units named as most are, in full: not every unit has an abbreviation."""
    return [
        org_services.organization_create(
            by=None, code=f"{prefix}-{i}", kind="unit", name=f"Phòng Nghiệp vụ số {i}", parent=department, year=year
        )
        for i in range(count)
    ]


def assign_everything(criteria_set: CriteriaSet, units: list[Organization]) -> None:
    """Every criterion: one lead and three coordinating units, as a real plan assigns them."""
    rows = []
    for i, criterion in enumerate(criteria_set.criteria.order_by("position")):
        chosen = [units[(i + k) % len(units)] for k in range(4)]
        rows.append(CriterionAssignment(criterion=criterion, organization=chosen[0], role=AssignmentRole.LEAD))
        rows += [CriterionAssignment(criterion=criterion, organization=u, role=AssignmentRole.COORDINATING)
                 for u in chosen[1:]]  # fmt: skip
    CriterionAssignment.objects.filter(criterion__criteria_set=criteria_set, organization__in=units).delete()
    CriterionAssignment.objects.bulk_create(rows)


def department_of_ten() -> CriteriaSet:
    """Sở Công Thương Đồng Nai with 10 units, every one of its 91 criteria assigned."""
    department = Organization.objects.get(code="dn-sct")
    units = list(Organization.objects.filter(code__startswith="dn-sct-", kind="unit"))
    units += add_units(department, 10 - len(units), 2019, "dn-x")
    criteria_set = CriteriaSet.objects.get(code="dn-sct-2019")
    assign_everything(criteria_set, units)
    return criteria_set


def measure(client, url: str) -> tuple[int, int]:
    # Once before counting: the first request after organizations change builds the year's tree
    # (one query more), and the growing set of this file's tests changes them on purpose.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(response.content), len(captured)


def test_the_matrix_of_ten_units_by_91_criteria_stays_under_its_byte_budget(login_as):
    criteria_set = department_of_ten()
    size, queries = measure(login_as("dn.vanphong"), reverse("criteria:assignment_matrix", args=[criteria_set.code]))
    print(f"matrix 10 units × 91 criteria: {size} bytes, {queries} queries")
    assert size <= MATRIX_BUDGET


def test_the_matrix_query_count_does_not_grow_with_units_or_assignments(login_as):
    client = login_as("dn.vanphong")
    url = reverse("criteria:assignment_matrix", args=["dn-sct-2019"])
    _, small = measure(client, url)
    department_of_ten()
    _, large = measure(client, url)
    assert large <= small <= 12


def province_of(departments: int, units: int) -> CriteriaSet:
    """Bình Phước with `departments` more departments of `units` units each, every one of which
    assigns every criterion of the province's set to its own units."""
    province = Organization.objects.get(code="bp")
    criteria_set = CriteriaSet.objects.get(code="province-2024")
    for d in range(departments):
        department = org_services.organization_create(
            by=None, code=f"bp-x{d}", kind="department", name=f"Sở thử số {d}", parent=province, year=2019
        )
        assign_everything(criteria_set, add_units(department, units, 2019, f"bp-x{d}-u"))
    return criteria_set


def province_admin(client):
    admin = User.objects.create(username="bp.admin", full_name="Quản trị tỉnh")
    Membership.objects.create(user=admin, organization=Organization.objects.get(code="bp"), role="admin")
    client.force_login(admin)
    return client


def test_a_province_set_assigned_by_45_departments_stays_under_its_byte_budget(client):
    """The province's admin sees every department's assignments: 45 × 4 units per criterion."""
    client = province_admin(client)
    url = reverse("criteria:set_detail", args=["province-2024"])
    _, small = measure(client, url)
    province_of(45, 10)
    size, queries = measure(client, url)
    print(f"province set, 45 departments × 10 units: {size} bytes, {small} → {queries} queries")
    assert size <= SET_PAGE_BUDGET
    assert queries <= small <= 12


def test_a_department_set_of_91_criteria_assigned_to_10_units_stays_light(login_as):
    criteria_set = department_of_ten()
    size, queries = measure(login_as("dn.vanphong"), reverse("criteria:set_detail", args=[criteria_set.code]))
    print(f"set page, 91 criteria × 10 units: {size} bytes, {queries} queries")
    assert size <= SET_PAGE_BUDGET
    assert queries <= 12


def test_the_matrix_shows_letters_a_legend_and_one_shared_picker(login_as):
    html = login_as("dn.vanphong").get(reverse("criteria:assignment_matrix", args=["dn-sct-2019"])).content.decode()
    assert html.count('<select name="role"') == 1  # the picker inside <template id="role-picker">
    assert 'data-testid="matrix-legend"' in html
    assert '<span class="mx-lead" data-role="lead">CT</span> = Chủ trì' in html
    assert 'class="mx-lead">CT</td>' in html


def test_without_javascript_a_row_opens_as_forms_and_a_save_comes_back_to_it(login_as):
    client = login_as("vanphong")
    criteria_set = CriteriaSet.objects.get(code="bp-stnmt-2024")
    criterion = criteria_set.criteria.get(code="1.1.2")
    unit = Organization.objects.get(code="bp-stnmt-tt")
    url = reverse("criteria:assignment_matrix", args=[criteria_set.code])
    row = client.get(url, {"sua": "1.1.2"}).content.decode()
    assert 'name="sua" value="1.1.2"' in row
    assert 'data-testid="cell-1.1.2-bp-stnmt-tt"' in row
    save = reverse("criteria:assignment_update", args=[criteria_set.code])
    data = {"criterion": criterion.pk, "unit": unit.pk, "role": "coordinating", "sua": "1.1.2"}
    response = client.post(save, data)
    assert response.status_code == 302
    assert response["Location"].endswith("sua=1.1.2#sua")
    assert CriterionAssignment.objects.get(criterion=criterion, organization=unit).role == "coordinating"
    # The same form sent by htmx (the script was there after all) gets the cell back, as any save.
    fragment = client.post(save, {**data, "role": "lead"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert CriterionAssignment.objects.get(criterion=criterion, organization=unit).role == "lead"
