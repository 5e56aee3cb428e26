"""Demo survey campaigns with generated answers (deterministic), for the results and trend pages."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from parindex.engine.survey import ELEMENTS
from parindex.organizations.models import Organization
from parindex.surveys.models import Campaign, Channel, Response
from parindex.surveys.services import IMPROVEMENTS, campaign_create
from parindex.surveys.tallies import rebuild

COMMENTS = [
    "Cán bộ hướng dẫn tận tình, dễ hiểu.",
    "Thời gian chờ còn lâu, mong bố trí thêm quầy.",
    "Nên có chỗ đỗ xe rộng hơn.",
    "Thủ tục đã gọn hơn năm trước.",
    "Kết quả trả đúng hẹn, cảm ơn.",
    "",
    "",
]


def load_demo_surveys(*, today: date) -> int:
    created = 0
    users = get_user_model().objects
    bp = Organization.objects.get(code="bp-stnmt")
    units = {o.code: o for o in Organization.objects.filter(code__in=["bp-stnmt-motcua", "bp-stnmt-vpdkdd"])}
    quarters = [(date(today.year, m, 1), date(today.year, m + 2, 28 if m + 2 == 2 else 30)) for m in (1, 4, 7, 10)]
    for number, (start, end) in enumerate(quarters, start=1):
        if start > today:
            break
        title = f"Khảo sát sự hài lòng quý {['I', 'II', 'III', 'IV'][number - 1]}/{today.year}"
        if not Campaign.objects.filter(organization=bp, title=title).exists():
            campaign = campaign_create(
                organization_id=bp.pk,
                title=title,
                starts_on=start,
                ends_on=max(end, today) if number == 4 else end,
                target=Decimal(87),
                min_n=5,
                points=[
                    (units["bp-stnmt-motcua"].pk, "Bộ phận một cửa"),
                    (units["bp-stnmt-vpdkdd"].pk, "Văn phòng Đăng ký đất đai"),
                ],
                by=users.get(username="vanphong"),
            )
            _answers(campaign, 90 + 20 * number, satisfaction=0.80 + 0.025 * number, seed=number, today=today)
            created += 1
    dn = Organization.objects.get(code="dn-sct")
    if not Campaign.objects.filter(organization=dn).exists():
        campaign = campaign_create(
            organization_id=dn.pk,
            title="Khảo sát sự hài lòng năm 2019 — Sở Công Thương",
            starts_on=date(2019, 10, 1),
            ends_on=date(2019, 11, 30),
            target=Decimal(85),
            min_n=5,
            points=[(Organization.objects.get(code="dn-sct-vp").pk, "Bộ phận một cửa Sở Công Thương")],
            by=users.get(username="dn.vanphong"),
        )
        _answers(campaign, 150, satisfaction=0.84, seed=99, today=date(2019, 11, 30))
        created += 1
    return created


def _answers(campaign: Campaign, count: int, *, satisfaction: float, seed: int, today: date) -> None:
    rng = random.Random(seed)
    points = list(campaign.points.all())
    last = min(campaign.ends_on, today)
    span = max(1, (last - campaign.starts_on).days)
    rows = []
    for i in range(count):
        level = {k: _level(rng, satisfaction) for k in ELEMENTS}
        day = campaign.starts_on + timedelta(days=rng.randrange(span))
        rows.append(
            Response(
                campaign=campaign,
                point=points[i % len(points)],
                answers={**level, "overall": _level(rng, satisfaction)},
                channel=rng.choice([Channel.DESK, Channel.DESK, Channel.ONLINE, Channel.POSTAL]),
                improvements=rng.sample(IMPROVEMENTS, rng.randrange(0, 3)),
                comment=rng.choice(COMMENTS),
                paper=rng.random() < 0.1,
                age_band=rng.choice(["<30", "30-44", "45-59", "60+"]),
            )
        )
        rows[-1].created_at_override = timezone.make_aware(datetime.combine(day, time(9 + i % 8)))
    Response.objects.bulk_create(rows)
    _spread(campaign, rows)  # created_at is auto_now_add: spread the answers over the campaign's days
    rebuild(campaign_id=campaign.pk)  # bulk writes bypass Response.save, which keeps the tallies


def _spread(campaign: Campaign, rows: list[Response]) -> None:
    by_day: dict[datetime, list[int]] = {}
    for saved, row in zip(Response.objects.filter(campaign=campaign).order_by("pk"), rows, strict=True):
        by_day.setdefault(row.created_at_override, []).append(saved.pk)
    for moment, ids in by_day.items():
        Response.objects.filter(pk__in=ids).update(created_at=moment)


def _level(rng: random.Random, satisfaction: float) -> int:
    roll = rng.random()
    if roll < satisfaction:
        return 5 if rng.random() < 0.4 else 4
    return rng.choice([1, 2, 3, 3, 3])
