"""The quarterly satisfaction report (TC 8.1 of seed 000): the user picks the quarter; answers
count on their local (Vietnam) date, paper forms on the date written on them."""

import re
import subprocess
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import User
from parindex.core.errors import ApplicationError
from parindex.organizations.models import Organization
from parindex.surveys import posters, services
from parindex.surveys.models import Response
from parindex.surveys.selectors import Quarter, campaign_results, quarter_results
from parindex.surveys.tallies import rebuild

pytestmark = pytest.mark.usefixtures("demo")
ELEMENT_KEYS = ["access", "procedure", "staff", "result", "feedback"]


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args), timezone.get_current_timezone())


@pytest.fixture
def campaign():
    """Bình Phước's 2025 half-year campaign: no demo answers in 2025, minimum n of 1."""
    unit = Organization.objects.get(code="bp-stnmt-motcua")
    return services.campaign_create(
        organization_id=Organization.objects.get(code="bp-stnmt").pk,
        title="Khảo sát 6 tháng đầu năm 2025",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 6, 30),
        target=Decimal(87),
        min_n=1,
        points=[(unit.pk, "Bộ phận một cửa")],
        by=User.objects.get(username="vanphong"),
    )


def answer(campaign, at: datetime, levels: list[int | None], overall: int, comment: str = "", **extra) -> Response:
    response = Response.objects.create(
        campaign=campaign,
        point=campaign.points.get(),
        answers={**{k: v for k, v in zip(ELEMENT_KEYS, levels, strict=True) if v}, "overall": overall},
        comment=comment,
        **extra,
    )
    Response.objects.filter(pk=response.pk).update(created_at=at)
    rebuild(campaign_id=campaign.pk)  # the bulk update of created_at bypasses the tallies
    return response


@pytest.fixture
def answers(campaign):
    """Four valid answers in Q1/2025, one in Q2, one excluded. By hand (satisfied = level 4–5):
    access 5,4,2,4 → 3/4 = 75,00; procedure 5,2,2,4 → 2/4 = 50,00; staff 5,4,5,4 → 100,00;
    result 5,1,1,1 → 1/4 = 25,00; feedback 5,3,4,— → 2/3 = 66,67; overall 5,4,2,4 → 75,00;
    SIPAS = (75 + 50 + 100 + 25 + 66,67) / 5 = 63,334 → 63,33 < 87: target missed; 2 comments."""
    # 23:30 in Vietnam on 31/03 (16:30 UTC): the first quarter.
    answer(campaign, local(2025, 3, 31, 23, 30), [5, 5, 5, 5, 5], 5, "Cán bộ tận tình")
    answer(campaign, local(2025, 2, 10, 9), [2, 2, 5, 1, 4], 2)
    answer(campaign, local(2025, 1, 20, 8), [4, 4, 4, 1, None], 4, "  ")
    # A paper form dated 15/03 typed in on 10/04.
    clerk = User.objects.get(username="vanphong")
    batch = services.paper_batch_create(
        point=campaign.points.get(),
        forms_received=1,
        collected_by="Nguyễn Thu",
        received_on=date(2025, 4, 10),
        today=date(2025, 4, 10),
        by=clerk,
    )
    paper = services.paper_form_add(
        batch=batch,
        data={
            "answers": {"access": 4, "procedure": 2, "staff": 4, "result": 1, "feedback": 3, "overall": 4},
            "comment": "Chờ lâu",
            "answered_on": date(2025, 3, 15),
        },
        by=clerk,
    )
    Response.objects.filter(pk=paper.pk).update(created_at=local(2025, 4, 10, 14))
    # 00:30 in Vietnam on 01/04 is still 31/03 in UTC: the second quarter.
    answer(campaign, local(2025, 4, 1, 0, 30), [1, 1, 1, 1, 1], 1, "Kém")
    answer(campaign, local(2025, 3, 2, 10), [1, 1, 1, 1, 1], 1, "Phiếu thử", excluded=True)


def test_quarters_have_their_days_and_labels():
    assert (Quarter(2025, 1).first_day, Quarter(2025, 1).last_day) == (date(2025, 1, 1), date(2025, 3, 31))
    assert Quarter(2024, 1).last_day == date(2024, 3, 31)
    assert (Quarter(2025, 4).first_day, Quarter(2025, 4).last_day) == (date(2025, 10, 1), date(2025, 12, 31))
    assert Quarter.of(date(2025, 6, 30)) == Quarter(2025, 2)
    assert Quarter(2025, 3).label == "Quý III/2025"


def test_answers_count_in_the_quarter_of_their_local_date_and_paper_date(campaign, answers):
    first = quarter_results(campaign=campaign, quarter=Quarter(2025, 1)).results
    second = quarter_results(campaign=campaign, quarter=Quarter(2025, 2)).results
    assert (first.n, second.n) == (4, 1)  # 31/03 23:30 and the paper form of 15/03 are in Q1
    assert first.paper == 1
    assert first.comments == 2
    assert {k: first.elements[k].index for k in [*ELEMENT_KEYS, "overall"]} == {
        "access": Decimal("75.00"),
        "procedure": Decimal("50.00"),
        "staff": Decimal("100.00"),
        "result": Decimal("25.00"),
        "feedback": Decimal("66.67"),
        "overall": Decimal("75.00"),
    }
    assert first.sipas == Decimal("63.33")
    assert first.missed_target
    assert second.sipas == Decimal("0.00")
    # The months of the campaign page follow the same dates (not UTC).
    assert [(month, n) for month, n, _ in campaign_results(campaign=campaign).by_month] == [
        ("01/2025", 1),
        ("02/2025", 1),
        ("03/2025", 2),
        ("04/2025", 1),
    ]


def pdf_text(content: bytes, tmp_path) -> str:
    (tmp_path / "report.pdf").write_bytes(content)
    command = ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_the_quarter_report_states_period_figures_target_and_comments(login_as, campaign, answers, tmp_path):
    client = login_as("vanphong")
    response = client.get(reverse("surveys:quarter_report", args=[campaign.pk]), {"quy": "1", "nam": "2025"})
    assert response.status_code == 200
    assert 'filename="bao-cao-khao-sat-quy-1-2025.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    assert "Quý I/2025" in text
    assert "từ ngày 01/01/2025 đến ngày 31/03/2025" in text
    assert "Sở Nông nghiệp và Môi trường tỉnh Bình Phước" in text  # the 2025 name
    assert "n = 4 (trong đó 1 phiếu giấy" in text
    for label, n, satisfied, index in [
        ("Tiếp cận dịch vụ", 4, 3, "75,00"),
        ("Thủ tục hành chính", 4, 2, "50,00"),
        ("Công chức trực tiếp giải quyết", 4, 4, "100,00"),
        ("Kết quả giải quyết", 4, 1, "25,00"),
        ("Tiếp nhận, xử lý phản ánh, kiến nghị", 3, 2, "66,67"),
        ("Đánh giá chung", 4, 3, "75,00"),
    ]:
        assert re.search(rf"{label}\s+{n}\s+{satisfied}\s+{index}", text), label
    assert "Chỉ số hài lòng chung (SIPAS): 63,33 %" in text
    assert "Chỉ tiêu của kế hoạch: 87,00 %" in text
    assert "CHƯA ĐẠT chỉ tiêu (thấp hơn 23,67 điểm %)" in text
    assert "Số phiếu có ý kiến góp ý: 2" in text
    assert re.search(r"Tháng\s+Số phiếu\s+SIPAS", text)
    assert re.search(r"03/2025\s+2\s", text)
    assert "04/2025" not in text

    second = pdf_text(
        client.get(reverse("surveys:quarter_report", args=[campaign.pk]), {"quy": "2", "nam": "2025"}).content,
        tmp_path,
    )
    assert "Quý II/2025" in second
    assert "n = 1." in second
    assert "Số phiếu có ý kiến góp ý: 1" in second


def test_the_campaign_page_offers_the_quarter_report(login_as, campaign, answers):
    html = login_as("vanphong").get(campaign.get_absolute_url()).content.decode()
    assert reverse("surveys:quarter_report", args=[campaign.pk]) in html
    assert '<option value="2" selected>Quý II</option>' in html  # the campaign's last quarter
    assert 'value="2025"' in html


def test_a_paper_form_keeps_the_date_written_on_it(login_as, campaign):
    point = campaign.points.get()
    client = login_as("vanphong")
    created = client.post(
        reverse("surveys:paper_entry", args=[point.pk]),
        {"forms_received": 5, "collected_by": "Nguyễn Thu", "received_on": "10/04/2025"},
    )
    batch_url = created.url
    data = {**{f"el_{k}": "4" for k in ELEMENT_KEYS}, "overall": "4", "answered_on": "15/03/2025"}
    saved = client.post(batch_url, data)
    assert saved.status_code == 302
    assert saved.url.endswith("?ngay=15/03/2025")  # the next form starts with the same date
    assert 'value="15/03/2025"' in client.get(saved.url).content.decode()
    paper = Response.objects.get(campaign=campaign)
    assert (paper.paper, paper.answered_on, paper.answered_date) == (True, date(2025, 3, 15), date(2025, 3, 15))
    assert quarter_results(campaign=campaign, quarter=Quarter(2025, 1)).results.n == 1

    del data["answered_on"]  # no date written: the day the batch was received
    client.post(batch_url, data)
    assert Response.objects.filter(campaign=campaign, answered_on=date(2025, 4, 10)).count() == 1

    data["answered_on"] = "31/12/2024"
    refused = client.post(batch_url, data)
    assert "Ngày trên phiếu trước ngày bắt đầu đợt khảo sát (01/01/2025)" in refused.content.decode()


def test_a_paper_form_cannot_be_dated_after_its_batch_was_received(campaign):
    clerk = User.objects.get(username="vanphong")
    batch = services.paper_batch_create(
        point=campaign.points.get(), forms_received=2, collected_by="Thu", received_on=date(2025, 5, 1),
        today=date(2025, 5, 1), by=clerk,
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="không thể sau ngày nhận lô phiếu"):
        services.paper_form_add(
            batch=batch, data={"answers": {"overall": 4}, "answered_on": date(2025, 5, 2)}, by=clerk
        )
    online = services.response_submit(
        point=campaign.points.get(),
        data={"answers": {"overall": 4}, "answered_on": date(2025, 2, 1)},
        today=date(2025, 5, 1),
    )
    assert online.answered_on is None  # only paper forms carry a written date


def test_unit_staff_get_the_quarter_of_their_own_service_points(login_as):
    """Phòng Thanh tra has no point in the demo campaigns: its staff get 404, not the Sở's figures."""
    from parindex.surveys.models import Campaign

    demo = Campaign.objects.filter(organization__code="bp-stnmt").order_by("starts_on").first()
    url = reverse("surveys:quarter_report", args=[demo.pk])
    assert login_as("chuyenvien").get(url, {"quy": "1", "nam": str(demo.starts_on.year)}).status_code == 404


def test_a_unit_reports_only_its_own_service_points(login_as, campaign, answers, django_user_model, tmp_path):
    from parindex.organizations.models import Membership

    other_unit = Organization.objects.get(code="bp-stnmt-vpdkdd")
    other = services.campaign_create(
        organization_id=campaign.organization_id, title="Đợt của VPĐKĐĐ", starts_on=date(2025, 1, 1),
        ends_on=date(2025, 3, 31), target=Decimal(90), min_n=1, points=[(other_unit.pk, "VPĐKĐĐ")],
        by=User.objects.get(username="vanphong"),
    )  # fmt: skip
    answer(other, local(2025, 2, 1, 9), [5, 5, 5, 5, 5], 5)
    assert quarter_results(campaign=campaign, quarter=Quarter(2025, 1)).results.n == 5  # the Sở sees both
    staff = django_user_model.objects.get(username="chuyenvien")
    Membership.objects.create(user=staff, organization=Organization.objects.get(code="bp-stnmt-motcua"), role="staff")
    response = login_as("chuyenvien").get(
        reverse("surveys:quarter_report", args=[campaign.pk]), {"quy": "1", "nam": "2025"}
    )
    text = pdf_text(response.content, tmp_path)
    assert "Đơn vị: Bộ phận một cửa\n" in text  # not Phòng Thanh tra, which serves at no point
    assert "n = 4 (trong đó 1 phiếu giấy" in text  # not the VPĐKĐĐ answer


def test_a_service_point_name_with_markup_characters_prints_as_written(login_as, campaign, answers, tmp_path):
    campaign.points.update(name="Quầy <1> & <b>")
    response = login_as("vanphong").get(
        reverse("surveys:quarter_report", args=[campaign.pk]), {"quy": "1", "nam": "2025"}
    )
    assert response.status_code == 200
    assert "Quầy <1> & <b>" in pdf_text(response.content, tmp_path)


# Reports kept as files: laid out once per content, served again, rebuilt for new figures; the
# file never stands in for the permission check.
QUARTER_1 = {"quy": "1", "nam": "2025"}


@pytest.fixture
def builds(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # an empty cache: other tests' reports are not ours
    counted = []
    real = posters._build_results_pdf

    def counting(**kwargs):
        counted.append(kwargs["document_title"])
        return real(**kwargs)

    monkeypatch.setattr(posters, "_build_results_pdf", counting)
    return counted


def test_an_unchanged_report_is_served_from_its_file_and_new_figures_rebuild_it(
    login_as, campaign, answers, builds, tmp_path
):
    client = login_as("vanphong")
    url = reverse("surveys:quarter_report", args=[campaign.pk])
    first = client.get(url, QUARTER_1).content
    again = client.get(url, QUARTER_1).content
    assert again == first
    assert len(builds) == 1
    assert "n = 4 (trong đó 1 phiếu giấy" in pdf_text(first, tmp_path)

    answer(campaign, local(2025, 2, 10, 9), [5, 5, 5, 5, 5], 5)
    newer = pdf_text(client.get(url, QUARTER_1).content, tmp_path)
    assert "n = 5 (trong đó 1 phiếu giấy" in newer
    assert len(builds) == 2
    client.get(reverse("surveys:campaign_report", args=[campaign.pk]))
    assert len(builds) == 3  # the campaign's own report is another document


def test_a_cached_report_is_still_refused_to_another_departments_coordinator(login_as, campaign, answers, builds):
    url = reverse("surveys:campaign_report", args=[campaign.pk])
    assert login_as("vanphong").get(url).status_code == 200  # built and kept
    assert login_as("dn.vanphong").get(url).status_code in (403, 404)
    assert len(builds) == 1
