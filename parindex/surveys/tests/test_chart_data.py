"""Chart data reaches the page as JSON (json_script), so a campaign without answers gives null, not None."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from parindex.organizations.models import Organization
from parindex.surveys import services

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def empty_campaign():
    today = timezone.localdate()
    units = Organization.objects.filter(code__in=["bp-stnmt-motcua", "bp-stnmt-tt"]).order_by("code")
    return services.campaign_create(
        organization_id=Organization.objects.get(code="bp-stnmt").pk,
        title="Đợt chưa có phiếu </script><b>'\"",
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=30),
        target=Decimal(87),
        min_n=3,
        points=[(u.pk, u.code) for u in units],
        by=get_user_model().objects.get(username="vanphong"),
    )


def json_data(html: str, element_id: str):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no json_script #{element_id}"
    return json.loads(found.group(1))


def test_the_campaign_page_of_a_campaign_without_answers_gives_the_chart_valid_json(login_as, empty_campaign):
    response = login_as("vanphong").get(empty_campaign.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    labels = json_data(html, "trend-labels")
    values = json_data(html, "trend-values")
    assert len(labels) == len(values) >= 1
    assert labels[-1] == f"{empty_campaign.starts_on:%m/%Y}"  # short axis labels, not the long titles
    assert values[-1] is None
    assert empty_campaign.title not in html  # never raw, in HTML or in a script


def test_the_dashboard_shows_a_campaign_without_answers_with_valid_json(login_as, empty_campaign):
    response = login_as("vanphong").get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="dashboard-sipas"' in html
    assert empty_campaign.title not in html
    labels = json_data(html, "sipas-trend-labels")
    values = json_data(html, "sipas-trend-values")
    assert len(labels) == len(values) >= 1
    assert values[-1] is None
    assert all(value is None or isinstance(value, int | float) for value in values)
