import re

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.plans.models import Plan
from parindex.plans.selectors import plan_overview

pytestmark = pytest.mark.usefixtures("demo")


def test_the_leader_sees_each_plan_of_the_year_with_what_is_done_and_what_is_late(login_as):
    page = login_as("lanhdao").get(reverse("dashboard")).content.decode()
    card = page[page.index('data-testid="dashboard-plans"') :]
    plan = Plan.objects.filter(organization__code="bp-stnmt", year=timezone.localdate().year).first()
    overview = plan_overview(plan=plan, today=timezone.localdate())
    done, due = overview.ratio
    start = card.index(plan.get_absolute_url())
    entry = card[start : card.index("</a>", start)]
    assert re.search(rf">{done}/{due}</span> đã xong", entry)
    assert overview.totals["overdue"] > 0  # the demo plan has late work to show
    assert f"{overview.totals['overdue']} quá hạn" in entry


def test_someone_who_may_not_see_plans_gets_no_plan_card(login_as):
    page = login_as("dn.thamdinh").get(reverse("dashboard")).content.decode()
    assert 'data-testid="dashboard-plans"' not in page
    assert "Thẩm định (Sở Nội vụ)" in page  # the role list still comes from the memberships


def test_lists_name_the_department_not_its_code(login_as):
    page = login_as("vanphong").get(reverse("plans:plan_list")).content.decode()
    assert "Sở Nông nghiệp và Môi trường tỉnh Bình Phước" in page  # the 2025 name, in the working year
    assert "· bp-stnmt<" not in page


def test_a_unit_head_sees_how_much_of_their_work_is_late_or_due(login_as):
    from parindex.organizations.models import Organization
    from parindex.plans.selectors import my_work

    page = login_as("truongphong").get(reverse("dashboard")).content.decode()
    buckets = my_work(
        unit_ids={Organization.objects.get(code="bp-stnmt-tt").pk}, year=timezone.localdate().year,
        today=timezone.localdate(),
    )  # fmt: skip
    card = page[page.index('data-testid="dashboard-my-work"') :]
    assert re.search(rf">{len(buckets['overdue'])}</span> <span[^>]*>quá hạn", card)
    assert re.search(rf">{len(buckets['upcoming'])}</span> <span[^>]*>trong 30 ngày tới", card)
    assert 'data-testid="dashboard-my-work"' not in login_as("lanhdao").get(reverse("dashboard")).content.decode()
