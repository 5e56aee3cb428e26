"""What one user may see and do in one working year, computed once per request.

Rules: a membership's permissions reach its organization and all its descendants in the
working year's tree; a superuser may do everything. Appraisal is the exception: it comes only
from an appraiser membership at an appraising body (Sở Nội vụ, the appraisal council) or a unit
under it, and reaches the other departments of that body's province, never an appraising body
and never a department in which the user holds any role, so no department appraises itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.http import HttpRequest

from parindex.organizations.models import Membership, OrganizationKind
from parindex.organizations.permissions import ROLE_PERMISSIONS, Perm, Role
from parindex.organizations.selectors import organization_tree, organizations_stamp_expression
from parindex.organizations.tree import OrgTree, TreeNode


@dataclass
class Access:
    tree: OrgTree
    memberships: list[tuple[int, str]]
    is_superuser: bool = False
    _scopes: dict[Perm, frozenset[int]] = field(default_factory=dict)

    @property
    def roles(self) -> set[str]:
        return {role for _, role in self.memberships}

    def org_ids_with(self, perm: Perm) -> frozenset[int]:
        if perm not in self._scopes:
            self._scopes[perm] = frozenset(self._compute_scope(perm))
        return self._scopes[perm]

    def has(self, perm: Perm) -> bool:
        return self.is_superuser or bool(self.org_ids_with(perm))

    def can(self, perm: Perm, org_id: int) -> bool:
        return org_id in self.org_ids_with(perm)

    @cached_property
    def visible_org_ids(self) -> frozenset[int]:
        """Organizations whose data this user may see at all."""
        if self.is_superuser:
            return frozenset(self.tree.nodes)
        seen: set[int] = set()
        for org_id, _ in self.memberships:
            seen |= self.tree.subtree_ids(org_id)
        return frozenset(seen | self.appraised_org_ids)

    @cached_property
    def appraised_org_ids(self) -> frozenset[int]:
        """The departments this user appraises (superusers included only through `can`)."""
        reach = appraisal_reach(self.tree, self.memberships)
        return frozenset(reach - held_department_ids(self.tree, self.memberships))

    def is_province_admin_of(self, org_id: int) -> bool:
        """An admin membership at the province `org_id` belongs to (or a superuser)."""
        if self.is_superuser:
            return True
        province = self.tree.nearest(org_id, OrganizationKind.PROVINCE)
        return province is not None and (province.org_id, Role.ADMIN) in self.memberships

    @property
    def administers_a_province(self) -> bool:
        return any(
            role == Role.ADMIN and org_id in self.tree and self.tree.nodes[org_id].kind == OrganizationKind.PROVINCE
            for org_id, role in self.memberships
        )

    def member_unit_ids(self, perm: Perm) -> set[int]:
        """The organizations the user is directly a member of with `perm` (no descendants):
        whose tasks are "my work"."""
        return {org_id for org_id, role in self.memberships if perm in ROLE_PERMISSIONS.get(role, ())}

    def _compute_scope(self, perm: Perm) -> set[int]:
        if self.is_superuser:
            return set(self.tree.nodes)
        if perm == Perm.APPRAISE:
            return set(self.appraised_org_ids)
        scope: set[int] = set()
        for org_id, role in self.memberships:
            if perm in ROLE_PERMISSIONS.get(role, ()):
                scope |= self.tree.subtree_ids(org_id)
        return scope


def appraising_body(tree: OrgTree, org_id: int) -> TreeNode | None:
    """The appraising body `org_id` is or belongs to, if any."""
    node = tree.nodes.get(org_id)
    if node is None:
        return None
    return next((n for n in (node, *tree.ancestors(org_id)) if n.is_appraising_body), None)


def appraisal_reach(tree: OrgTree, memberships: Iterable[tuple[int, str]]) -> set[int]:
    """The departments the appraiser memberships reach before the user's own departments are
    taken out: those of each appraising body's province, appraising bodies excepted (a round
    never includes one)."""
    reach: set[int] = set()
    for org_id, role in memberships:
        if role != Role.APPRAISER:
            continue
        body = appraising_body(tree, org_id)
        province = tree.nearest(body.org_id, OrganizationKind.PROVINCE) if body else None
        if province is None:
            continue
        reach |= {
            n.org_id
            for n in tree.children(province.org_id)
            if n.kind == OrganizationKind.DEPARTMENT and not n.is_appraising_body
        }
    return reach


def held_department_ids(tree: OrgTree, memberships: Iterable[tuple[int, str]]) -> set[int]:
    """The departments in which the user holds a role: the department of each membership, and,
    for a role that reaches down (an admin of the province), every department under it."""
    held: set[int] = set()
    for org_id, role in memberships:
        if org_id not in tree:
            continue
        nodes = [tree.nodes[org_id], *tree.ancestors(org_id)]
        if role != Role.APPRAISER:
            nodes += [tree.nodes[i] for i in tree.subtree_ids(org_id)]
        held |= {n.org_id for n in nodes if n.kind == OrganizationKind.DEPARTMENT}
    return held


def appraisal_conflicts(tree: OrgTree, memberships: Iterable[tuple[int, str]]) -> set[int]:
    """Departments the user would both belong to and appraise: a role grant that makes this
    non-empty is refused (Access leaves them out anyway)."""
    memberships = list(memberships)
    return appraisal_reach(tree, memberships) & held_department_ids(tree, memberships)


def access_for_user(user, year: int) -> Access:
    # The organizations' stamp comes with the memberships: the tree is then one query away only
    # for a user without any role.
    rows = list(
        Membership.objects.filter(user=user)
        .annotate(stamp=organizations_stamp_expression())
        .values_list("organization_id", "role", "stamp")
    )
    memberships = [(org_id, role) for org_id, role, _ in rows]
    tree = organization_tree(year=year, stamp=rows[0][2] if rows else None)
    return Access(tree=tree, memberships=memberships, is_superuser=user.is_superuser)


def actor_access(by, year: int) -> Access | None:
    """What the acting user of a service may do in `year`; None when the system itself acts
    (`by=None`: demo data, library loads), which the services let through."""
    return None if by is None else access_for_user(by, year)


def access_for(request: HttpRequest) -> Access:
    cached = getattr(request, "_parindex_access", None)
    if cached is None or cached.tree.year != request.working_year:
        cached = access_for_user(request.user, request.working_year)
        request._parindex_access = cached
    return cached
