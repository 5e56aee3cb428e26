"""Pages show an organization's name of the year, the code only as a small secondary text."""

import re

import pytest

from parindex.assessments.models import Assessment
from parindex.organizations.models import OrganizationVersion
from parindex.surveys.models import Campaign

pytestmark = pytest.mark.usefixtures("demo")


def in_year(client, year):
    session = client.session
    session["working_year"] = year
    session.save()
    return client


@pytest.fixture
def assessment():
    return Assessment.objects.select_related("round").get(organization__code="dn-sct")


def name_of(organization, year):
    return (
        OrganizationVersion.objects.filter(organization=organization, valid_from__lte=year)
        .exclude(valid_until__lt=year)
        .get()
        .name
    )


@pytest.mark.parametrize("working_year", [None, 2025])
def test_the_ranking_links_each_organization_by_its_name_of_the_rounds_year(login_as, assessment, working_year):
    client = login_as("dn.vanphong")
    if working_year:
        in_year(client, working_year)  # another year than the round's: the names still come from the round's year
    html = client.get(assessment.round.get_absolute_url()).content.decode()
    name = name_of(assessment.organization, assessment.round.year)
    assert re.search(rf'<a href="{assessment.get_absolute_url()}">{re.escape(name)}</a>', html)
    assert re.search(r'<code class="[^"]*text-secondary[^"]*">dn-sct</code>', html)


def test_the_assessment_header_names_the_organization(login_as, assessment):
    html = login_as("dn.vanphong").get(assessment.get_absolute_url()).content.decode()
    name = name_of(assessment.organization, assessment.round.year)
    assert f"<title>Tự đánh giá {name}" in html
    assert f'data-testid="organization-name">{name}</span>' in html


def test_the_citizens_form_names_the_department_not_its_code(client):
    campaign = Campaign.objects.select_related("organization").filter(organization__code="dn-sct").first()
    html = client.get(campaign.points.first().get_public_url()).content.decode()
    assert f"— {name_of(campaign.organization, campaign.starts_on.year)}." in html
    assert "DN-SCT" not in html
