from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from parindex.criteria.document import CriterionRow, SetDocument
from parindex.criteria.models import AssignmentRole, CriteriaSet, Criterion, CriterionAssignment
from parindex.engine.rules import KIND_LABELS
from parindex.organizations.selectors import organization_tree


def criteria_sets(*, year: int | None = None) -> QuerySet[CriteriaSet]:
    sets = CriteriaSet.objects.select_related("organization").annotate(criterion_count=Count("criteria"))
    return sets.filter(year=year) if year else sets


@dataclass
class CriterionView:
    criterion: Criterion
    depth: int
    has_children: bool
    kind_label: str
    lead_names: list[str] = field(default_factory=list)
    coordinating_names: list[str] = field(default_factory=list)
    assigned_org_ids: set[int] = field(default_factory=set)


def criteria_tree(*, criteria_set: CriteriaSet) -> list[CriterionView]:
    """All criteria in document order with depth and assigned unit names (3 queries)."""
    criteria = list(
        criteria_set.criteria.order_by("position").prefetch_related(
            Prefetch("assignments", queryset=CriterionAssignment.objects.order_by("organization__code"))
        )
    )
    tree = organization_tree(year=criteria_set.year)
    parents = {c.parent_id for c in criteria}
    rows = []
    for criterion in criteria:
        view = CriterionView(
            criterion=criterion,
            depth=criterion.level - 1,
            has_children=criterion.pk in parents,
            kind_label=KIND_LABELS.get((criterion.rule or {}).get("kind", ""), "Thẩm định viên chấm")
            if criterion.pk not in parents
            else "",
        )
        for assignment in criterion.assignments.all():
            node = tree.nodes.get(assignment.organization_id)
            name = (node.short_name or node.name) if node else f"#{assignment.organization_id}"
            target = view.lead_names if assignment.role == AssignmentRole.LEAD else view.coordinating_names
            target.append(name)
            view.assigned_org_ids.add(assignment.organization_id)
        view.lead_names += criterion.unresolved_lead
        view.coordinating_names += criterion.unresolved_coordinating
        rows.append(view)
    return rows


def document_from_set(*, criteria_set: CriteriaSet) -> SetDocument:
    """The set as a document, with assigned units written by their full names so that a
    re-import resolves them to the same organizations."""
    tree = organization_tree(year=criteria_set.year)
    assignments = defaultdict(lambda: {AssignmentRole.LEAD: [], AssignmentRole.COORDINATING: []})
    for a in CriterionAssignment.objects.filter(criterion__criteria_set=criteria_set).order_by("organization__code"):
        node = tree.nodes.get(a.organization_id)
        if node:
            assignments[a.criterion_id][a.role].append(node.name)
    header = {
        "code": criteria_set.code,
        "title": criteria_set.title,
        "year": criteria_set.year,
        "scope": criteria_set.scope,
        "organization": criteria_set.organization.code if criteria_set.organization else "",
        "source_number": criteria_set.source_number,
        "source_date": criteria_set.source_date,
        "source_note": criteria_set.source_note,
        "max_total": criteria_set.max_total,
        "bands": criteria_set.bands,
        "note": criteria_set.note,
    }
    rows = [
        CriterionRow(
            code=c.code,
            title=c.title,
            max_points=_normal(c.max_points),
            scoring=c.scoring,
            rule=c.rule,
            rule_text=c.rule_text,
            evidence=c.evidence_guidance,
            lead=assignments[c.pk][AssignmentRole.LEAD] + c.unresolved_lead,
            coordinating=assignments[c.pk][AssignmentRole.COORDINATING] + c.unresolved_coordinating,
            timing=c.timing,
            note=c.note,
            signed=c.signed,
        )
        for c in criteria_set.criteria.order_by("position")
    ]
    return SetDocument(header, rows)


def _normal(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize() + 0


@dataclass
class SetDiff:
    added: list[Criterion]
    removed: list[Criterion]
    changed: list[tuple[Criterion, Criterion, list[str]]]


def criteria_set_diff(*, old: CriteriaSet, new: CriteriaSet) -> SetDiff:
    before = {c.code: c for c in old.criteria.order_by("position")}
    after = {c.code: c for c in new.criteria.order_by("position")}
    changed = []
    for code in before.keys() & after.keys():
        a, b = before[code], after[code]
        what = []
        if a.title != b.title:
            what.append("tên")
        if a.max_points != b.max_points:
            what.append("điểm tối đa")
        if (a.rule or None) != (b.rule or None) or a.rule_text != b.rule_text:
            what.append("cách tính điểm")
        if a.scoring != b.scoring:
            what.append("cách chấm")
        if what:
            changed.append((a, b, what))
    changed.sort(key=lambda item: item[1].position)
    return SetDiff(
        added=[c for code, c in after.items() if code not in before],
        removed=[c for code, c in before.items() if code not in after],
        changed=changed,
    )
