"""Writes to the organization tree and to memberships. Every change of name, parent,
merge or split takes effect from a year and leaves earlier years exactly as they were."""

from __future__ import annotations

from django.db import transaction

from parindex.core.errors import ApplicationError
from parindex.organizations.models import (
    ChangeKind,
    Membership,
    Organization,
    OrganizationChange,
    OrganizationKind,
    OrganizationVersion,
)
from parindex.organizations.selectors import organization_tree, organization_version_in

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


def organization_merge(*, source: Organization, target: Organization, year: int, by=None, note: str = "") -> None:
    """From `year`, `source` no longer exists: its sub-units move under `target`."""
    if source.pk == target.pk:
        raise ApplicationError(ERR_MERGE_SELF, field="target")
    current = _version_in_or_fail(organization=source, year=year)
    _version_in_or_fail(organization=target, year=year)
    tree = organization_tree(year=year)
    if target.pk in tree.subtree_ids(source.pk):
        raise ApplicationError(ERR_MERGE_INTO_DESCENDANT, field="target")
    if current.valid_from == year:
        raise ApplicationError(ERR_CHANGE_IN_FIRST_YEAR.format(name=current.name, year=year))
    _refuse_later_versions(current=current, year=year)
    with transaction.atomic():
        for child in tree.children(source.pk):
            child_version = OrganizationVersion.objects.get(organization_id=child.org_id, valid_from=child.valid_from)
            _version_replace_from(
                current=child_version,
                year=year,
                name=child_version.name,
                short_name=child_version.short_name,
                parent=target,
            )
        current.valid_until = year - 1
        current.full_clean()
        current.save(update_fields=["valid_until", "updated_at"])
        OrganizationChange.objects.create(
            kind=ChangeKind.MERGED, year=year, organization=source, related=target, note=note, by=by
        )


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
