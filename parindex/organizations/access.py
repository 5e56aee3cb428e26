"""What one user may see and do in one working year, computed once per request.

Rules: a membership's permissions reach its organization and all its descendants in the
working year's tree; an appraiser also sees the departments of the province its appraising
body belongs to; a superuser may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest

from parindex.organizations.models import Membership, OrganizationKind
from parindex.organizations.permissions import ROLE_PERMISSIONS, Perm, Role
from parindex.organizations.selectors import organization_tree
from parindex.organizations.tree import OrgTree


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

    @property
    def visible_org_ids(self) -> frozenset[int]:
        """Organizations whose data this user may see at all."""
        if self.is_superuser:
            return frozenset(self.tree.nodes)
        seen: set[int] = set()
        for org_id, _ in self.memberships:
            seen |= self.tree.subtree_ids(org_id)
        return frozenset(seen | self.appraised_org_ids)

    @property
    def appraised_org_ids(self) -> frozenset[int]:
        appraised: set[int] = set()
        for org_id, role in self.memberships:
            if role != Role.APPRAISER or org_id not in self.tree:
                continue
            province = self.tree.nearest(org_id, OrganizationKind.PROVINCE)
            if province:
                appraised |= {
                    n.org_id
                    for n in self.tree.children(province.org_id)
                    if n.kind == OrganizationKind.DEPARTMENT and n.org_id != org_id
                }
        return frozenset(appraised)

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


def access_for_user(user, year: int) -> Access:
    memberships = list(Membership.objects.filter(user=user).values_list("organization_id", "role"))
    return Access(tree=organization_tree(year=year), memberships=memberships, is_superuser=user.is_superuser)


def access_for(request: HttpRequest) -> Access:
    cached = getattr(request, "_parindex_access", None)
    if cached is None or cached.tree.year != request.working_year:
        cached = access_for_user(request.user, request.working_year)
        request._parindex_access = cached
    return cached
