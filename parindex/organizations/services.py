"""Writes to the organization tree and to memberships. Every change of name, parent,
merge or split takes effect from a year and leaves earlier years exactly as they were."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db import transaction

from parindex.core.errors import ApplicationError
from parindex.criteria.models import AssignmentRole, CriterionAssignment
from parindex.organizations.models import (
    ChangeKind,
    Membership,
    Organization,
    OrganizationChange,
    OrganizationKind,
    OrganizationVersion,
)
from parindex.organizations.selectors import (
    MergeFootprint,
    merge_criterion_assignments,
    merge_memberships,
    merge_task_units,
    organization_tree,
    organization_version_in,
)
from parindex.plans.models import TaskUnit

ERR_CODE_TAKEN = "Mã “{code}” đã được dùng cho một đơn vị khác."
ERR_PARENT_MISSING = "Đơn vị cấp trên không tồn tại trong năm {year}."
ERR_NOT_IN_YEAR = "Đơn vị “{name}” không tồn tại trong năm {year}."
ERR_PARENT_IS_DESCENDANT = "Không thể đặt một đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó."
ERR_UNIT_NEEDS_PARENT = "Phòng, đơn vị trực thuộc phải thuộc một cơ quan cấp trên."
ERR_MERGE_SELF = "Không thể sáp nhập một đơn vị vào chính nó."
ERR_MERGE_INTO_DESCENDANT = "Không thể sáp nhập một đơn vị vào đơn vị cấp dưới của nó."
ERR_CHANGE_IN_FIRST_YEAR = (
    "Đơn vị “{name}” mới bắt đầu từ năm {year}; hãy sửa trực tiếp thay vì sáp nhập trong cùng năm."
)
ERR_LATER_VERSION = "Đơn vị “{name}” đã có thay đổi từ năm {later}; hãy thay đổi từ năm đó trở đi."
ERR_NOTHING_CHANGED = "Tên, tên viết tắt và đơn vị cấp trên đều không thay đổi."
ERR_MEMBERSHIP_EXISTS = "Người dùng đã có vai trò này tại đơn vị này."
ERR_ALREADY_MERGED = "Đơn vị “{name}” đã được sáp nhập từ năm {year}; không thể sáp nhập lần nữa."
ERR_TARGET_MERGED = (
    "Đơn vị “{name}” đã được sáp nhập vào đơn vị khác từ năm {year}; hãy chọn đơn vị còn hoạt động để nhận sáp nhập."
)
# A label, not a field name: the audit page shows it as is.
AUDIT_TASK_UNITS = "Đơn vị thực hiện"


def organization_create(
    *,
    code: str,
    kind: str,
    name: str,
    short_name: str = "",
    parent: Organization | None,
    year: int,
    by=None,
    note: str = "",
    change_kind: str = ChangeKind.CREATED,
    related: Organization | None = None,
) -> Organization:
    if Organization.objects.filter(code=code).exists():
        raise ApplicationError(ERR_CODE_TAKEN.format(code=code), field="code")
    if kind == OrganizationKind.UNIT and parent is None:
        raise ApplicationError(ERR_UNIT_NEEDS_PARENT, field="parent")
    if parent is not None and organization_version_in(organization=parent, year=year) is None:
        raise ApplicationError(ERR_PARENT_MISSING.format(year=year), field="parent")
    with transaction.atomic():
        organization = Organization(code=code, kind=kind)
        organization.full_clean()
        organization.save()
        _version_create(organization=organization, name=name, short_name=short_name, parent=parent, year=year)
        OrganizationChange.objects.create(
            kind=change_kind, year=year, organization=organization, related=related, note=note, by=by
        )
    return organization


def organization_rename(
    *,
    organization: Organization,
    year: int,
    name: str,
    short_name: str,
    parent: Organization | None,
    by=None,
    note: str = "",
) -> OrganizationVersion:
    """New name and/or parent from `year` on; the years before keep the old ones."""
    current = _version_in_or_fail(organization=organization, year=year)
    if (current.name, current.short_name, current.parent_id) == (
        name,
        short_name,
        parent.pk if parent else None,
    ):
        raise ApplicationError(ERR_NOTHING_CHANGED)
    if parent is not None:
        tree = organization_tree(year=year)
        if parent.pk not in tree:
            raise ApplicationError(ERR_PARENT_MISSING.format(year=year), field="parent")
        if parent.pk in tree.subtree_ids(organization.pk):
            raise ApplicationError(ERR_PARENT_IS_DESCENDANT, field="parent")
    elif organization.kind == OrganizationKind.UNIT:
        raise ApplicationError(ERR_UNIT_NEEDS_PARENT, field="parent")
    with transaction.atomic():
        version = _version_replace_from(current=current, year=year, name=name, short_name=short_name, parent=parent)
        OrganizationChange.objects.create(
            kind=ChangeKind.RENAMED, year=year, organization=organization, note=note, by=by
        )
    return version


def organization_merge_check(*, source: Organization, target: Organization, year: int) -> OrganizationVersion:
    """Refuse a merge that cannot happen (before anything is shown or written); returns the
    source's version that the merge closes."""
    if source.pk == target.pk:
        raise ApplicationError(ERR_MERGE_SELF, field="target")
    earlier = OrganizationChange.objects.filter(kind=ChangeKind.MERGED, organization=source).first()
    if earlier is not None:
        raise ApplicationError(ERR_ALREADY_MERGED.format(name=_name(source, earlier.year - 1), year=earlier.year))
    later = OrganizationChange.objects.filter(kind=ChangeKind.MERGED, organization=target).first()
    if later is not None:
        # What moves to the target would be stranded again from the year the target itself goes.
        raise ApplicationError(
            ERR_TARGET_MERGED.format(name=_name(target, later.year - 1), year=later.year), field="target"
        )
    current = _version_in_or_fail(organization=source, year=year)
    _version_in_or_fail(organization=target, year=year)
    if target.pk in organization_tree(year=year).subtree_ids(source.pk):
        raise ApplicationError(ERR_MERGE_INTO_DESCENDANT, field="target")
    if current.valid_from == year:
        raise ApplicationError(ERR_CHANGE_IN_FIRST_YEAR.format(name=current.name, year=year))
    _refuse_later_versions(current=current, year=year)
    return current


def organization_merge(
    *, source: Organization, target: Organization, year: int, by=None, note: str = ""
) -> MergeFootprint:
    """From `year`, `source` no longer exists. Its sub-units move under `target`; its people get
    the same roles at `target`; its open plan tasks of `year` and later, and its criterion
    assignments in sets of `year` and later, go to `target`, so no work is left reaching nobody.
    Earlier years keep `source` as it was. Returns what moved."""
    with transaction.atomic():
        # Lock the unit first, so a second merge confirmed at the same moment waits, then is refused.
        Organization.objects.select_for_update().filter(pk=source.pk).first()
        current = organization_merge_check(source=source, target=target, year=year)
        tree = organization_tree(year=year)
        target_name = tree.nodes[target.pk].name
        children = tree.children(source.pk)
        for child in children:
            child_version = OrganizationVersion.objects.get(organization_id=child.org_id, valid_from=child.valid_from)
            _version_replace_from(
                current=child_version,
                year=year,
                name=child_version.name,
                short_name=child_version.short_name,
                parent=target,
            )
        memberships = _merge_memberships(source=source, target=target)
        task_units = _merge_task_units(
            source=source, target=target, year=year, names=(current.name, target_name), by=by
        )
        assignments = _merge_criterion_assignments(source=source, target=target, year=year)
        current.valid_until = year - 1
        current.full_clean()
        current.save(update_fields=["valid_until", "updated_at"])
        OrganizationChange.objects.create(
            kind=ChangeKind.MERGED, year=year, organization=source, related=target, note=note, by=by
        )
    return MergeFootprint(
        sub_units=len(children), memberships=memberships, task_units=task_units, criterion_assignments=assignments
    )


def _merge_memberships(*, source: Organization, target: Organization) -> int:
    """Copy, not move: the old membership keeps its reach over the unit's earlier years (where the
    unit still is in the tree) and reaches nothing from the merge year on. Saved one by one so
    django-auditlog records each new membership."""
    created = 0
    for membership in merge_memberships(source=source, target=target):
        copy = Membership(user=membership.user, organization=target, role=membership.role)
        copy.full_clean()
        copy.save()
        created += 1
    return created


def _merge_task_units(*, source: Organization, target: Organization, year: int, names: tuple[str, str], by) -> int:
    """Hand the open tasks to `target`; where `target` already takes part in a task, it keeps one
    assignment with the stronger role. TaskUnit is not registered with django-auditlog (plans
    rewrite it in bulk), so each move is recorded on its task."""
    moving = list(merge_task_units(source=source, year=year))
    existing = {
        unit.task_id: unit
        for unit in TaskUnit.objects.filter(organization=target, task_id__in=[u.task_id for u in moving])
    }
    for unit in moving:
        old_role = unit.role
        kept = existing.get(unit.task_id)
        if kept is None:
            unit.organization = target
            unit.save(update_fields=["organization"])
            kept = unit
        else:
            unit.delete()
            if old_role == AssignmentRole.LEAD and kept.role != AssignmentRole.LEAD:
                kept.role = AssignmentRole.LEAD
                kept.save(update_fields=["role"])
        LogEntry.objects.log_create(
            unit.task,
            action=LogEntry.Action.UPDATE,
            changes={
                AUDIT_TASK_UNITS: [
                    f"{names[0]} ({AssignmentRole(old_role).label})",
                    f"{names[1]} ({AssignmentRole(kept.role).label})",
                ]
            },
            actor=by,
            additional_data={"organization_id": unit.task.plan.organization_id, "task_id": unit.task_id},
        )
    return len(moving)


def _merge_criterion_assignments(*, source: Organization, target: Organization, year: int) -> int:
    """Like tasks: one assignment per criterion and unit, lead wins over coordinating. save() and
    delete() one by one so django-auditlog records each change."""
    moving = list(merge_criterion_assignments(source=source, year=year))
    existing = {
        a.criterion_id: a
        for a in CriterionAssignment.objects.filter(
            organization=target, criterion_id__in=[a.criterion_id for a in moving]
        )
    }
    for assignment in moving:
        kept = existing.get(assignment.criterion_id)
        if kept is None:
            assignment.organization = target
            assignment.save(update_fields=["organization", "updated_at"])
            continue
        if assignment.role == AssignmentRole.LEAD and kept.role != AssignmentRole.LEAD:
            kept.role = AssignmentRole.LEAD
            kept.save(update_fields=["role", "updated_at"])
        assignment.delete()
    return len(moving)


def organization_split(
    *,
    source: Organization,
    year: int,
    code: str,
    name: str,
    short_name: str = "",
    by=None,
    note: str = "",
) -> Organization:
    """A new organization, split off `source` from `year`, beside it under the same parent."""
    current = _version_in_or_fail(organization=source, year=year)
    parent = current.parent
    return organization_create(
        code=code,
        kind=source.kind,
        name=name,
        short_name=short_name,
        parent=parent,
        year=year,
        by=by,
        note=note,
        change_kind=ChangeKind.SPLIT,
        related=source,
    )


def membership_add(*, user, organization: Organization, role: str) -> Membership:
    if Membership.objects.filter(user=user, organization=organization, role=role).exists():
        raise ApplicationError(ERR_MEMBERSHIP_EXISTS)
    membership = Membership(user=user, organization=organization, role=role)
    membership.full_clean()
    membership.save()
    return membership


def membership_remove(*, membership: Membership) -> None:
    membership.delete()


def _name(organization: Organization, year: int) -> str:
    version = organization_version_in(organization=organization, year=year)
    return version.name if version else organization.code


def _version_in_or_fail(*, organization: Organization, year: int) -> OrganizationVersion:
    version = organization_version_in(organization=organization, year=year)
    if version is None:
        raise ApplicationError(ERR_NOT_IN_YEAR.format(name=organization.code, year=year))
    return version


def _refuse_later_versions(*, current: OrganizationVersion, year: int) -> None:
    later = (
        OrganizationVersion.objects.filter(organization_id=current.organization_id, valid_from__gt=year)
        .order_by("valid_from")
        .first()
    )
    if later is not None:
        raise ApplicationError(ERR_LATER_VERSION.format(name=current.name, later=later.valid_from))


def _version_create(*, organization, name, short_name, parent, year, until=None) -> OrganizationVersion:
    version = OrganizationVersion(
        organization=organization,
        name=name,
        short_name=short_name,
        parent=parent,
        valid_from=year,
        valid_until=until,
    )
    version.full_clean()
    version.save()
    return version


def _version_replace_from(*, current, year, name, short_name, parent) -> OrganizationVersion:
    """Edit in place when `current` starts in `year`, else close it and open a new version."""
    if current.valid_from == year:
        current.name, current.short_name, current.parent = name, short_name, parent
        current.full_clean()
        current.save(update_fields=["name", "short_name", "parent", "updated_at"])
        return current
    until = current.valid_until
    current.valid_until = year - 1
    current.full_clean()
    current.save(update_fields=["valid_until", "updated_at"])
    return _version_create(
        organization=current.organization,
        name=name,
        short_name=short_name,
        parent=parent,
        year=year,
        until=until,
    )
