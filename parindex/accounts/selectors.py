from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from parindex.accounts.models import User
from parindex.organizations.models import Membership


def user_list_in_scope(*, org_ids: frozenset[int], search: str = "") -> QuerySet[User]:
    """Users holding a role in one of `org_ids`, plus users without any role yet (just created)."""
    users = (
        User.objects.annotate(membership_count=Count("memberships"))
        .filter(Q(memberships__organization_id__in=org_ids) | Q(membership_count=0))
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("organization")))
        .order_by("username")
    )
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(full_name__icontains=search) | Q(email__icontains=search)
        )
    return users


def user_in_scope(*, org_ids: frozenset[int], pk: int) -> User | None:
    return user_list_in_scope(org_ids=org_ids).filter(pk=pk).first()
