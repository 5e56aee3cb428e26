"""Writes for criteria sets: validated, atomic import; clone to another year; assignments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import ProtectedError

from parindex.core.errors import ApplicationError, Forbidden
from parindex.criteria.document import SetDocument
from parindex.criteria.models import (
    Area,
    AssignmentRole,
    CriteriaSet,
    Criterion,
    CriterionAssignment,
    RoundingAt,
    SetStatus,
    unit_roles,
)
from parindex.criteria.selectors import (
    assignable_departments,
    may_own,
    own_owner_ids,
    set_manageable,
    set_readable,
)
from parindex.criteria.units import UnitResolver, roles_by_precedence
from parindex.engine.criteria_check import ERROR, WARNING, Issue, check_set, parent_code
from parindex.engine.errors import RuleError
from parindex.engine.rules import compile_rule
from parindex.organizations.access import Access, actor_access
from parindex.organizations.models import Organization, OrganizationKind
from parindex.organizations.selectors import organization_tree

ERR_HAS_ERRORS = "Bộ tiêu chí còn {count} lỗi cần sửa; chưa có gì được lưu."
ERR_SET_EXISTS = "Đã có bộ tiêu chí mã “{code}”. Chỉ thay thế được bộ tiêu chí đang là dự thảo."
ERR_UNKNOWN_OWNER = "Không có cơ quan mã “{code}”."
ERR_CLONE_CODE = "Mã mới “{code}” đã được dùng."
ERR_SET_NOT_FOUND = "Không có bộ tiêu chí này."
ERR_NOT_OWNER = "Chỉ cơ quan sở hữu bộ tiêu chí mới thay đổi được bộ tiêu chí này."
ERR_OWNER_FORBIDDEN = "Bạn không được nhập bộ tiêu chí cho cơ quan “{code}”."
ERR_OWNER_MISSING = "Tệp chưa ghi cơ quan sở hữu bộ tiêu chí (organization): hãy ghi mã cơ quan của bạn."
ERR_OWNER_KIND = "Bộ tiêu chí chỉ thuộc về một tỉnh hoặc một sở, ban, ngành; “{code}” không phải."
ERR_SET_IN_USE = (
    "Bộ tiêu chí “{code}” đang được dùng trong đợt đánh giá “{round}”; không thể thay thế. Hãy nhập với mã khác."
)
ERR_SET_PROTECTED = "Bộ tiêu chí “{code}” đang được sử dụng; không thể thay thế. Hãy nhập với mã khác."
ERR_ARCHIVE_IN_USE = (
    "Bộ tiêu chí đang được dùng trong đợt đánh giá chưa kết thúc “{round}”; chưa thể chuyển sang lưu trữ."
)
ERR_DRAFT_IN_USE = (
    "Bộ tiêu chí đã được dùng trong đợt đánh giá “{round}”; không chuyển về dự thảo được "
    "(bộ dự thảo có thể bị thay thế)."
)
ERR_BAD_STATUS = "Trạng thái không hợp lệ."
ERR_ASSIGN_FORBIDDEN = "Bạn chỉ phân công được tiêu chí cho các đơn vị thuộc cơ quan của mình."
WARN_AREA_BELOW_TOP = "Chỉ tiêu chí cấp 1 mới khai báo được loại điểm; “{area}” ở tiêu chí con này bị bỏ qua."


def _rounds_using(criteria_set: CriteriaSet, *, open_only: bool = False):
    # Imported here: assessments build on criteria, not the other way round.
    from parindex.assessments.models import AssessmentRound, State

    rounds = AssessmentRound.objects.filter(criteria_set=criteria_set)
    if open_only:
        rounds = rounds.filter(assessments__state__in=[s for s in State.values if s != State.PUBLISHED])
    return rounds.order_by("-year", "title")


def _require_manage(access: Access | None, criteria_set: CriteriaSet) -> None:
    if access is None or set_manageable(access, criteria_set):
        return
    raise Forbidden(ERR_NOT_OWNER if set_readable(access, criteria_set) else ERR_SET_NOT_FOUND)


def _replace_refusal(access: Access | None, existing: CriteriaSet, replace: bool) -> str | None:
    """Why an import may not take the place of the existing set with its code (None: it may)."""
    if not (replace and existing.status == SetStatus.DRAFT):
        return ERR_SET_EXISTS.format(code=existing.code)
    if access is not None and not set_manageable(access, existing):
        return ERR_SET_EXISTS.format(code=existing.code)
    in_use = _rounds_using(existing).first()
    if in_use:
        return ERR_SET_IN_USE.format(code=existing.code, round=in_use.title)
    return None


@dataclass
class ImportPlan:
    """What an import would save, and everything worth telling the user before it does."""

    document: SetDocument
    issues: list[Issue]
    owner: Organization | None = None
    replace: bool = False  # may take the place of a draft of the same code
    resolved: dict[str, dict[str, list[int]]] = field(default_factory=dict)  # code → role → org ids
    unresolved: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # code → role → names
    officials: dict[str, dict[int, str]] = field(default_factory=dict)  # code → org id → person named

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]


def criteria_set_plan_import(*, document: SetDocument, by, replace: bool = False) -> ImportPlan:
    """What importing `document` as `by` would save. `by` None is the system loading the
    library; a user may import only for his own department, or as admin of a province for it."""
    header = document.header
    issues = list(document.issues)
    issues += check_set([row.to_check_row() for row in document.rows], header.get("max_total"), header.get("stated"))
    issues += _area_issues(document)
    plan = ImportPlan(document=document, issues=issues)
    year = header.get("year")
    access = actor_access(by, year if isinstance(year, int) else date.today().year)
    plan.replace = replace
    if header.get("organization"):
        plan.owner = Organization.objects.filter(code=header["organization"]).first()
        if plan.owner is None:
            issues.append(Issue("", ERROR, ERR_UNKNOWN_OWNER.format(code=header["organization"])))
    elif access is not None and len(own_owner_ids(access)) == 1:
        plan.owner = Organization.objects.get(pk=own_owner_ids(access)[0])
        header["organization"] = plan.owner.code
    else:
        issues.append(Issue("", ERROR, ERR_OWNER_MISSING))
    if plan.owner is not None:
        refusal = _owner_refusal(access, plan.owner)
        if refusal:
            issues.append(Issue("", ERROR, refusal))
    existing = CriteriaSet.objects.select_related("organization").filter(code=header.get("code") or "").first()
    refusal = _replace_refusal(access, existing, replace) if existing else None
    if refusal:
        issues.append(Issue("", ERROR, refusal))
    _resolve_units(plan)
    return plan


def _area_issues(document: SetDocument) -> list[Issue]:
    """An area declared below the top level says nothing (a sub-criterion is in its area's
    role): reported, since the source may have meant its parent."""
    codes: set[str] = set()
    issues = []
    for row in document.rows:
        if row.area != Area.STANDARD and parent_code(row.code, codes):
            issues.append(Issue(row.code, WARNING, WARN_AREA_BELOW_TOP.format(area=Area(row.area).label.lower())))
        codes.add(row.code)
    return issues


def _rule_signed(row) -> bool:
    """A rule that can give fewer than 0 points (a stage "−3") makes its criterion signed, so
    the roll-up keeps the negative points instead of counting 0."""
    try:
        return compile_rule(row.rule, row.max_points or 0).signed
    except RuleError:
        return False


def _owner_refusal(access: Access | None, owner: Organization) -> str | None:
    if owner.kind not in (OrganizationKind.PROVINCE, OrganizationKind.DEPARTMENT):
        return ERR_OWNER_KIND.format(code=owner.code)
    if access is not None and not may_own(access, owner.pk, owner.kind):
        return ERR_OWNER_FORBIDDEN.format(code=owner.code)
    return None


def _resolve_units(plan: ImportPlan) -> None:
    year = plan.document.header.get("year")
    resolver = UnitResolver(organization_tree(year=year), plan.owner.pk if plan.owner else None) if year else None
    unknown: dict[str, list[str]] = defaultdict(list)
    readings: dict[str, list[str]] = defaultdict(list)
    for row in plan.document.rows:
        mentions = []
        plan.unresolved[row.code] = {AssignmentRole.LEAD: [], AssignmentRole.COORDINATING: []}
        for role, names in ((AssignmentRole.LEAD, row.lead), (AssignmentRole.COORDINATING, row.coordinating)):
            for name in names:
                found = resolver.read(name) if resolver else None
                if found is None:
                    plan.unresolved[row.code][role].append(name)
                    unknown[name].append(row.code)
                    continue
                mentions.append((role, found))
                if found.official:
                    plan.officials.setdefault(row.code, {}).update(dict.fromkeys(found.org_ids, found.official))
                if found.reading:
                    readings[found.reading].append(row.code)
        plan.resolved[row.code] = roles_by_precedence(mentions)
    where = plan.owner.code if plan.owner else "bộ tiêu chí chưa gắn cơ quan"
    for name, codes in unknown.items():
        listed = ", ".join(dict.fromkeys(codes))
        hint = resolver.hint(name) if resolver else ""
        plan.issues.append(
            Issue(
                codes[0],
                WARNING,
                f"Không xác định được đơn vị “{name}” ({where}{'; ' + hint if hint else ''}); "
                f"giữ nguyên văn ở: {listed}.",
            )
        )
    for reading, codes in readings.items():  # said, so that no unit is assigned unseen
        plan.issues.append(Issue(codes[0], WARNING, f"Đã hiểu {reading}; ở: {', '.join(dict.fromkeys(codes))}."))


@transaction.atomic
def criteria_set_import(*, plan: ImportPlan, by, status: str = SetStatus.DRAFT) -> CriteriaSet:
    """Save a planned import in one transaction; refuse if the plan has any error, or if `by`
    may not own the set or replace the set of the same code (checked again: the plan may be stale)."""
    if plan.errors:
        raise ApplicationError(ERR_HAS_ERRORS.format(count=len(plan.errors)))
    header = plan.document.header
    access = actor_access(by, header["year"])
    if plan.owner is None:
        raise ApplicationError(ERR_OWNER_MISSING)
    refusal = _owner_refusal(access, plan.owner)
    if refusal:
        raise ApplicationError(refusal)
    existing = (
        CriteriaSet.objects.select_for_update(of=("self",)).select_related("organization").filter(code=header["code"])
    )
    existing = existing.first()
    if existing:
        refusal = _replace_refusal(access, existing, plan.replace)
        if refusal:
            raise ApplicationError(refusal)
        try:
            existing.delete()
        except ProtectedError as error:  # something opened on it since the check
            raise ApplicationError(ERR_SET_PROTECTED.format(code=existing.code)) from error
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
        rounding_decimals=(header.get("rounding") or {}).get("decimals"),
        rounding_at=(header.get("rounding") or {}).get("at") or RoundingAt.TOTAL,
        stated=header.get("stated") or {},
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
            signed=row.signed or _rule_signed(row),
            area=row.area if parent is None else Area.STANDARD,
            stated=row.stated,
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
        resolved, officials = plan.resolved[row.code], plan.officials.get(row.code, {})
        assignments += [
            CriterionAssignment(
                criterion=criterion, organization_id=org_id, role=role, responsible=officials.get(org_id, "")
            )
            for org_id, role in unit_roles(resolved[AssignmentRole.LEAD], resolved[AssignmentRole.COORDINATING])
        ]
    CriterionAssignment.objects.bulk_create(assignments)
    return criteria_set


@transaction.atomic
def criteria_set_clone(*, source: CriteriaSet, year: int, code: str, by) -> CriteriaSet:
    """A draft copy for another year with the same owner: same tree, rules and assignments."""
    _require_manage(actor_access(by, source.year), source)
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
        CriterionAssignment(
            criterion=new_ids[a.criterion_id], organization_id=a.organization_id, role=a.role, responsible=a.responsible
        )
        for a in CriterionAssignment.objects.filter(criterion__criteria_set=source)
    )
    return clone


def assignment_set(*, criterion: Criterion, organization: Organization, role: str | None, by) -> None:
    """Make `organization` lead, coordinating, or (role None) not assigned to `criterion`.
    A user assigns only units of his own department, in its own sets or in its province's."""
    if role not in (None, *AssignmentRole.values):
        raise ApplicationError(ERR_ASSIGN_FORBIDDEN)
    criteria_set = criterion.criteria_set
    access = actor_access(by, criteria_set.year)
    if access is not None:
        if not set_readable(access, criteria_set):
            raise ApplicationError(ERR_SET_NOT_FOUND)
        department = access.tree.nearest(organization.pk, OrganizationKind.DEPARTMENT)
        allowed = {d.org_id for d in assignable_departments(access, criteria_set)}
        if organization.kind != OrganizationKind.UNIT or department is None or department.org_id not in allowed:
            raise ApplicationError(ERR_ASSIGN_FORBIDDEN)
    if role is None:
        CriterionAssignment.objects.filter(criterion=criterion, organization=organization).delete()
        return
    CriterionAssignment.objects.update_or_create(
        criterion=criterion, organization=organization, defaults={"role": role}
    )


@transaction.atomic
def criteria_set_set_status(*, criteria_set: CriteriaSet, status: str, by) -> None:
    """Activate, archive or return to draft. A set an unfinished round scores on is not archived,
    and a set any round used never returns to draft (a draft may be replaced, i.e. deleted)."""
    if status not in SetStatus.values:
        raise ApplicationError(ERR_BAD_STATUS)
    criteria_set = (
        CriteriaSet.objects.select_for_update(of=("self",)).select_related("organization").get(pk=criteria_set.pk)
    )
    _require_manage(actor_access(by, criteria_set.year), criteria_set)
    if status == SetStatus.ARCHIVED:
        in_use = _rounds_using(criteria_set, open_only=True).first()
        if in_use:
            raise ApplicationError(ERR_ARCHIVE_IN_USE.format(round=in_use.title))
    if status == SetStatus.DRAFT and criteria_set.status != SetStatus.DRAFT:
        in_use = _rounds_using(criteria_set).first()
        if in_use:
            raise ApplicationError(ERR_DRAFT_IN_USE.format(round=in_use.title))
    criteria_set.status = status
    criteria_set.full_clean()
    criteria_set.save(update_fields=["status", "updated_at"])
