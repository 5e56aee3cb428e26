import io
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import Answer, Assessment
from parindex.core.errors import ApplicationError
from parindex.organizations.models import Organization
from parindex.surveys import services
from parindex.surveys.models import Campaign, Response, SurveyTemplate
from parindex.surveys.selectors import campaign_results

pytestmark = pytest.mark.usefixtures("demo")
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def clear_limits():
    cache.clear()


@pytest.fixture
def campaign():
    units = Organization.objects.filter(code__in=["bp-stnmt-motcua", "bp-stnmt-tt"]).order_by("code")
    return services.campaign_create(
        organization_id=Organization.objects.get(code="bp-stnmt").pk,
        title="Đợt thử",
        starts_on=TODAY - timedelta(days=5),
        ends_on=TODAY + timedelta(days=5),
        target=Decimal(87),
        min_n=3,
        points=[(u.pk, u.code) for u in units],
        by=user("vanphong"),
    )


def user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def form_data(level=4, **extra):
    data = {f"el_{k}": str(level) for k in ["access", "procedure", "staff", "result", "feedback"]}
    return {**data, "overall": str(level), **extra}


def post(client, point, data):
    return client.post(reverse("ks:form", args=[point.token]), data)


def test_an_anonymous_citizen_answers_and_is_thanked(client, campaign):
    point = campaign.points.first()
    page = client.get(point.get_public_url())
    assert page.status_code == 200
    assert "Ông/bà hài lòng thế nào?" in page.content.decode()
    assert len(page.content) < 25_000  # small page for slow 3G: no framework CSS or scripts
    response = post(client, point, form_data(5, comment="Rất nhanh", channel="desk"))
    assert response.status_code == 302
    assert response.url == reverse("ks:thanks", args=[point.token])
    saved = Response.objects.get(campaign=campaign)
    assert saved.answers["overall"] == 5
    assert saved.comment == "Rất nhanh"


def test_a_missing_answer_is_asked_again_keeping_what_was_chosen(client, campaign):
    data = form_data(4)
    del data["el_staff"]
    response = post(client, campaign.points.first(), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Xin ông/bà chọn một mức." in html
    assert 'value="4" id="id_el_access_3" checked' in html
    assert not campaign.responses.exists()


def test_a_dossier_answered_twice_keeps_both_and_counts_one_until_staff_decide(client, campaign):
    point = campaign.points.first()
    assert post(client, point, form_data(dossier_code="000.00.12.H12-240315-0001")).status_code == 302
    second = post(client, point, form_data(2, dossier_code="000.00.12.h12-240315-0001"))
    assert second.status_code == 302
    assert "xem-xet=1" in second.url
    assert "cán bộ sẽ xem xét" in client.get(second.url).content.decode()
    assert campaign.responses.count() == 2
    assert campaign.responses.get(held=True).answers["overall"] == 2
    assert campaign_results(campaign=campaign).n == 1


def test_a_malformed_dossier_code_is_explained(client, campaign):
    response = post(client, campaign.points.first(), form_data(dossier_code="abc"))
    assert "Mã hồ sơ gồm 6–40 ký tự" in response.content.decode()


def test_the_honeypot_silently_drops_bots(client, campaign):
    response = post(client, campaign.points.first(), form_data(website="http://spam"))
    assert response.status_code == 302
    assert not campaign.responses.exists()


@override_settings(SURVEY_LIMIT_PER_DEVICE=2)
def test_a_device_is_rate_limited(client, campaign):
    point = campaign.points.first()
    client.get(point.get_public_url())  # sets the device cookie
    assert [post(client, point, form_data()).status_code for _ in range(3)] == [302, 302, 429]
    assert campaign.responses.count() == 2


@override_settings(SURVEY_LIMIT_PER_IP=2, SURVEY_LIMIT_PER_DEVICE=100, PROXY_COUNT=1)
def test_a_network_is_rate_limited_per_client_behind_the_proxy_and_mistakes_spend_no_quota(campaign):
    from django.test import Client

    point = campaign.points.first()

    def citizen(address):
        # nginx on 127.0.0.1 appends the address it received from; anything left of it is the client's own claim
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.9, {address}")
        client.get(point.get_public_url())
        return client

    first = citizen("203.0.113.7")
    assert post(first, point, {}).status_code == 400  # nothing chosen: a mistake, not an answer
    assert [post(first, point, form_data()).status_code for _ in range(3)] == [302, 302, 429]
    assert post(citizen("203.0.113.7"), point, form_data()).status_code == 429  # another phone, same network
    assert post(citizen("198.51.100.20"), point, form_data()).status_code == 302  # another citizen, same proxy
    assert campaign.responses.count() == 3


def test_a_closed_campaign_takes_no_answers_but_staff_can_type_paper_forms(client, login_as, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=TODAY - timedelta(days=1))
    point = campaign.points.first()
    html = client.get(point.get_public_url()).content.decode()
    assert "đang không nhận phiếu" in html
    post(client, point, form_data())
    assert not campaign.responses.exists()
    staff = login_as("vanphong")
    batch = staff.post(
        reverse("surveys:paper_entry", args=[point.pk]),
        {"forms_received": 1, "collected_by": "Nguyễn Thu", "received_on": TODAY.strftime("%d/%m/%Y")},
    )
    yesterday = (TODAY - timedelta(days=1)).strftime("%d/%m/%Y")
    staff.post(batch.url, form_data(3, answered_on=yesterday))
    paper = campaign.responses.get()
    assert paper.paper
    assert paper.entered_by.username == "vanphong"


def test_results_hide_small_cells_and_excluded_answers(login_as, campaign):
    first, second = campaign.points.order_by("name")
    for level in (5, 4, 3):
        services.response_submit(point=first, data={"answers": {"access": level, "overall": level}}, today=TODAY)
    services.response_submit(point=second, data={"answers": {"access": 1, "overall": 1}}, today=TODAY)
    results = campaign_results(campaign=campaign)
    assert results.n == 4
    assert results.elements["access"].index == Decimal("50.00")
    assert results.elements["staff"].hidden
    services.response_exclude(response=Response.objects.get(point=second), reason="Phiếu thử", by=user("vanphong"))
    assert campaign_results(campaign=campaign).elements["access"].index == Decimal("66.67")
    assert campaign.responses.count() == 4


def test_unit_staff_see_only_their_units_results(login_as, campaign):
    tt_point = campaign.points.get(organization__code="bp-stnmt-tt")
    for _ in range(3):
        services.response_submit(point=tt_point, data={"answers": {"access": 5, "overall": 5}}, today=TODAY)
    staff = login_as("chuyenvien")
    html = staff.get(campaign.get_absolute_url()).content.decode()
    assert "bp-stnmt-tt" in html
    assert "bp-stnmt-motcua" not in html
    other = Campaign.objects.get(title__startswith="Khảo sát sự hài lòng năm 2019")
    assert staff.get(other.get_absolute_url()).status_code == 404


def test_qr_and_poster_render(login_as, campaign, tmp_path):
    client = login_as("vanphong")
    point = campaign.points.first()
    svg = client.get(reverse("surveys:point_qr", args=[point.pk])).content
    assert svg.startswith(b"<?xml") or b"<svg" in svg[:200]
    pdf = client.get(reverse("surveys:point_poster", args=[point.pk])).content
    (tmp_path / "poster.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "poster.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "MỜI ÔNG/BÀ ĐÁNH GIÁ" in text
    assert point.token in text
    report = client.get(reverse("surveys:campaign_report", args=[campaign.pk])).content
    assert report.startswith(b"%PDF")


def test_survey_points_reach_the_assessment_with_their_source(login_as):
    assessment = Assessment.objects.get(organization__code="dn-sct")
    login_as("dn.vanphong").post(reverse("surveys:survey_points_apply", args=[assessment.pk]))
    answer = Answer.objects.get(assessment=assessment, criterion__code="10.1")
    results = campaign_results(campaign=Campaign.objects.get(organization__code="dn-sct"))
    assert answer.inputs == {"share": str(results.sipas)}
    # Points are exact (no rounding unless the set says so), stored with 4 decimals.
    exact = answer.criterion.max_points * results.sipas / 100
    assert abs(answer.self_points - exact) <= Decimal("0.00005")
    assert f"n = {results.n} phiếu hợp lệ" in answer.prefill_source


def test_each_survey_criterion_takes_its_own_element_from_every_campaign_of_the_year(login_as):
    dn = Organization.objects.get(code="dn-sct")
    second = services.campaign_create(
        organization_id=dn.pk, title="Quý II/2019", starts_on=date(2019, 4, 1), ends_on=date(2019, 6, 30),
        target=Decimal(87), min_n=1, points=[(dn.pk, "DN-Q2")], by=user("dn.vanphong"),
    )  # fmt: skip
    for level in (1, 2, 2, 2):  # a poor quarter for procedures only
        Response.objects.create(campaign=second, point=second.points.get(), answers={"procedure": level, "staff": 5})
    assessment = Assessment.objects.get(organization__code="dn-sct")
    services.survey_points_apply(assessment=assessment, by=user("dn.vanphong"))

    pooled = [r.answers for r in Response.objects.filter(campaign__organization=dn, excluded=False)]
    procedure = [a.get("procedure") for a in pooled if a.get("procedure")]
    expected_share = (Decimal(sum(1 for level in procedure if level >= 4)) / len(procedure) * 100).quantize(
        Decimal("0.01")
    )
    answer = Answer.objects.get(assessment=assessment, criterion__code="10.2")
    assert answer.inputs == {"share": str(expected_share)}
    assert answer.self_explanation.startswith(f"Tỷ lệ hài lòng (thủ tục hành chính) {expected_share}".replace(".", ","))
    assert "Quý II/2019" in answer.prefill_source
    assert f"n = {len(pooled)} phiếu hợp lệ" in answer.prefill_source
    assert Answer.objects.get(assessment=assessment, criterion__code="10.5").self_points is None  # outside survey


def test_units_cannot_type_survey_points_but_the_coordinator_types_an_outside_survey(login_as):
    assessment = Assessment.objects.get(organization__code="dn-sct")
    element = Answer.objects.get(assessment=assessment, criterion__code="10.2")
    outside = Answer.objects.get(assessment=assessment, criterion__code="10.5")
    unit_head = login_as("dn.truongphong")
    refused = unit_head.post(
        reverse("assessments:answer_save", args=[element.pk]), {"share": "100", "version": element.version}
    )
    assert refused.status_code == 403
    assert Answer.objects.get(pk=element.pk).self_points is None
    assert "Lưu tự chấm" not in unit_head.get(reverse("assessments:answer_panel", args=[element.pk])).content.decode()
    coordinator = login_as("dn.vanphong")
    coordinator.post(
        reverse("assessments:answer_save", args=[outside.pk]),
        {"share": "80", "version": outside.version, "justification": "Kết quả khảo sát của UBND tỉnh"},
    )
    assert Answer.objects.get(pk=outside.pk).self_points == Decimal("2.80")


def test_survey_points_need_a_campaign_of_the_year(login_as):
    assessment = Assessment.objects.get(organization__code="dn-sct")
    Campaign.objects.filter(organization__code="dn-sct").delete()
    with pytest.raises(ApplicationError, match="Chưa có đợt khảo sát"):
        services.survey_points_apply(assessment=assessment, by=user("dn.vanphong"))


def test_export_opens_back(login_as, campaign):
    import openpyxl

    services.response_submit(point=campaign.points.first(), data={"answers": {"access": 5, "overall": 5}}, today=TODAY)
    content = login_as("vanphong").get(reverse("surveys:campaign_export", args=[campaign.pk])).getvalue()
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book["Kết quả"]["A3"].value == "Tiếp cận dịch vụ"
    assert book["Phiếu"].max_row == 2


def test_quarterly_figures_by_month_for_the_units_report(campaign):
    point = campaign.points.first()
    services.response_submit(point=point, data={"answers": {"access": 4, "overall": 4}}, today=TODAY)
    assert [row[0] for row in campaign_results(campaign=campaign).by_month] == [TODAY.strftime("%m/%Y")]


def test_dates_are_checked_when_opening_a_campaign():
    with pytest.raises(ApplicationError, match="Ngày kết thúc"):
        services.campaign_create(
            organization_id=Organization.objects.get(code="bp-stnmt").pk,
            title="x",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
            target=Decimal(87),
            min_n=5,
            points=[(Organization.objects.get(code="bp-stnmt-tt").pk, "x")],
            by=user("vanphong"),
        )


def test_a_coordinator_defines_a_template_and_opens_a_campaign_with_weights(login_as):
    client = login_as("vanphong")
    client.post(
        reverse("surveys:template_create"),
        {
            "owner_id": Organization.objects.get(code="bp-stnmt").pk,
            "name": "Mẫu rút gọn",
            "elements": ["access", "staff"],
            "perceptions": "",
            "improvements": "Giảm thời gian chờ",
        },
    )
    template = SurveyTemplate.objects.get(name="Mẫu rút gọn")
    assert (template.elements, template.improvements, template.ask_profile) == (
        ["access", "staff"],
        ["Giảm thời gian chờ"],
        False,
    )
    unit = Organization.objects.get(code="bp-stnmt-motcua")
    data = {
        "organization_id": Organization.objects.get(code="bp-stnmt").pk,
        "template": template.pk,
        "title": "Đợt rút gọn",
        "starts_on": TODAY.strftime("%d/%m/%Y"),
        "ends_on": TODAY.strftime("%d/%m/%Y"),
        "target": "87",
        "min_n": 5,
        "points": [unit.pk],
        **{f"w_{k}": "1" for k in ["access", "procedure", "staff", "result", "feedback"]},
        "w_access": "2",
    }
    assert client.post(reverse("surveys:campaign_create"), data).status_code == 302
    campaign = Campaign.objects.get(title="Đợt rút gọn")
    assert campaign.weights == {"access": "2"}
    html = client.get(campaign.points.get().get_public_url()).content.decode()
    assert "Công chức trực tiếp giải quyết" in html
    assert "Thủ tục hành chính" not in html
    assert "Độ tuổi" not in html


@pytest.mark.parametrize("user", ["vanphong", "lanhdao", "truongphong", "chuyenvien", "admin"])
def test_every_campaign_listed_opens_for_the_person_who_sees_the_list(login_as, user):
    client = login_as(user)
    listed = client.get(reverse("surveys:campaign_list")).context["campaigns"]
    for campaign in listed:
        assert client.get(campaign.get_absolute_url()).status_code == 200, (user, campaign.title)
