from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, QuerySet

from parindex.criteria.document import CriterionRow, SetDocument
from parindex.criteria.models import AssignmentRole, CriteriaSet, Criterion, CriterionAssignment, SetStatus
from parindex.engine.errors import RuleError
from parindex.engine.examples import Example, examples
from parindex.organizations.access import Access
from parindex.organizations.models import OrganizationKind
from parindex.organizations.permissions import ROLE_PERMISSIONS, Perm, Role
from parindex.organizations.selectors import organization_tree
from parindex.organizations.tree import TreeNode

# Who may do what with a criteria set. A set belongs to a province (issued to all its departments,
# read-only to them, managed by an admin of the province itself) or to one department (managed by
# its admin or coordinator). A set with no owner belongs to nobody: superusers only.


def readable_owner_ids(access: Access) -> frozenset[int] | None:
    """Owners whose sets the user may read; None means every set (superuser)."""
    if access.is_superuser:
        return None
    scope = set(access.org_ids_with(Perm.CRITERIA_VIEW))
    for org_id in list(scope):
        # A unit's staff read their department's and their province's sets.
        scope |= {node.org_id for node in access.tree.ancestors(org_id)}
    # An appraiser reads the sets of the departments he appraises.
    return frozenset(scope | access.appraised_org_ids)


def set_readable(access: Access, criteria_set: CriteriaSet) -> bool:
    owners = readable_owner_ids(access)
    return owners is None or criteria_set.organization_id in owners


def set_manageable(access: Access, criteria_set: CriteriaSet) -> bool:
    """May change the set itself: status, clone, replace."""
    if access.is_superuser:
        return True
    owner = criteria_set.organization
    if owner is None:
        return False
    return may_own(access, owner.pk, owner.kind)


def may_own(access: Access, org_id: int, kind: str) -> bool:
    """May import or hold sets owned by this organization."""
    if access.is_superuser:
        return kind in (OrganizationKind.PROVINCE, OrganizationKind.DEPARTMENT)
    if kind == OrganizationKind.PROVINCE:
        return (org_id, Role.ADMIN) in access.memberships
    if kind == OrganizationKind.DEPARTMENT:
        return access.can(Perm.CRITERIA_MANAGE, org_id)
    return False


def own_owner_ids(access: Access) -> list[int]:
    """The organizations a user's own memberships make him manage sets for (the default owner
    of an import that names none): his department, or the province he administers."""
    owners = []
    for org_id, role in access.memberships:
        node = access.tree.nodes.get(org_id)
        if node and Perm.CRITERIA_MANAGE in ROLE_PERMISSIONS.get(role, ()) and may_own(access, org_id, node.kind):
            owners.append(org_id)
    return list(dict.fromkeys(owners))


def assignable_departments(access: Access, criteria_set: CriteriaSet) -> list[TreeNode]:
    """The departments whose units this user may assign in the set: a department's own set to
    its units, a province's set by each of its departments to its own units."""
    if not set_readable(access, criteria_set) or criteria_set.organization_id is None:
        return []
    scope = access.org_ids_with(Perm.CRITERIA_ASSIGN)
    departments = []
    for node in access.tree.nodes.values():
        if node.kind != OrganizationKind.DEPARTMENT or node.org_id not in scope:
            continue
        province = access.tree.nearest(node.org_id, OrganizationKind.PROVINCE)
        if criteria_set.organization_id in (node.org_id, province.org_id if province else None):
            departments.append(node)
    return sorted(departments, key=lambda node: node.name)


def assignment_scope(access: Access, criteria_set: CriteriaSet) -> set[int] | None:
    """The organizations whose assignments the user sees in the set; None: all of them. In a
    province's set each department's assignments to its own units are its own business."""
    if set_manageable(access, criteria_set) or criteria_set.organization is None:
        return None
    if criteria_set.organization.kind != OrganizationKind.PROVINCE:
        return None
    not_units = {n.org_id for n in access.tree.nodes.values() if n.kind != OrganizationKind.UNIT}
    return not_units | set(access.visible_org_ids)


def criteria_sets(*, access: Access, year: int | None = None) -> QuerySet[CriteriaSet]:
    """The sets this user may read: their province's, their department's (and, for an
    appraiser, those of the departments he appraises); never another province's."""
    sets = CriteriaSet.objects.select_related("organization").annotate(criterion_count=Count("criteria"))
    owners = readable_owner_ids(access)
    if owners is not None:
        sets = sets.filter(organization_id__in=owners)
    return sets.filter(year=year) if year else sets


def criteria_sets_usable(*, access: Access, year: int | None = None) -> QuerySet[CriteriaSet]:
    """The sets a round may be opened on: readable by the user, active and with a total."""
    return criteria_sets(access=access, year=year).filter(status=SetStatus.ACTIVE).exclude(max_total=None)


def criteria_set_for(*, access: Access, code: str) -> CriteriaSet:
    """The set with this code if the user may read it; CriteriaSet.DoesNotExist otherwise, so
    that another province's set is indistinguishable from a missing one."""
    criteria_set = CriteriaSet.objects.select_related("organization").get(code=code)
    if not set_readable(access, criteria_set):
        raise CriteriaSet.DoesNotExist
    return criteria_set


NAMES_PER_ROLE = 3


@dataclass
class CriterionView:
    criterion: Criterion
    depth: int
    has_children: bool
    kind_label: str
    lead_names: list[str] = field(default_factory=list)
    coordinating_names: list[str] = field(default_factory=list)
    assigned_org_ids: set[int] = field(default_factory=set)
    roles: dict[int, str] = field(default_factory=dict)  # organization id → role
    officials: dict[int, str] = field(default_factory=dict)  # organization id → person named in charge

    # A province's set lists, per criterion, the units of every department (45 × 4 names, 450 kB
    # for the page): the set's page names a few per role, the criterion's page names them all.
    @property
    def lead_brief(self) -> list[str]:
        return self.lead_names[:NAMES_PER_ROLE]

    @property
    def lead_more(self) -> int:
        return max(0, len(self.lead_names) - NAMES_PER_ROLE)

    @property
    def coordinating_brief(self) -> list[str]:
        return self.coordinating_names[:NAMES_PER_ROLE]

    @property
    def coordinating_more(self) -> int:
        return max(0, len(self.coordinating_names) - NAMES_PER_ROLE)


def _assignments(org_ids: set[int] | None) -> QuerySet[CriterionAssignment]:
    assignments = CriterionAssignment.objects.order_by("organization__code")
    return assignments if org_ids is None else assignments.filter(organization_id__in=org_ids)


def criteria_tree(*, criteria_set: CriteriaSet, org_ids: set[int] | None = None) -> list[CriterionView]:
    """All criteria in document order with depth and assigned unit names (3 queries); with
    `org_ids`, only the assignments of those organizations. Assignments come as plain rows: a
    province's set carries 15,000 of them, and as model instances they took a second a page."""
    criteria = list(criteria_set.criteria.order_by("position"))
    tree = organization_tree(year=criteria_set.year)
    assignments = defaultdict(list)
    for criterion_id, organization_id, role, responsible in (
        _assignments(org_ids)
        .filter(criterion__criteria_set=criteria_set)
        .values_list("criterion_id", "organization_id", "role", "responsible")
    ):
        assignments[criterion_id].append((organization_id, role, responsible))
    parents = {c.parent_id for c in criteria}
    rows = []
    for criterion in criteria:
        view = CriterionView(
            criterion=criterion,
            depth=criterion.level - 1,
            has_children=criterion.pk in parents,
            kind_label=criterion.kind_label if criterion.pk not in parents else "",
        )
        for organization_id, role, responsible in assignments[criterion.pk]:
            node = tree.nodes.get(organization_id)
            name = (node.short_name or node.name) if node else f"#{organization_id}"
            target = view.lead_names if role == AssignmentRole.LEAD else view.coordinating_names
            target.append(f"{name} ({responsible})" if responsible else name)
            view.roles[organization_id] = role
            if responsible:
                view.officials[organization_id] = responsible
        view.assigned_org_ids = set(view.roles)
        view.lead_names += criterion.unresolved_lead
        view.coordinating_names += criterion.unresolved_coordinating
        rows.append(view)
    return rows


# What a matrix cell shows instead of a <select> per cell (540 kB at 10 units × 91 criteria):
# the page carries one shared picker, and a legend explains the letters.
ROLE_ABBREVIATIONS = {AssignmentRole.LEAD: "CT", AssignmentRole.COORDINATING: "PH"}


class MatrixCell(NamedTuple):  # a tuple: the matrix makes ~900 of them per page
    key: str  # "<criterion code>-<unit code>": the cell's test id and the picker's label
    unit: TreeNode
    role: str  # "" when the unit is not assigned
    responsible: str = ""  # the person the source names for the unit

    @property
    def abbreviation(self) -> str:
        return ROLE_ABBREVIATIONS.get(self.role, "")


@dataclass
class MatrixRow:
    view: CriterionView
    cells: list[MatrixCell]


def assignment_matrix_rows(*, criteria_set: CriteriaSet, units: list[TreeNode]) -> list[MatrixRow]:
    """Every criterion with the role of each unit, from the assignments criteria_tree read for
    those units only (a province's set: the other departments' assignments are theirs)."""
    rows = criteria_tree(criteria_set=criteria_set, org_ids={u.org_id for u in units})
    matrix = []
    for row in rows:
        code = row.criterion.code
        cells = [
            MatrixCell(f"{code}-{unit.code}", unit, row.roles.get(unit.org_id, ""), row.officials.get(unit.org_id, ""))
            for unit in units
        ]
        matrix.append(MatrixRow(row, cells))
    return matrix


def document_from_set(*, criteria_set: CriteriaSet, org_ids: set[int] | None = None) -> SetDocument:
    """The set as a document, with assigned units written by their full names so that a
    re-import resolves them to the same organizations; with `org_ids`, only their assignments."""
    tree = organization_tree(year=criteria_set.year)
    assignments = defaultdict(lambda: {AssignmentRole.LEAD: [], AssignmentRole.COORDINATING: []})
    for a in _assignments(org_ids).filter(criterion__criteria_set=criteria_set):
        node = tree.nodes.get(a.organization_id)
        if node:
            name = f"{node.name} ({a.responsible})" if a.responsible else node.name
            assignments[a.criterion_id][a.role].append(name)
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
        "rounding": {"decimals": criteria_set.rounding_decimals, "at": criteria_set.rounding_at},
        "stated": criteria_set.stated,
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
            area=c.area,
            stated=c.stated,
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


@dataclass
class RuleSummary:
    """What the engine makes of a leaf's rule, for its page beside the official wording."""

    kind_label: str
    inputs: list[str]  # the figures a department types, in order
    low: Decimal | None  # None: no lower limit
    high: Decimal
    examples: list[Example]


def rule_summary(*, criterion: Criterion, ancestors: list[Criterion]) -> RuleSummary | None:
    """None when the engine refuses the rule (the page says why)."""
    try:
        rule = criterion.compiled_rule()
    except RuleError:
        return None
    inputs = []
    for item in rule.fields():
        inputs += [f"{item.label}: {part.label}" for part in item.fields] if item.fields else [item.label]
    low, high = criterion.points_range(ancestors)
    return RuleSummary(rule.kind_label, inputs, low, high, examples(rule))
