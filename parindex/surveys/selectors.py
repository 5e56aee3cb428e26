from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from parindex.engine.survey import ELEMENTS, Cell, sipas, table
from parindex.surveys.models import Campaign, PaperBatch, Response


@dataclass
class CampaignResults:
    n: int
    elements: dict[str, Cell]
    sipas: Decimal | None
    by_point: list[tuple[str, int, Decimal | None]] = field(default_factory=list)
    by_month: list[tuple[str, int, Decimal | None]] = field(default_factory=list)
    by_channel: list[tuple[str, int, Decimal | None]] = field(default_factory=list)
    improvements: list[tuple[str, int]] = field(default_factory=list)
    missed_target: bool = False
    comments: int = 0  # valid answers with a written comment
    paper: int = 0  # valid answers typed in from paper forms

    @property
    def paper_share(self) -> Decimal | None:
        """Percentage of the valid answers that came from paper forms (a high share deserves a look)."""
        return (Decimal(self.paper) * 100 / self.n).quantize(Decimal("0.1")) if self.n else None


def _sipas_of(answers, campaign: Campaign) -> tuple[int, Decimal | None]:
    cells = table(answers, min_n=campaign.min_n)
    weights = {k: Decimal(str(v)) for k, v in (campaign.weights or {}).items()}
    return len(answers), sipas({k: cells[k].index for k in ELEMENTS}, weights)


ROW_FIELDS = ("answers", "point__name", "created_at", "answered_on", "channel", "improvements", "comment", "paper")


def _results(rows: list[Response], campaign: Campaign) -> CampaignResults:
    """The result tables of some valid answers; `campaign` gives the minimum n, weights and target."""
    answers = [r.answers for r in rows]
    n, overall_sipas = _sipas_of(answers, campaign)
    cells = table(answers, min_n=campaign.min_n)
    result = CampaignResults(n=n, elements=cells, sipas=overall_sipas)
    groups: dict[str, dict[str, list]] = {
        "point": defaultdict(list),
        "month": defaultdict(list),
        "channel": defaultdict(list),
    }
    improvements: Counter = Counter()
    for row in rows:
        groups["point"][row.point.name].append(row.answers)
        groups["month"][row.answered_date.strftime("%m/%Y")].append(row.answers)
        groups["channel"][row.get_channel_display() or "Không rõ"].append(row.answers)
        improvements.update(row.improvements or [])
        result.comments += bool(row.comment.strip())
        result.paper += row.paper
    result.by_point = [(name, *_sipas_of(items, campaign)) for name, items in sorted(groups["point"].items())]
    result.by_month = [
        (name, *_sipas_of(items, campaign))
        for name, items in sorted(groups["month"].items(), key=lambda i: i[0][3:] + i[0][:2])
    ]
    result.by_channel = [(name, *_sipas_of(items, campaign)) for name, items in sorted(groups["channel"].items())]
    result.improvements = improvements.most_common()
    result.missed_target = overall_sipas is not None and overall_sipas < campaign.target
    return result


def campaign_results(*, campaign: Campaign, point_ids: set[int] | None = None, channel: str = "") -> CampaignResults:
    """All the result tables from one query over the campaign's valid answers."""
    responses = Response.objects.counted().filter(campaign=campaign).select_related("point")
    if point_ids is not None:
        responses = responses.filter(point_id__in=point_ids)
    if channel:
        responses = responses.filter(channel=channel)
    return _results(list(responses.only(*ROW_FIELDS)), campaign)


QUARTER_NUMERALS = ("I", "II", "III", "IV")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1–4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"Quý {QUARTER_NUMERALS[self.number - 1]}/{self.year}"


def answered_between(responses: QuerySet[Response], first: date, last: date) -> QuerySet[Response]:
    """Answers whose day (`Response.answered_date`) is within first..last: the date on a paper
    form, else the time received, compared with local (Asia/Ho_Chi_Minh) midnights."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(first, time.min), zone)
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min), zone)
    return responses.filter(
        Q(answered_on__gte=first, answered_on__lte=last)
        | Q(answered_on__isnull=True, created_at__gte=start, created_at__lt=end)
    )


@dataclass
class QuarterResults:
    quarter: Quarter
    campaign: Campaign  # whose target, weights and minimum n apply
    campaigns: list[Campaign]  # the campaigns that gave answers in the quarter
    results: CampaignResults


def quarter_results(*, campaign: Campaign, quarter: Quarter, unit_ids: set[int] | None = None) -> QuarterResults:
    """The quarterly satisfaction report (TC 8.1): every valid answer dated in the quarter, from
    any campaign of the campaign's organization (a campaign may span quarters, and a paper form
    of one quarter may be typed in the next), limited to the service points of `unit_ids`
    (None: all). The latest campaign that gave answers sets the target, weights and minimum n."""
    responses = Response.objects.counted().filter(campaign__organization_id=campaign.organization_id)
    if unit_ids is not None:
        responses = responses.filter(point__organization_id__in=unit_ids)
    responses = answered_between(responses, quarter.first_day, quarter.last_day)
    rows = list(responses.select_related("point").only(*ROW_FIELDS, "campaign"))
    campaigns = list(Campaign.objects.filter(pk__in={r.campaign_id for r in rows}).order_by("starts_on", "pk"))
    reference = campaigns[-1] if campaigns else campaign
    return QuarterResults(quarter, reference, campaigns, _results(rows, reference))


@dataclass
class YearResults:
    campaigns: list[Campaign]
    n: int
    cells: dict[str, Cell]
    sipas: Decimal | None

    def share(self, source: str) -> Decimal | None:
        """The satisfied share a survey rule's `source` names."""
        return self.sipas if source == "sipas" else self.cells[source].index

    def describe(self) -> str:
        titles = "; ".join(f"“{c.title}”" for c in self.campaigns)
        return f"khảo sát năm {self.campaigns[-1].ends_on.year} ({titles}), n = {self.n} phiếu hợp lệ"


def year_results(*, organization_id: int, year: int) -> YearResults | None:
    """Every valid answer of the organization's campaigns that end in `year`, pooled: a year of
    quarterly campaigns gives one yearly figure, with the latest campaign's weights and minimum n."""
    campaigns = list(Campaign.objects.filter(organization_id=organization_id, ends_on__year=year).order_by("ends_on"))
    if not campaigns:
        return None
    answers = list(Response.objects.counted().filter(campaign__in=campaigns).values_list("answers", flat=True))
    latest = campaigns[-1]
    n, pooled_sipas = _sipas_of(answers, latest)
    return YearResults(campaigns, n, table(answers, min_n=latest.min_n), pooled_sipas)


TREND_LENGTH = 8


def trend_labels(trend: list[tuple[Campaign, Decimal | None]]) -> list[str]:
    """Short axis labels: the month a campaign starts (titles are long and all alike)."""
    return [f"{campaign.starts_on:%m/%Y}" for campaign, _ in trend]


def campaign_trend(*, organization_id: int) -> list[tuple[Campaign, Decimal | None]]:
    """SIPAS of the organization's last campaigns, oldest first, in two queries."""
    campaigns = list(Campaign.objects.filter(organization_id=organization_id).order_by("-starts_on")[:TREND_LENGTH])
    answers: dict[int, list] = defaultdict(list)
    rows = Response.objects.counted().filter(campaign__in=campaigns).values_list("campaign_id", "answers")
    for campaign_id, levels in rows:
        answers[campaign_id].append(levels)
    return [(c, _sipas_of(answers[c.pk], c)[1]) for c in reversed(campaigns)]


@dataclass
class DashboardSatisfaction:
    campaign: Campaign
    results: CampaignResults
    element_rows: list[tuple[str, Cell]]
    trend_labels: list[str]
    trend_values: list[float | None]


def dashboard_satisfaction(*, access) -> DashboardSatisfaction | None:
    """The latest campaign of a department the user oversees, with its trend (dashboard card)."""
    from parindex.organizations.permissions import Perm

    scope = access.org_ids_with(Perm.SURVEY_VIEW) & access.org_ids_with(Perm.ORG_VIEW)
    campaign = Campaign.objects.filter(organization_id__in=scope).order_by("-starts_on").first()
    if campaign is None:
        return None
    results = campaign_results(campaign=campaign)
    trend = campaign_trend(organization_id=campaign.organization_id)
    rows = [(label, results.elements[key]) for key, label in ELEMENTS.items()]
    return DashboardSatisfaction(
        campaign,
        results,
        rows,
        trend_labels(trend),
        [float(v) if v is not None else None for _, v in trend],
    )


@dataclass
class PaperSummary:
    batches: list  # PaperBatch, with .entered (forms typed in) and .counted (of them, in the results)
    held: int  # answers waiting for a decision (a dossier code answered twice)


def paper_summary(*, campaign: Campaign, point_ids: set[int] | None = None) -> PaperSummary:
    batches = PaperBatch.objects.filter(point__campaign=campaign).select_related("point", "entered_by", "excluded_by")
    if point_ids is not None:
        batches = batches.filter(point_id__in=point_ids)
    batches = batches.annotate(
        entered=Count("responses"),
        counted=Count("responses", filter=Q(responses__excluded=False, responses__held=False)),
    )
    held = Response.objects.filter(campaign=campaign, held=True)
    if point_ids is not None:
        held = held.filter(point_id__in=point_ids)
    return PaperSummary(list(batches), held.count())


def held_responses(*, campaign: Campaign) -> list[tuple[Response, list[Response]]]:
    """Each answer held for review with the other answers given with its dossier code."""
    held = list(Response.objects.filter(campaign=campaign, held=True).select_related("point").order_by("created_at"))
    codes = {r.dossier_code for r in held}
    others = defaultdict(list)
    for row in Response.objects.filter(campaign=campaign, dossier_code__in=codes, held=False).select_related("point"):
        others[row.dossier_code].append(row)
    return [(r, sorted(others[r.dossier_code], key=lambda o: o.created_at)) for r in held]
