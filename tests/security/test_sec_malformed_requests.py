"""Finding 12 and the hostile review after it: a malformed request gets a 4xx or is ignored with a
message, never a 500 (each of these was a 500 on 6546012)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from parindex.accounts.models import User
from parindex.organizations.models import Organization
from parindex.plans import services as plan_services
from parindex.plans.models import Plan
from parindex.surveys.models import Campaign

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def coordinator(client):
    client.raise_request_exception = False  # see the status a browser would get
    client.force_login(User.objects.get(username="vanphong"))
    return client


def bp_plan() -> Plan:
    return Plan.objects.get(organization__code="bp-stnmt", year=2026)


@pytest.mark.parametrize("unit", ["²", "1²", "99999999999999999999"])
def test_a_plan_page_unit_filter_that_is_not_a_plain_number_is_ignored(coordinator, unit):
    response = coordinator.get(reverse("plans:plan_detail", args=[bp_plan().pk]), {"don_vi": unit})
    assert response.status_code == 200


@pytest.mark.parametrize("year", ["²", "٢٠٢٦", "9" * 30])
def test_a_quarter_report_year_that_is_not_a_plain_number_falls_back_to_the_default(coordinator, year):
    campaign = Campaign.objects.filter(organization__code="bp-stnmt").first()
    response = coordinator.get(reverse("surveys:quarter_report", args=[campaign.pk]), {"quy": "1", "nam": year})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_far_future_event_date_is_a_form_error_not_an_overflow(coordinator):
    task = plan_services.task_create(
        plan=bp_plan(), by=User.objects.get(username="vanphong"), number="X", group="", content="Trả lời văn bản",
        product="", timing_text="05 ngày làm việc kể từ ngày nhận văn bản",
        lead=[Organization.objects.get(code="bp-stnmt-tt").pk], coordinating=[], responsible="", criteria_codes=[],
        known_codes=None,
    )  # fmt: skip
    occurrence = task.occurrences.get()
    response = coordinator.post(reverse("plans:occurrence_event", args=[occurrence.pk]), {"event_date": "31/12/9999"})
    assert response.status_code < 500
    occurrence.refresh_from_db()
    assert occurrence.event_date is None
    with pytest.raises(plan_services.ApplicationError, match="quanh năm của kế hoạch"):
        plan_services.occurrence_record_event(
            occurrence=occurrence,
            by=User.objects.get(username="vanphong"),
            event_date=date(9999, 12, 31),
        )


def test_an_import_preview_unit_choice_that_is_not_a_plain_number_is_left_unchosen(coordinator):
    pasted = (
        "STT\tNội dung công việc\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành\n"
        "1\tLàm việc A\tPhòng Không Tồn Tại\t\tTrước ngày 30/6\n"
    )
    coordinator.post(
        reverse("plans:plan_import"),
        {"organization_id": Organization.objects.get(code="bp-stnmt").pk, "year": "2026", "kind": "annual",
         "title": "KH thử", "pasted": pasted},
    )  # fmt: skip
    token = coordinator.session["plan_appendix"]["token"]
    text = coordinator.get(reverse("plans:plan_import_preview")).context["unresolved"][0][0]
    before = Plan.objects.count()
    response = coordinator.post(
        reverse("plans:plan_import_preview"), {"confirm": "1", "token": token, f"unit:{text}": "²"}
    )
    assert response.status_code == 302  # saved, the unknown unit left for someone to choose
    assert Plan.objects.count() == before + 1
    saved = Plan.objects.latest("pk")
    assert not saved.tasks.get().units.exists()
