from __future__ import annotations

import operator
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from parindex.engine.survey import ELEMENTS, TABLE_KEYS, Cell, sipas, table_of_counts
from parindex.surveys.models import Campaign, Channel, ImprovementTally, PaperBatch, Response, ResponseTally
from parindex.surveys.tallies import COUNT_COLUMNS


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


class Counts:
    """Summed tally counts of some answers, in `tallies.COUNT_COLUMNS` order."""

    __slots__ = ("values",)

    def __init__(self, values=None) -> None:
        self.values = [int(v or 0) for v in values] if values is not None else [0] * len(COUNT_COLUMNS)

    def add(self, other: Counts) -> None:
        # map(add): a few hundred groups × three breakdowns a page; the comprehension cost twice as much
        self.values = list(map(operator.add, self.values, other.values))

    @property
    def n(self) -> int:
        return self.values[0]

    @property
    def comments(self) -> int:
        return self.values[1]

    def table(self, min_n: int) -> dict[str, Cell]:
        pairs = self.values[2:]
        return table_of_counts({key: (pairs[2 * i], pairs[2 * i + 1]) for i, key in enumerate(TABLE_KEYS)}, min_n=min_n)


SUMS = {f"sum_{column}": Sum(column) for column in COUNT_COLUMNS}


def _counts(row: dict) -> Counts:
    return Counts([row[f"sum_{column}"] for column in COUNT_COLUMNS])


def _sipas_of(counts: Counts, campaign: Campaign) -> tuple[int, Decimal | None]:
    cells = counts.table(campaign.min_n)
    weights = {k: Decimal(str(v)) for k, v in (campaign.weights or {}).items()}
    return counts.n, sipas({k: cells[k].index for k in ELEMENTS}, weights)


CHANNEL_LABELS = dict(Channel.choices)


def _groups(tallies: QuerySet[ResponseTally], *extra: str) -> list[dict]:
    """The tallies summed per service point name, channel, month and paper (and `extra`): a few
    hundred rows however many answers, which the result tables are added up from."""
    fields = ("point__name", "channel", "month", "paper", *extra)
    return list(tallies.values(*fields).annotate(**SUMS).order_by())


def _improvements(improvements: QuerySet[ImprovementTally]) -> list[tuple[str, int]]:
    """Choices by how often they were picked; ties in the order of their text."""
    rows = improvements.values("choice").annotate(total=Sum("count")).filter(total__gt=0).order_by()
    return sorted(((r["choice"], r["total"]) for r in rows), key=lambda item: (-item[1], item[0]))


def _results(groups: list[dict], improvements: list[tuple[str, int]], campaign: Campaign) -> CampaignResults:
    """The result tables of some counted answers' groups; `campaign` gives the minimum n, weights and target."""
    total = Counts()
    by: dict[str, dict] = {"point": defaultdict(Counts), "month": defaultdict(Counts), "channel": defaultdict(Counts)}
    paper = 0
    for row in groups:
        counts = _counts(row)
        if not counts.n:
            continue
        total.add(counts)
        by["point"][row["point__name"]].add(counts)
        by["month"][row["month"]].add(counts)
        by["channel"][CHANNEL_LABELS.get(row["channel"], row["channel"]) or "Không rõ"].add(counts)
        paper += counts.n if row["paper"] else 0
    n, overall_sipas = _sipas_of(total, campaign)
    result = CampaignResults(n=n, elements=total.table(campaign.min_n), sipas=overall_sipas)
    result.by_point = [(name, *_sipas_of(c, campaign)) for name, c in sorted(by["point"].items())]
    result.by_month = [(f"{month:%m/%Y}", *_sipas_of(c, campaign)) for month, c in sorted(by["month"].items())]
    result.by_channel = [(name, *_sipas_of(c, campaign)) for name, c in sorted(by["channel"].items())]
    result.improvements = improvements
    result.comments, result.paper = total.comments, paper
    result.missed_target = overall_sipas is not None and overall_sipas < campaign.target
    return result


def campaign_results(*, campaign: Campaign, point_ids: set[int] | None = None, channel: str = "") -> CampaignResults:
    """All the result tables from two queries over the campaign's tallies (never its answers)."""
    filters: dict = {"campaign": campaign}
    if point_ids is not None:
        filters["point_id__in"] = point_ids
    if channel:
        filters["channel"] = channel
    groups = _groups(ResponseTally.objects.filter(**filters))
    return _results(groups, _improvements(ImprovementTally.objects.filter(**filters)), campaign)


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
    filters: dict = {
        "campaign__organization_id": campaign.organization_id,
        "month__gte": quarter.first_day,
        "month__lte": quarter.last_day,
    }
    if unit_ids is not None:
        filters["point__organization_id__in"] = unit_ids
    groups = _groups(ResponseTally.objects.filter(**filters), "campaign_id")
    counted = {row["campaign_id"] for row in groups if row["sum_answers"]}
    campaigns = list(Campaign.objects.filter(pk__in=counted).order_by("starts_on", "pk"))
    reference = campaigns[-1] if campaigns else campaign
    improvements = _improvements(ImprovementTally.objects.filter(**filters))
    return QuarterResults(quarter, reference, campaigns, _results(groups, improvements, reference))


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
    pooled = _counts(ResponseTally.objects.filter(campaign__in=campaigns).aggregate(**SUMS))
    latest = campaigns[-1]
    n, pooled_sipas = _sipas_of(pooled, latest)
    return YearResults(campaigns, n, pooled.table(latest.min_n), pooled_sipas)


TREND_LENGTH = 8


def trend_labels(trend: list[tuple[Campaign, Decimal | None]]) -> list[str]:
    """Short axis labels: the month a campaign starts (titles are long and all alike)."""
    return [f"{campaign.starts_on:%m/%Y}" for campaign, _ in trend]


def campaign_trend(*, organization_id: int) -> list[tuple[Campaign, Decimal | None]]:
    """SIPAS of the organization's last campaigns, oldest first, in two queries."""
    campaigns = list(Campaign.objects.filter(organization_id=organization_id).order_by("-starts_on")[:TREND_LENGTH])
    rows = ResponseTally.objects.filter(campaign__in=campaigns).values("campaign_id").annotate(**SUMS).order_by()
    counts = defaultdict(Counts, {row["campaign_id"]: _counts(row) for row in rows})
    return [(c, _sipas_of(counts[c.pk], c)[1]) for c in reversed(campaigns)]


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
    more_batches: int = 0  # batches left off the list (only the latest `limit` are listed)


def paper_batches(*, campaign: Campaign, point_ids: set[int] | None = None) -> QuerySet[PaperBatch]:
    """The campaign's batches, latest received first, with how many forms were typed in and counted."""
    batches = PaperBatch.objects.filter(point__campaign=campaign).select_related("point", "entered_by", "excluded_by")
    if point_ids is not None:
        batches = batches.filter(point_id__in=point_ids)
    return batches.annotate(
        entered=Count("responses"),
        counted=Count("responses", filter=Q(responses__excluded=False, responses__held=False)),
    ).order_by("-received_on", "-pk")  # Meta.ordering is dropped from a GROUP BY query


def paper_summary(*, campaign: Campaign, point_ids: set[int] | None = None, limit: int = 20) -> PaperSummary:
    batches = paper_batches(campaign=campaign, point_ids=point_ids)
    listed = list(batches[:limit])
    more = batches.count() - len(listed) if len(listed) == limit else 0
    held = Response.objects.filter(campaign=campaign, held=True)
    if point_ids is not None:
        held = held.filter(point_id__in=point_ids)
    return PaperSummary(listed, held.count(), more)


HELD_PER_PAGE = 30
OTHERS_SHOWN = 5  # earlier answers listed per dossier code; the rest are counted


def held_responses(*, campaign: Campaign, page_number=None) -> tuple[Page, list[tuple[Response, list[Response], int]]]:
    """One page of the answers held for review, each with the first answers given with its
    dossier code (at most OTHERS_SHOWN) and how many more there are."""
    held = Response.objects.filter(campaign=campaign, held=True).select_related("point").order_by("created_at", "pk")
    page = Paginator(held, HELD_PER_PAGE).get_page(page_number)
    rows = list(page)
    codes = {r.dossier_code for r in rows}
    others_of = Response.objects.filter(campaign=campaign, dossier_code__in=codes, held=False)
    totals = dict(others_of.values("dossier_code").annotate(n=Count("pk")).values_list("dossier_code", "n").order_by())
    rank = Window(RowNumber(), partition_by=[F("dossier_code")], order_by=[F("created_at").asc(), F("pk").asc()])
    others = defaultdict(list)
    for other in (
        others_of.select_related("point")
        .annotate(rank=rank)
        .filter(rank__lte=OTHERS_SHOWN)
        .order_by("created_at", "pk")
    ):
        others[other.dossier_code].append(other)
    return page, [
        (r, others[r.dossier_code], totals.get(r.dossier_code, 0) - len(others[r.dossier_code])) for r in rows
    ]
