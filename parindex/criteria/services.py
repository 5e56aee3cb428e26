"""Writes for criteria sets: validated, atomic import; clone to another year; assignments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from parindex.core.errors import ApplicationError
from parindex.criteria.document import SetDocument
from parindex.criteria.models import (
    AssignmentRole,
    CriteriaSet,
    Criterion,
    CriterionAssignment,
    SetStatus,
    unit_roles,
)
from parindex.criteria.units import UnitResolver
from parindex.engine.criteria_check import ERROR, WARNING, Issue, check_set, parent_code
from parindex.organizations.models import Organization
from parindex.organizations.selectors import organization_tree

ERR_HAS_ERRORS = "Bộ tiêu chí còn {count} lỗi cần sửa; chưa có gì được lưu."
ERR_SET_EXISTS = "Đã có bộ tiêu chí mã “{code}”. Chỉ thay thế được bộ tiêu chí đang là dự thảo."
ERR_UNKNOWN_OWNER = "Không có cơ quan mã “{code}”."
ERR_CLONE_CODE = "Mã mới “{code}” đã được dùng."


@dataclass
class ImportPlan:
    """What an import would save, and everything worth telling the user before it does."""

    document: SetDocument
    issues: list[Issue]
    owner: Organization | None = None
    resolved: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # code → role → org ids
    unresolved: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # code → role → names

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]


def criteria_set_plan_import(*, document: SetDocument, replace: bool = False) -> ImportPlan:
    header = document.header
    issues = list(document.issues)
    issues += check_set([row.to_check_row() for row in document.rows], header.get("max_total"))
    plan = ImportPlan(document=document, issues=issues)
    if header.get("organization"):
        plan.owner = Organization.objects.filter(code=header["organization"]).first()
        if plan.owner is None:
            issues.append(Issue("", ERROR, ERR_UNKNOWN_OWNER.format(code=header["organization"])))
    existing = CriteriaSet.objects.filter(code=header.get("code") or "").first()
    if existing and not (replace and existing.status == SetStatus.DRAFT):
        issues.append(Issue("", ERROR, ERR_SET_EXISTS.format(code=existing.code)))
    _resolve_units(plan)
    return plan


def _resolve_units(plan: ImportPlan) -> None:
    year = plan.document.header.get("year")
    resolver = UnitResolver(organization_tree(year=year), plan.owner.pk if plan.owner else None) if year else None
    unknown: dict[str, list[str]] = defaultdict(list)
    for row in plan.document.rows:
        plan.resolved[row.code] = {AssignmentRole.LEAD: [], AssignmentRole.COORDINATING: []}
        plan.unresolved[row.code] = {AssignmentRole.LEAD: [], AssignmentRole.COORDINATING: []}
        for role, names in ((AssignmentRole.LEAD, row.lead), (AssignmentRole.COORDINATING, row.coordinating)):
            for name in names:
                org_ids = resolver.resolve(name) if resolver else None
                if org_ids:
                    plan.resolved[row.code][role] += [o for o in org_ids if o not in plan.resolved[row.code][role]]
                else:
                    plan.unresolved[row.code][role].append(name)
                    unknown[name].append(row.code)
    where = plan.owner.code if plan.owner else "bộ tiêu chí chưa gắn cơ quan"
    for name, codes in unknown.items():
        listed = ", ".join(dict.fromkeys(codes))
        plan.issues.append(
            Issue(codes[0], WARNING, f"Không xác định được đơn vị “{name}” ({where}); giữ nguyên văn ở: {listed}.")
        )


@transaction.atomic
def criteria_set_import(*, plan: ImportPlan, status: str = SetStatus.DRAFT) -> CriteriaSet:
    """Save a planned import in one transaction; refuse if the plan has any error."""
    if plan.errors:
        raise ApplicationError(ERR_HAS_ERRORS.format(count=len(plan.errors)))
    header = plan.document.header
    CriteriaSet.objects.filter(code=header["code"], status=SetStatus.DRAFT).delete()
    criteria_set = CriteriaSet(
        code=header["code"],
        title=header["title"],
        year=header["year"],
        scope=header["scope"],
        organization=plan.owner,
        source_number=header.get("source_number") or "",
        source_date=header.get("source_date"),
        source_note=header.get("source_note") or "",
        max_total=header.get("max_total"),
        bands=header.get("bands") or [],
        note=header.get("note") or "",
        status=status,
    )
    criteria_set.full_clean()
    criteria_set.save()
    by_code: dict[str, Criterion] = {}
    assignments = []
    for position, row in enumerate(plan.document.rows, start=1):
        parent = by_code.get(parent_code(row.code, set(by_code)) or "")
        criterion = Criterion(
            criteria_set=criteria_set,
            parent=parent,
            code=row.code,
            position=position,
            level=(parent.level + 1) if parent else 1,
            title=row.title,
            max_points=row.max_points,
            signed=row.signed,
            scoring=row.scoring,
            rule=row.rule,
            rule_text=row.rule_text,
            evidence_guidance=row.evidence,
            timing=row.timing,
            note=row.note,
            unresolved_lead=plan.unresolved[row.code][AssignmentRole.LEAD],
            unresolved_coordinating=plan.unresolved[row.code][AssignmentRole.COORDINATING],
        )
        criterion.full_clean(exclude=["criteria_set", "parent"])
        criterion.save()
        by_code[row.code] = criterion
        resolved = plan.resolved[row.code]
        assignments += [
            CriterionAssignment(criterion=criterion, organization_id=org_id, role=role)
            for org_id, role in unit_roles(resolved[AssignmentRole.LEAD], resolved[AssignmentRole.COORDINATING])
        ]
    CriterionAssignment.objects.bulk_create(assignments)
    return criteria_set


@transaction.atomic
def criteria_set_clone(*, source: CriteriaSet, year: int, code: str) -> CriteriaSet:
    """A draft copy for another year: same tree, rules and assignments."""
    if CriteriaSet.objects.filter(code=code).exists():
        raise ApplicationError(ERR_CLONE_CODE.format(code=code), field="code")
    clone = CriteriaSet.objects.get(pk=source.pk)
    clone.pk, clone.code, clone.year, clone.status = None, code, year, SetStatus.DRAFT
    clone.title = source.title.replace(str(source.year), str(year))
    clone.full_clean()
    clone.save()
    new_ids: dict[int, Criterion] = {}
    for criterion in source.criteria.order_by("position"):
        old_pk = criterion.pk
        criterion.pk, criterion.criteria_set = None, clone
        criterion.parent = new_ids[criterion.parent_id] if criterion.parent_id else None
        criterion.save()
        new_ids[old_pk] = criterion
    CriterionAssignment.objects.bulk_create(
        CriterionAssignment(criterion=new_ids[a.criterion_id], organization_id=a.organization_id, role=a.role)
        for a in CriterionAssignment.objects.filter(criterion__criteria_set=source)
    )
    return clone


def assignment_set(*, criterion: Criterion, organization: Organization, role: str | None) -> None:
    """Make `organization` lead, coordinating, or (role None) not assigned to `criterion`."""
    if role is None:
        CriterionAssignment.objects.filter(criterion=criterion, organization=organization).delete()
        return
    CriterionAssignment.objects.update_or_create(
        criterion=criterion, organization=organization, defaults={"role": role}
    )


def criteria_set_set_status(*, criteria_set: CriteriaSet, status: str) -> None:
    criteria_set.status = status
    criteria_set.full_clean()
    criteria_set.save(update_fields=["status", "updated_at"])
