"""Writes to the organization tree and to memberships. Every change of name, parent,
merge or split takes effect from a year and leaves earlier years exactly as they were.

Each write takes the acting user `by` (keyword, required) and checks his rights itself, so a
direct call (management command, future API) by someone of another department is refused as
the pages refuse it. `by=None` is the system itself (demo data, data loads): no check.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import transaction

from parindex.core.errors import ApplicationError, Forbidden
from parindex.core.versioning import ERR_EDITED_MEANWHILE
from parindex.core.working_year import current_year
from parindex.criteria.models import AssignmentRole, CriterionAssignment
from parindex.organizations.access import (
    Access,
    actor_access,
    appraisal_conflicts,
    appraising_body,
)
from parindex.organizations.models import (
    ChangeKind,
    Membership,
    Organization,
    OrganizationChange,
    OrganizationKind,
    OrganizationVersion,
)
from parindex.organizations.permissions import Perm, Role
from parindex.organizations.selectors import (
    MergeFootprint,
    merge_criterion_assignments,
    merge_memberships,
    merge_task_units,
    organization_edit_stamp,
    organization_tree,
    organization_version_in,
)
from parindex.plans.models import TaskUnit

ERR_CODE_TAKEN = "Mã “{code}” đã được dùng cho một đơn vị khác."
ERR_PARENT_MISSING = "Đơn vị cấp trên không tồn tại trong năm {year}."
ERR_NOT_IN_YEAR = "Đơn vị “{name}” không tồn tại trong năm {year}."
ERR_PARENT_IS_DESCENDANT = "Không thể đặt một đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó."
ERR_SHAPE = (
    "“{kind}” không đặt dưới “{parent}” được: tỉnh ở cấp cao nhất, sở, ban, ngành trực thuộc tỉnh, "
    "phòng, đơn vị trực thuộc sở hoặc một đơn vị khác."
)
# Which kinds may sit directly under which: a department admin must not make a "province" inside
# his own department and become its province admin (who marks appraising bodies).
ALLOWED_PARENT_KINDS = {
    OrganizationKind.PROVINCE: frozenset(),
    OrganizationKind.DEPARTMENT: frozenset({OrganizationKind.PROVINCE}),
    OrganizationKind.UNIT: frozenset({OrganizationKind.DEPARTMENT, OrganizationKind.UNIT}),
}
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
ERR_NOT_MANAGER = "Bạn không có quyền quản trị “{name}”."
ERR_TOP_LEVEL = "Chỉ quản trị toàn hệ thống mới thêm hoặc chuyển được cơ quan lên cấp cao nhất."
ERR_NOT_USER_MANAGER = "Bạn không có quyền phân quyền người dùng tại “{name}”."
ERR_BODY_FLAG_RIGHTS = "Chỉ quản trị cấp tỉnh mới đánh dấu hoặc bỏ đánh dấu cơ quan thẩm định."
ERR_BODY_FLAG_KIND = "Chỉ một sở, ban, ngành trực thuộc tỉnh mới là cơ quan thẩm định được."
ERR_APPRAISER_NOT_AT_BODY = (
    "Vai trò thẩm định chỉ phân được tại cơ quan thẩm định (Sở Nội vụ, Hội đồng thẩm định) "
    "hoặc đơn vị trực thuộc của cơ quan đó."
)
ERR_APPRAISER_GRANTOR = "Chỉ quản trị của cơ quan thẩm định hoặc quản trị cấp tỉnh mới được phân vai trò thẩm định."
ERR_APPRAISE_OWN = (
    "Không phân được: người dùng sẽ vừa có vai trò tại “{name}” vừa thẩm định “{name}”. "
    "Người thuộc một cơ quan không được thẩm định chính cơ quan đó."
)
# A label, not a field name: the audit page shows it as is.
AUDIT_TASK_UNITS = "Đơn vị thực hiện"
ERR_UNIT_TYPE_KIND = "Chỉ phòng, đơn vị trực thuộc mới có loại đơn vị."


def organization_create(
    *,
    code: str,
    kind: str,
    name: str,
    short_name: str = "",
    parent: Organization | None,
    year: int,
    by,
    note: str = "",
    change_kind: str = ChangeKind.CREATED,
    related: Organization | None = None,
    is_appraising_body: bool = False,
    unit_type: str = "",
) -> Organization:
    access = actor_access(by, year)
    if access is not None:
        if parent is None:
            if not access.is_superuser:
                raise ApplicationError(ERR_TOP_LEVEL, field="parent")
        else:
            _require_manage(access, parent, field="parent")
    if is_appraising_body:
        _check_body_flag(access, kind=kind, parent_id=parent.pk if parent else None, year=year)
    if Organization.objects.filter(code=code).exists():
        raise ApplicationError(ERR_CODE_TAKEN.format(code=code), field="code")
    if kind == OrganizationKind.UNIT and parent is None:
        raise ApplicationError(ERR_UNIT_NEEDS_PARENT, field="parent")
    if unit_type and kind != OrganizationKind.UNIT:
        raise ApplicationError(ERR_UNIT_TYPE_KIND, field="unit_type")
    _check_shape(kind=kind, parent=parent)
    if parent is not None and organization_version_in(organization=parent, year=year) is None:
        raise ApplicationError(ERR_PARENT_MISSING.format(year=year), field="parent")
    with transaction.atomic():
        organization = Organization(code=code, kind=kind, is_appraising_body=is_appraising_body, unit_type=unit_type)
        organization.full_clean()
        organization.save()
        _version_create(organization=organization, name=name, short_name=short_name, parent=parent, year=year)
        OrganizationChange.objects.create(
            kind=change_kind, year=year, organization=organization, related=related, note=note, by=by
        )
    return organization


def _check_shape(*, kind: str, parent: Organization | None) -> None:
    if parent is not None and parent.kind not in ALLOWED_PARENT_KINDS.get(kind, frozenset()):
        raise ApplicationError(
            ERR_SHAPE.format(kind=OrganizationKind(kind).label, parent=OrganizationKind(parent.kind).label),
            field="parent",
        )


def organization_rename(
    *,
    organization: Organization,
    year: int,
    name: str,
    short_name: str,
    parent: Organization | None,
    by,
    note: str = "",
    is_appraising_body: bool | None = None,
    unit_type: str | None = None,
    loaded_at: str | None = None,
) -> OrganizationVersion:
    """New name and/or parent from `year` on; the years before keep the old ones. The
    appraising-body mark and the unit type are not per year: they change for every year at once."""
    access = actor_access(by, year)
    if access is not None:
        _require_manage(access, organization)
    if loaded_at and organization_edit_stamp(organization=organization) != loaded_at:
        raise ApplicationError(ERR_EDITED_MEANWHILE)
    current = _version_in_or_fail(organization=organization, year=year)
    flag_changes = is_appraising_body is not None and is_appraising_body != organization.is_appraising_body
    version_changes = (current.name, current.short_name, current.parent_id) != (
        name,
        short_name,
        parent.pk if parent else None,
    )
    type_changes = unit_type is not None and unit_type != organization.unit_type
    if type_changes and unit_type and organization.kind != OrganizationKind.UNIT:
        raise ApplicationError(ERR_UNIT_TYPE_KIND, field="unit_type")
    if not version_changes and not flag_changes and not type_changes:
        raise ApplicationError(ERR_NOTHING_CHANGED)
    if access is not None and version_changes and (parent.pk if parent else None) != current.parent_id:
        if parent is None and not access.is_superuser:
            raise ApplicationError(ERR_TOP_LEVEL, field="parent")
        if parent is not None:
            _require_manage(access, parent, field="parent")
    if flag_changes:
        _check_body_flag(
            access,
            kind=organization.kind if is_appraising_body else None,
            parent_id=parent.pk if parent else None,
            year=year,
        )
    if not version_changes:
        with transaction.atomic():
            _marks_save(organization, is_appraising_body if flag_changes else None, unit_type if type_changes else None)
        return current
    if parent is not None:
        _check_shape(kind=organization.kind, parent=parent)
        tree = organization_tree(year=year)
        if parent.pk not in tree:
            raise ApplicationError(ERR_PARENT_MISSING.format(year=year), field="parent")
        if parent.pk in tree.subtree_ids(organization.pk):
            raise ApplicationError(ERR_PARENT_IS_DESCENDANT, field="parent")
    elif organization.kind == OrganizationKind.UNIT:
        raise ApplicationError(ERR_UNIT_NEEDS_PARENT, field="parent")
    with transaction.atomic():
        _marks_save(organization, is_appraising_body if flag_changes else None, unit_type if type_changes else None)
        version = _version_replace_from(current=current, year=year, name=name, short_name=short_name, parent=parent)
        OrganizationChange.objects.create(
            kind=ChangeKind.RENAMED, year=year, organization=organization, note=note, by=by
        )
    return version


def organization_merge_check(*, source: Organization, target: Organization, year: int, by) -> OrganizationVersion:
    """Refuse a merge that cannot happen (before anything is shown or written); returns the
    source's version that the merge closes."""
    access = actor_access(by, year)
    if access is not None:
        _require_manage(access, source)
        _require_manage(access, target, field="target")
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


def organization_merge(*, source: Organization, target: Organization, year: int, by, note: str = "") -> MergeFootprint:
    """From `year`, `source` no longer exists. Its sub-units move under `target`; its people get
    the same roles at `target`; its open plan tasks of `year` and later, and its criterion
    assignments in sets of `year` and later, go to `target`, so no work is left reaching nobody.
    Earlier years keep `source` as it was. Returns what moved."""
    with transaction.atomic():
        # Lock the unit first, so a second merge confirmed at the same moment waits, then is refused.
        Organization.objects.select_for_update().filter(pk=source.pk).first()
        current = organization_merge_check(source=source, target=target, year=year, by=by)
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
    by,
    note: str = "",
) -> Organization:
    """A new organization, split off `source` from `year`, beside it under the same parent."""
    access = actor_access(by, year)
    if access is not None:
        _require_manage(access, source)
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


def membership_add(*, user, organization: Organization, role: str, by, year: int | None = None) -> Membership:
    """Give `user` a role at `organization`. The actor manages the users of that organization;
    the appraiser role is given only at an appraising body, by its admin or the province's; and
    nobody is made both a member of a department and its appraiser."""
    year = year or current_year()
    access = actor_access(by, year)
    tree = access.tree if access is not None else organization_tree(year=year)
    if access is not None and not access.can(Perm.USER_MANAGE, organization.pk):
        raise Forbidden(ERR_NOT_USER_MANAGER.format(name=tree.name_of(organization.pk) or organization.code))
    if role == Role.APPRAISER:
        body = appraising_body(tree, organization.pk)
        if body is None:
            raise ApplicationError(ERR_APPRAISER_NOT_AT_BODY, field="role")
        if access is not None and not (
            (body.org_id, Role.ADMIN) in access.memberships or access.is_province_admin_of(body.org_id)
        ):
            raise ApplicationError(ERR_APPRAISER_GRANTOR, field="role")
    with transaction.atomic():
        # Lock the person, so two grants made at the same moment are checked one after the other.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        held = list(Membership.objects.filter(user=user).values_list("organization_id", "role"))
        if (organization.pk, role) in held:
            raise ApplicationError(ERR_MEMBERSHIP_EXISTS)
        conflicts = appraisal_conflicts(tree, [*held, (organization.pk, role)])
        if conflicts:
            raise ApplicationError(ERR_APPRAISE_OWN.format(name=tree.name_of(min(conflicts))))
        membership = Membership(user=user, organization=organization, role=role)
        membership.full_clean()
        membership.save()
    return membership


def membership_remove(*, membership: Membership, by, year: int | None = None) -> None:
    access = actor_access(by, year or current_year())
    if access is not None and not access.can(Perm.USER_MANAGE, membership.organization_id):
        name = access.tree.name_of(membership.organization_id) or membership.organization.code
        raise Forbidden(ERR_NOT_USER_MANAGER.format(name=name))
    membership.delete()


def _require_manage(access: Access, organization: Organization, *, field: str | None = None) -> None:
    if not access.can(Perm.ORG_MANAGE, organization.pk):
        name = access.tree.name_of(organization.pk) or organization.code
        raise Forbidden(ERR_NOT_MANAGER.format(name=name), field=field)


def _check_body_flag(access: Access | None, *, kind: str | None, parent_id: int | None, year: int) -> None:
    """Marking (kind given) or unmarking (kind None) an appraising body: the province's admin
    decides it, and only a department directly under a province can be one."""
    tree = access.tree if access is not None else organization_tree(year=year)
    province = tree.nodes.get(parent_id) if parent_id is not None else None
    under_province = province is not None and province.kind == OrganizationKind.PROVINCE
    if kind is not None and (kind != OrganizationKind.DEPARTMENT or not under_province):
        raise ApplicationError(ERR_BODY_FLAG_KIND, field="is_appraising_body")
    if access is not None and not (access.is_superuser or (parent_id and access.is_province_admin_of(parent_id))):
        raise ApplicationError(ERR_BODY_FLAG_RIGHTS, field="is_appraising_body")


def _marks_save(organization: Organization, is_appraising_body: bool | None, unit_type: str | None) -> None:
    """Save the marks given (None: unchanged) that hold for every year."""
    fields = []
    if is_appraising_body is not None:
        organization.is_appraising_body = is_appraising_body
        fields.append("is_appraising_body")
    if unit_type is not None:
        organization.unit_type = unit_type
        fields.append("unit_type")
    if fields:
        organization.full_clean()
        organization.save(update_fields=[*fields, "updated_at"])


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
