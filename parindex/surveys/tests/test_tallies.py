"""The survey tallies: every write keeps them, a rebuild from the answers equals them, and the
result tables read from them equal the tables computed from the answers themselves."""

from __future__ import annotations

import io
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from parindex.accounts.models import User
from parindex.engine.survey import ELEMENTS, sipas, table
from parindex.organizations.models import Organization
from parindex.surveys import services
from parindex.surveys.models import Campaign, ImprovementTally, PaperBatch, Response, ResponseTally
from parindex.surveys.selectors import (
    Quarter,
    campaign_results,
    campaign_trend,
    quarter_results,
    year_results,
)
from parindex.surveys.tallies import COUNT_COLUMNS, KEY_COLUMNS, rebuild

pytestmark = pytest.mark.usefixtures("demo")
KEYS = [*ELEMENTS, "overall"]
CHOICES = services.IMPROVEMENTS[:4]
START = date(2025, 1, 1)


# --- the tables as they were computed before the tallies: from every counted answer -----------


def _sipas_of(answers, campaign):
    cells = table(answers, min_n=campaign.min_n)
    weights = {k: Decimal(str(v)) for k, v in (campaign.weights or {}).items()}
    return len(answers), sipas({k: cells[k].index for k in ELEMENTS}, weights)


def reference(rows: list[Response], campaign: Campaign) -> dict:
    answers = [r.answers for r in rows]
    groups = {"point": defaultdict(list), "month": defaultdict(list), "channel": defaultdict(list)}
    improvements: Counter = Counter()
    comments = paper = 0
    for row in rows:
        groups["point"][row.point.name].append(row.answers)
        groups["month"][row.answered_date.strftime("%m/%Y")].append(row.answers)
        groups["channel"][row.get_channel_display() or "Không rõ"].append(row.answers)
        improvements.update(row.improvements or [])
        comments += bool(row.comment.strip())
        paper += row.paper
    n, overall = _sipas_of(answers, campaign)
    return {
        "n": n,
        "sipas": overall,
        "elements": table(answers, min_n=campaign.min_n),
        "by_point": [(k, *_sipas_of(v, campaign)) for k, v in sorted(groups["point"].items())],
        "by_month": [
            (k, *_sipas_of(v, campaign)) for k, v in sorted(groups["month"].items(), key=lambda i: i[0][3:] + i[0][:2])
        ],
        "by_channel": [(k, *_sipas_of(v, campaign)) for k, v in sorted(groups["channel"].items())],
        "improvements": sorted(improvements.items(), key=lambda i: (-i[1], i[0])),
        "comments": comments,
        "paper": paper,
        "missed_target": overall is not None and overall < campaign.target,
    }


def shown(results) -> dict:
    return {key: getattr(results, key) for key in reference([], Campaign(min_n=1, target=0))}


def counted_rows(responses) -> list[Response]:
    return list(responses.counted().select_related("point"))


# --- random answers -----------------------------------------------------------------------------


def clerk() -> User:
    return User.objects.get(username="vanphong")


@pytest.fixture
def campaign():
    """Bình Phước's 2025 campaign on two units, three points (two of the same name)."""
    units = list(Organization.objects.filter(code__in=["bp-stnmt-motcua", "bp-stnmt-tt"]).order_by("code"))
    campaign = services.campaign_create(
        organization_id=Organization.objects.get(code="bp-stnmt").pk,
        title="Khảo sát ngẫu nhiên 2025",
        starts_on=START,
        ends_on=date(2025, 12, 31),
        target=Decimal(87),
        min_n=3,
        points=[(units[0].pk, "Một cửa"), (units[1].pk, "Trung tâm"), (units[1].pk, "Một cửa")],
        weights={"staff": 2, "result": "0.5"},
        by=clerk(),
    )
    return campaign


def random_data(rng: random.Random) -> dict:
    answers = {}
    for key in KEYS:
        roll = rng.random()
        if roll < 0.8:
            answers[key] = rng.randint(1, 5)
        elif roll < 0.9:
            answers[key] = None
    return {
        "answers": answers,
        "channel": rng.choice(["desk", "online", "postal", ""]),
        "improvements": rng.sample(CHOICES, rng.randrange(0, 3)),
        "comment": rng.choice(["", "", "  ", "Tốt", "Chờ lâu"]),
        "dossier_code": rng.choice(["", "", "", "HS-1", "HS-2", "HS-3"]),
    }


def moment(rng: random.Random) -> datetime:
    """Some time in 2025, local hours 0–23, so that UTC and local dates differ at times."""
    day = START + timedelta(days=rng.randrange(364))
    return timezone.make_aware(datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60)))


def submit(campaign, rng) -> Response:
    point = rng.choice(list(campaign.points.all()))
    with mock.patch("django.utils.timezone.now", return_value=moment(rng)):
        return services.response_submit(point=point, data=random_data(rng), today=date(2025, 6, 1))


def add_paper(campaign, rng) -> Response | None:
    batches = list(PaperBatch.objects.filter(point__campaign=campaign, excluded=False))
    if not batches or rng.random() < 0.2:
        received = START + timedelta(days=rng.randrange(30, 364))
        point = rng.choice(list(campaign.points.all()))
        batch = services.paper_batch_create(
            point=point, forms_received=50, collected_by="Thu", received_on=received, today=date(2025, 12, 31),
            by=clerk(),
        )  # fmt: skip
        batches.append(batch)
    batch = rng.choice(batches)
    data = random_data(rng)
    data["answered_on"] = batch.received_on - timedelta(days=rng.randrange(20))
    return services.paper_form_add(batch=batch, data=data, by=clerk())


def random_step(campaign, rng) -> None:
    roll = rng.random()
    stored = list(campaign.responses.order_by("pk"))
    if roll < 0.45 or not stored:
        submit(campaign, rng)
    elif roll < 0.65:
        add_paper(campaign, rng)
    elif roll < 0.75:
        services.response_exclude(response=rng.choice(stored), reason="Phiếu thử", by=clerk())
    elif roll < 0.85:
        held = [r for r in stored if r.held]
        if held:
            services.held_response_decide(response=rng.choice(held), keep=rng.random() < 0.5, reason="Xem", by=clerk())
    elif roll < 0.92:
        batches = list(PaperBatch.objects.filter(point__campaign=campaign, excluded=False))
        if batches:
            services.paper_batch_exclude(batch=rng.choice(batches), reason="Lô nghi vấn", by=clerk())
    else:
        victim = rng.choice([r for r in stored if r.batch_id is None] or stored)
        if victim.batch_id is None:
            victim.delete()


def snapshot(campaign_id: int | None = None) -> tuple[set, set]:
    tallies, improvements = ResponseTally.objects.all(), ImprovementTally.objects.all()
    if campaign_id is not None:
        tallies, improvements = tallies.filter(campaign_id=campaign_id), improvements.filter(campaign_id=campaign_id)
    counts = {row for row in tallies.values_list(*KEY_COLUMNS, *COUNT_COLUMNS) if any(row[len(KEY_COLUMNS) :])}
    choices = {row for row in improvements.values_list(*KEY_COLUMNS, "choice", "count") if row[-1]}
    return counts, choices


# --- tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_writes_keep_the_tallies_equal_to_a_rebuild_and_the_tables_to_the_answers(campaign, seed):
    rng = random.Random(seed)
    for _ in range(120):
        random_step(campaign, rng)
    assert campaign.responses.filter(held=True).exists() or seed != 1  # the sequence reaches the held path
    assert PaperBatch.objects.filter(point__campaign=campaign, excluded=True).exists() or seed != 1
    incremental = snapshot(campaign.pk)
    rebuild(campaign_id=campaign.pk)
    assert snapshot(campaign.pk) == incremental

    assert shown(campaign_results(campaign=campaign)) == reference(counted_rows(campaign.responses), campaign)
    point_ids = set(campaign.points.filter(name="Một cửa").values_list("pk", flat=True))
    only = campaign.responses.filter(point_id__in=point_ids, channel="desk")
    assert shown(campaign_results(campaign=campaign, point_ids=point_ids, channel="desk")) == reference(
        counted_rows(only), campaign
    )


def test_quarter_year_and_trend_figures_equal_those_of_the_answers(campaign):
    rng = random.Random(7)
    for _ in range(80):
        random_step(campaign, rng)
    rows = counted_rows(Response.objects.filter(campaign__organization_id=campaign.organization_id))
    for number in (1, 2, 3, 4):
        quarter = Quarter(2025, number)
        report = quarter_results(campaign=campaign, quarter=quarter)
        in_quarter = [r for r in rows if quarter.first_day <= r.answered_date <= quarter.last_day]
        assert shown(report.results) == reference(in_quarter, report.campaign)
        assert {c.pk for c in report.campaigns} == {r.campaign_id for r in in_quarter}
    unit = campaign.points.get(name="Trung tâm").organization_id
    report = quarter_results(campaign=campaign, quarter=Quarter(2025, 2), unit_ids={unit})
    in_unit = [r for r in rows if r.point.organization_id == unit and Quarter.of(r.answered_date) == Quarter(2025, 2)]
    assert shown(report.results) == reference(in_unit, report.campaign)

    pooled = year_results(organization_id=campaign.organization_id, year=2025)
    expected = reference([r for r in rows if r.campaign.ends_on.year == 2025], campaign)
    assert (pooled.n, pooled.sipas, pooled.cells) == (expected["n"], expected["sipas"], expected["elements"])
    trend = dict(campaign_trend(organization_id=campaign.organization_id))
    assert trend[campaign] == reference(counted_rows(campaign.responses), campaign)["sipas"]


def tallied(campaign) -> tuple[int, int]:
    """(answers, staff valid levels) in the campaign's tallies."""
    row = [0, 0]
    for answers, staff in ResponseTally.objects.filter(campaign=campaign).values_list("answers", "staff_n"):
        row[0] += answers
        row[1] += staff
    return tuple(row)


def test_each_write_path_moves_the_counts(campaign):
    point = campaign.points.order_by("pk").first()
    first = services.response_submit(
        point=point, data={"answers": {"staff": 5, "overall": 4}, "dossier_code": "HS-9"}, today=date(2025, 6, 1)
    )
    assert tallied(campaign) == (1, 1)
    second = services.response_submit(
        point=point, data={"answers": {"staff": 2}, "dossier_code": "HS-9"}, today=date(2025, 6, 1)
    )
    assert second.held
    assert tallied(campaign) == (1, 1)  # held: not counted
    services.held_response_decide(response=second, keep=True, reason="Người nộp thật", by=clerk())
    assert tallied(campaign) == (1, 1)  # the earlier answer out, the held one in
    assert ResponseTally.objects.get(campaign=campaign).staff_satisfied == 0
    services.response_exclude(response=Response.objects.get(pk=second.pk), reason="Thử", by=clerk())
    assert tallied(campaign) == (0, 0)

    batch = services.paper_batch_create(
        point=point, forms_received=3, collected_by="Thu", received_on=date(2025, 5, 2), today=date(2025, 6, 1),
        by=clerk(),
    )  # fmt: skip
    for level in (4, 5):
        services.paper_form_add(batch=batch, data={"answers": {"staff": level}}, by=clerk())
    assert tallied(campaign) == (2, 2)
    assert ResponseTally.objects.get(campaign=campaign, paper=True, answers=2).month == date(2025, 5, 1)
    services.paper_batch_exclude(batch=batch, reason="Lô nghi vấn", by=clerk())
    assert tallied(campaign) == (0, 0)
    with pytest.raises(services.ApplicationError):
        services.paper_form_add(batch=batch, data={"answers": {"staff": 5}}, by=clerk())

    third = services.response_submit(point=point, data={"answers": {"staff": 3}}, today=date(2025, 6, 1))
    assert tallied(campaign) == (1, 1)
    third.delete()
    assert tallied(campaign) == (0, 0)
    first.refresh_from_db()
    assert first.excluded  # the held answer was kept over it
    assert snapshot(campaign.pk)[0] == set()


def test_an_answer_saved_as_it_was_moves_nothing(campaign):
    response = services.response_submit(
        point=campaign.points.first(), data={"answers": {"staff": 5}, "improvements": ["A"]}, today=date(2025, 6, 1)
    )
    before = snapshot(campaign.pk)
    Response.objects.get(pk=response.pk).save()
    response.exclusion_reason = "ghi chú"
    response.save(update_fields=["exclusion_reason"])
    assert snapshot(campaign.pk) == before


def test_the_command_rebuilds_all_or_one_campaign(campaign):
    rng = random.Random(11)
    for _ in range(20):
        submit(campaign, rng)
    everything = snapshot()
    ResponseTally.objects.all().delete()
    ImprovementTally.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_survey_tallies", stdout=out)
    assert snapshot() == everything
    assert "phiếu hợp lệ" in out.getvalue()
    ResponseTally.objects.filter(campaign=campaign).update(answers=999)
    call_command("rebuild_survey_tallies", campaign=campaign.pk, stdout=out)
    assert snapshot() == everything


def test_the_tables_take_the_same_few_queries_however_many_answers(campaign):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> list[int]:
        counts = []
        for read in (
            lambda: campaign_results(campaign=campaign),
            lambda: quarter_results(campaign=campaign, quarter=Quarter(2025, 2)),
            lambda: year_results(organization_id=campaign.organization_id, year=2025),
            lambda: campaign_trend(organization_id=campaign.organization_id),
        ):
            with CaptureQueriesContext(connection) as captured:
                read()
            counts.append(len(captured))
        return counts

    rng = random.Random(5)
    submit(campaign, rng)
    few = queries()
    for _ in range(60):
        submit(campaign, rng)
    assert queries() == few
    assert few == [2, 3, 2, 2]
