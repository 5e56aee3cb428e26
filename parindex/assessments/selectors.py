"""Reads for assessments: the side-by-side sheet (self, round 1, final), results and ranking,
points lost — each in a fixed number of queries whatever the size of the set."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from parindex.assessments import totals
from parindex.assessments.models import Answer, Assessment, AssessmentRound, Evidence, State
from parindex.assessments.set_structure import set_structure
from parindex.criteria.models import AssignmentRole, Criterion, Scoring
from parindex.engine.numbers import ZERO
from parindex.engine.scoring import ClassBand, Rollup, classify, rank

COLUMNS = totals.COLUMNS


@dataclass
class SheetRow:
    criterion: Criterion
    depth: int
    is_leaf: bool
    answer: Answer | None
    points: dict[str, Decimal | None]
    kind_label: str = ""
    survey_pending: bool = False
    lead_ids: set[int] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)
    evidence_count: int = 0

    @property
    def lost(self) -> Decimal:
        final = self.points["final"]
        if self.criterion.max_points is None or final is None:
            return ZERO
        return max(ZERO, self.criterion.max_points - final)

    @property
    def difference(self) -> Decimal | None:
        if self.points["self"] is None or self.points["final"] is None:
            return None
        return self.points["final"] - self.points["self"]


@dataclass
class Sheet:
    assessment: Assessment
    rows: list[SheetRow]
    rollups: dict[str, Rollup]
    bands: list[ClassBand]
    data: _SheetData | None = field(default=None, repr=False)

    def index(self, column: str = "final") -> Decimal:
        return self.rollups[column].index

    def band(self, column: str = "final") -> str:
        return classify(self.index(column), self.bands)


def _bands(criteria_set) -> list[ClassBand]:
    return [ClassBand(b["label"], Decimal(b["at_least"]) if b.get("at_least") else None) for b in criteria_set.bands]


def leaf_points(answer: Answer | None, criterion: Criterion) -> dict[str, Decimal | None]:
    if answer is None:
        return dict.fromkeys(COLUMNS)
    return totals.leaf_columns(criterion.scoring, answer.self_points, answer.appraised_1, answer.appraised_2)


@dataclass
class _SheetData:
    """What a sheet is built from, kept so a what-if can rebuild it without a query."""

    criteria: list[Criterion]
    assignments: dict[int, dict[int, str]]
    answers: dict[int, Answer]
    evidence_counts: dict[int, int]


def _sheet_data(assessment: Assessment) -> _SheetData:
    criteria_set = assessment.round.criteria_set
    # Counted in SQL for this organization only: prefetching every department's evidence of the
    # set grows with the province.
    links = Evidence.criteria.through.objects.filter(
        criterion__criteria_set=criteria_set, evidence__organization_id=assessment.organization_id
    )
    counts = dict(links.values("criterion_id").annotate(n=Count("evidence_id")).values_list("criterion_id", "n"))
    structure = set_structure(criteria_set)
    return _SheetData(
        criteria=structure.criteria,
        assignments=structure.assignments,
        answers={a.criterion_id: a for a in Answer.objects.filter(assessment=assessment)},
        evidence_counts=counts,
    )


def sheet_for(*, assessment: Assessment, overrides: dict[int, Decimal] | None = None) -> Sheet:
    """The assessment's tree with three rolled-up columns. `overrides` (criterion id → points)
    replaces final points without saving them: the what-if view."""
    return _build_sheet(assessment, _sheet_data(assessment), overrides)


def sheet_with(sheet: Sheet, overrides: dict[int, Decimal]) -> Sheet:
    """The same sheet with `overrides` applied, rebuilt from what it was built from (no query)."""
    return _build_sheet(sheet.assessment, sheet.data, overrides)


def _build_sheet(assessment: Assessment, data: _SheetData, overrides) -> Sheet:
    criteria_set = assessment.round.criteria_set
    criteria, assignments, answers = data.criteria, data.assignments, data.answers
    parents = {c.parent_id for c in criteria}
    rows = []
    for criterion in criteria:
        is_leaf = criterion.pk not in parents
        answer = answers.get(criterion.pk) if is_leaf else None
        points = leaf_points(answer, criterion) if is_leaf else dict.fromkeys(COLUMNS)
        if overrides and criterion.pk in overrides:
            points = {**points, "final": overrides[criterion.pk]}
        rows.append(
            SheetRow(
                criterion=criterion,
                depth=criterion.level - 1,
                is_leaf=is_leaf,
                answer=answer,
                points=points,
                kind_label=criterion.kind_label if is_leaf else "",
                survey_pending=is_leaf and criterion.scoring == Scoring.SURVEY and points["self"] is None,
                lead_ids={o for o, r in assignments.get(criterion.pk, {}).items() if r == AssignmentRole.LEAD},
                unit_ids=set(assignments.get(criterion.pk, {})),
                evidence_count=data.evidence_counts.get(criterion.pk, 0),
            )
        )
    leaves = [(row.criterion.code, row.points, bool(row.answer and row.answer.self_excluded))
              for row in rows if row.is_leaf]  # fmt: skip
    rollups = totals.rollups(totals.tree(criteria), leaves, totals.rounding_of(criteria_set))
    for row in rows:
        if not row.is_leaf:
            row.points = {column: rollups[column].points.get(row.criterion.code) for column in COLUMNS}
    return Sheet(assessment, rows, rollups, _bands(criteria_set), data)


@dataclass
class ResultRow:
    assessment: Assessment
    index: Decimal
    band: str
    rank: int = 0
    previous: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.index - self.previous


RESULT_FIELDS = ("round_id", "organization_id", "state", "final_index", "scores_version", "organization__code")


def round_results(*, assessment_round: AssessmentRound) -> list[ResultRow]:
    """Every department of the round, ranked on its stored final index (no score tree is built)."""
    # What a ranking shows and ranks on: full rows of 45 assessments and organizations were a
    # third of the ranking's time.
    assessments = list(assessment_round.assessments.select_related("organization").only(*RESULT_FIELDS))
    for assessment in assessments:  # one round for all: not joined and built again per row
        assessment.round = assessment_round
    indices = _final_indices(assessments)
    bands = _bands(assessment_round.criteria_set)
    rows = [ResultRow(a, indices[a.pk], classify(indices[a.pk], bands)) for a in assessments]
    ranks = rank({str(r.assessment.pk): r.index for r in rows})
    previous = _previous_indices(assessment_round)
    for row in rows:
        row.rank = ranks[str(row.assessment.pk)]
        row.previous = previous.get(row.assessment.organization_id)
    return sorted(rows, key=lambda r: (r.rank, r.assessment.organization.code))


def _final_indices(assessments: list[Assessment]) -> dict[int, Decimal]:
    """assessment id → final index as stored; rows never computed (loaded in bulk, before
    rebuild_assessment_totals) are rolled up here, in a fixed number of queries."""
    never = [a.pk for a in assessments if not a.scores_version]
    fresh = totals.totals_by_assessment(Assessment, Criterion, Answer, never) if never else {}
    return {a.pk: fresh[a.pk]["final_index"] if a.pk in fresh else a.final_index for a in assessments}


def _previous_indices(assessment_round: AssessmentRound) -> dict[int, Decimal]:
    """Each organization's own finalized index of the year before, from whichever round assessed it
    (the latest, if several did)."""
    earlier = Assessment.objects.filter(
        round__year=assessment_round.year - 1,
        organization_id__in=assessment_round.assessments.values("organization_id"),
        state__in=[State.FINALIZED, State.PUBLISHED],
    ).order_by("organization_id", "-round__created_at")
    latest: dict[int, Assessment] = {}
    for assessment in earlier:
        latest.setdefault(assessment.organization_id, assessment)
    indices = _final_indices(list(latest.values()))
    return {org_id: indices[assessment.pk] for org_id, assessment in latest.items()}


def leaf_ranges(sheet: Sheet) -> dict[int, tuple[str, Decimal | None, Decimal]]:
    """criterion id → (code, lowest, highest) points a leaf may take (lowest None: no lower
    limit, an uncapped penalty area). Read from the sheet's rows, which come in tree order."""
    ranges, ancestors = {}, []
    for row in sheet.rows:
        del ancestors[row.depth :]
        if row.is_leaf:
            ranges[row.criterion.pk] = (row.criterion.code, *row.criterion.points_range(ancestors))
        ancestors.append(row.criterion)
    return ranges


def points_lost(sheet: Sheet) -> list[SheetRow]:
    """Leaves that lost points, most points lost first: next year's remediation list."""
    lost = [row for row in sheet.rows if row.is_leaf and row.lost > 0 and not row.survey_pending]
    return sorted(lost, key=lambda row: (-row.lost, row.criterion.position))


@dataclass
class Missing:
    """What an irreversible step would leave out of the published index."""

    unscored: list[str] = field(default_factory=list)  # criteria without points (survey area apart)
    survey: list[str] = field(default_factory=list)  # survey-scored criteria still without points
    unreplied: list[str] = field(default_factory=list)  # explanation requested, no reply yet

    @property
    def any(self) -> bool:
        return bool(self.unscored or self.survey or self.unreplied)

    def summary(self) -> str:
        parts = []
        for label, codes in (
            ("tiêu chí chưa có điểm", self.unscored),
            ("tiêu chí điều tra xã hội học chưa có điểm", self.survey),
            ("yêu cầu giải trình chưa được trả lời", self.unreplied),
        ):
            if codes:
                shown = ", ".join(codes[:10]) + (" …" if len(codes) > 10 else "")
                parts.append(f"{len(codes)} {label} ({shown})")
        return "; ".join(parts)


def missing_before(*, assessment: Assessment, sheet: Sheet | None = None) -> Missing:
    """The leaves that would enter the index without points, and the explanation requests
    nobody answered: from the assessment's sheet when the caller has it, else in one query."""
    missing = Missing()
    # Before appraisal, the criteria the appraisers score are nobody's omission yet.
    appraisers_later = assessment.state == State.DRAFT
    if sheet is not None:
        pairs = [(row.answer, row.criterion) for row in sheet.rows if row.answer is not None]
    else:
        answers = Answer.objects.filter(assessment=assessment).select_related("criterion")
        pairs = [(answer, answer.criterion) for answer in answers.order_by("criterion__position")]
    for answer, criterion in pairs:
        if criterion.scoring == Scoring.SURVEY and answer.self_points is None:
            missing.survey.append(criterion.code)
        elif leaf_points(answer, criterion)["final"] is None and not (
            appraisers_later and criterion.scoring == Scoring.APPRAISER
        ):
            missing.unscored.append(criterion.code)
        if answer.explanation_requested and not answer.reply.strip():
            missing.unreplied.append(criterion.code)
    return missing
