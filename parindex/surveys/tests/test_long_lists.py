"""Pages that list answers or batches show a page of them, however many a campaign holds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import User
from parindex.organizations.models import Organization
from parindex.surveys import services
from parindex.surveys.models import PaperBatch, Response

pytestmark = pytest.mark.usefixtures("demo")
TODAY = timezone.localdate()


@pytest.fixture
def campaign():
    unit = Organization.objects.get(code="bp-stnmt-motcua")
    return services.campaign_create(
        organization_id=Organization.objects.get(code="bp-stnmt").pk,
        title="Đợt đông phiếu",
        starts_on=TODAY - timedelta(days=30),
        ends_on=TODAY + timedelta(days=5),
        target=Decimal(87),
        min_n=1,
        points=[(unit.pk, "Một cửa")],
        by=User.objects.get(username="vanphong"),
    )


def many(campaign, count: int, **fields) -> None:
    point = campaign.points.get()
    Response.objects.bulk_create(
        Response(campaign=campaign, point=point, answers={"overall": 4}, **fields) for _ in range(count)
    )


def html(client, name: str, pk: int, query: str = "") -> str:
    page = client.get(reverse(f"surveys:{name}", args=[pk]) + query)
    assert page.status_code == 200
    return page.content.decode()


def test_the_held_list_shows_a_page_and_the_first_earlier_answers_of_a_code(login_as, campaign):
    point = campaign.points.get()
    Response.objects.bulk_create(
        Response(campaign=campaign, point=point, answers={"overall": 3}, dossier_code=f"HS-{i}", held=True)
        for i in range(200)
    )
    many(campaign, 40, dossier_code="HS-0", excluded=True, exclusion_reason="Trùng")
    client = login_as("vanphong")
    first = html(client, "held_list", campaign.pk)
    assert first.count('value="giu"') == 30
    assert first.count("Phiếu trước:") == 5  # of the 40 earlier answers with HS-0
    assert "và 35 phiếu khác cùng mã" in first
    assert "Trang 1/7" in first
    assert html(client, "held_list", campaign.pk, "?trang=7").count('value="giu"') == 20


def test_the_comments_page_shows_thirty_comments(login_as, campaign):
    many(campaign, 300, comment="Góp ý")
    page = html(login_as("vanphong"), "campaign_comments", campaign.pk)
    assert page.count("Loại phiếu</button>") == 30
    assert "Trang 1/10" in page


def test_a_large_paper_batch_lists_one_page_of_its_forms(login_as, campaign):
    point = campaign.points.get()
    batch = PaperBatch.objects.create(
        point=point, forms_received=500, collected_by="Thu", received_on=TODAY - timedelta(days=1)
    )
    many(campaign, 320, paper=True, batch=batch, answered_on=TODAY - timedelta(days=2))
    client = login_as("vanphong")
    last = html(client, "paper_batch", batch.pk)
    table = last.split('data-testid="batch-forms"')[1].split("</table>")[0]
    assert table.count("<tr") == 1 + 20  # the header and the last page: forms 301–320
    assert "<td>301</td>" in table
    assert "đã nhập 320" in last
    assert "Phiếu thứ 321 / 500" in last
    first = html(client, "paper_batch", batch.pk, "?trang=1")
    assert first.split('data-testid="batch-forms"')[1].split("</table>")[0].count("<tr") == 1 + 50


def test_batches_are_paged_on_the_point_and_capped_on_the_campaign(login_as, campaign):
    point = campaign.points.get()
    PaperBatch.objects.bulk_create(
        PaperBatch(point=point, forms_received=10, collected_by="Thu", received_on=TODAY) for _ in range(75)
    )
    client = login_as("vanphong")
    entry = html(client, "paper_entry", point.pk)
    assert entry.split('data-testid="paper-batches"')[1].split("</table>")[0].count("<tr") == 1 + 30
    detail = html(client, "campaign_detail", campaign.pk)
    assert detail.split('data-testid="campaign-batches"')[1].split("</table>")[0].count("<tr") == 1 + 20
    assert "và 55 lô nhận trước đó" in detail
