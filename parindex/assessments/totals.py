"""An assessment's totals and indices (self, round 1, final), computed from plain values of its
criteria and answers: the sheet, the stored totals every write refreshes, the rebuild command
and the data migration all roll up through these functions, so they cannot disagree.

Ranking, results and what-if read the stored figures; rebuilding 45 score trees per request is
what made them slow."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from parindex.engine.numbers import ZERO
from parindex.engine.scoring import EXACT, LeafScore, Node, Rollup, Rounding, aggregate

COLUMNS = ("self", "round1", "final")
POINT_PLACES = Decimal("0.0001")  # the Answer and Assessment point columns' decimal places
SURVEY = "survey"  # Scoring.SURVEY, spelt out: the data migration must not depend on the criteria app's code

CRITERION_FIELDS = ("id", "parent_id", "code", "max_points", "signed", "scoring", "criteria_set_id", "area")
STORED_FIELDS = ("self_total", "round1_total", "final_total", "max_total", "self_index", "round1_index", "final_index")
ANSWER_FIELDS = ("assessment_id", "criterion_id", "self_points", "appraised_1", "appraised_2", "self_excluded")


class CriterionRow(NamedTuple):
    pk: int
    parent_id: int | None
    code: str
    max_points: Decimal | None
    signed: bool
    scoring: str
    criteria_set_id: int
    area: str


def stored_points(points: Decimal | None) -> Decimal | None:
    """Points as their column keeps them: the engine's exact 1/3 of a point would otherwise be
    one figure in memory and another once saved, and the totals read the saved one."""
    if points is None or points.as_tuple().exponent >= POINT_PLACES.as_tuple().exponent:
        return points  # as written: 2.55 stays 2.55 in the audit trail, not 2.5500
    return points.quantize(POINT_PLACES, rounding=ROUND_HALF_UP)


def leaf_columns(
    scoring: str, own: Decimal | None, appraised_1: Decimal | None, appraised_2: Decimal | None
) -> dict[str, Decimal | None]:
    """A leaf's points in each column: round 1 falls back on the self score, the final on round 1.
    A survey-scored leaf without its share yet has no points anywhere (it is pending)."""
    if scoring == SURVEY and own is None:
        return dict.fromkeys(COLUMNS)
    round1 = appraised_1 if appraised_1 is not None else own
    final = appraised_2 if appraised_2 is not None else round1
    return {"self": own, "round1": round1, "final": final}


def tree(criteria: Iterable[Any]) -> list[Node]:
    """The roll-up tree of criteria given in position order (model instances or CriterionRow)."""
    children: dict[int | None, list[Any]] = {}
    for criterion in criteria:
        children.setdefault(criterion.parent_id, []).append(criterion)

    def build(criterion) -> Node:
        return Node(
            criterion.code,
            criterion.max_points or ZERO,
            tuple(build(child) for child in children.get(criterion.pk, [])),
            criterion.signed,
            criterion.area,
        )

    return [build(root) for root in children.get(None, [])]


def rounding_of(criteria_set) -> Rounding:
    """The set's declared rounding (a model instance, historical or not)."""
    return Rounding(criteria_set.rounding_decimals, criteria_set.rounding_at)


def rollups(
    roots: list[Node], leaves: Iterable[tuple[str, dict[str, Decimal | None], bool]], rounding: Rounding = EXACT
) -> dict[str, Rollup]:
    """`leaves`: (code, points per column, excluded) of every leaf; unscored columns are None."""
    leaves = list(leaves)
    result = {}
    for column in COLUMNS:
        scores = {code: LeafScore(points[column], excluded) for code, points, excluded in leaves
                  if points[column] is not None}  # fmt: skip
        result[column] = aggregate(roots, scores, rounding)
    return result


def rollups_from_values(
    criteria: list[CriterionRow], answers: Iterable[dict], rounding: Rounding = EXACT
) -> dict[str, Rollup]:
    """The three roll-ups of one assessment from its set's criteria (position order) and its
    answer values; answers on criteria that have children count for nothing, as on the sheet."""
    parents = {c.parent_id for c in criteria}
    leaves = {c.pk: c for c in criteria if c.pk not in parents}
    scored = []
    for answer in answers:
        criterion = leaves.get(answer["criterion_id"])
        if criterion is None:
            continue
        points = leaf_columns(criterion.scoring, answer["self_points"], answer["appraised_1"], answer["appraised_2"])
        scored.append((criterion.code, points, bool(answer["self_excluded"])))
    return rollups(tree(criteria), scored, rounding)


def stored_fields(result: dict[str, Rollup]) -> dict[str, Decimal]:
    """The Assessment columns that keep the roll-ups."""
    return {
        "self_total": result["self"].total,
        "round1_total": result["round1"].total,
        "final_total": result["final"].total,
        "max_total": result["final"].maximum,
        "self_index": result["self"].index,
        "round1_index": result["round1"].index,
        "final_index": result["final"].index,
    }


def totals_by_assessment(assessment_model, criterion_model, answer_model, assessment_ids) -> dict[int, dict]:
    """assessment id → stored_fields(), in four queries whatever the number of assessments.
    Takes the models as arguments so the data migration can pass its historical ones."""
    set_of = dict(assessment_model.objects.filter(pk__in=assessment_ids).values_list("pk", "round__criteria_set_id"))
    set_model = criterion_model._meta.get_field("criteria_set").related_model
    rounding = {s.pk: rounding_of(s) for s in set_model.objects.filter(pk__in=set(set_of.values()))}
    criteria: dict[int, list[CriterionRow]] = defaultdict(list)
    rows = criterion_model.objects.filter(criteria_set_id__in=set(set_of.values())).order_by(
        "criteria_set_id", "position"
    )
    for values in rows.values_list(*CRITERION_FIELDS):
        row = CriterionRow(*values)
        criteria[row.criteria_set_id].append(row)
    answers: dict[int, list[dict]] = defaultdict(list)
    for values in answer_model.objects.filter(assessment_id__in=list(set_of)).values(*ANSWER_FIELDS):
        answers[values["assessment_id"]].append(values)
    return {
        pk: stored_fields(rollups_from_values(criteria[set_id], answers[pk], rounding[set_id]))
        for pk, set_id in set_of.items()
    }
