"""Which accounts an acting user may see and manage.

A department's admin reaches the accounts that hold a role in his scope (his organization and the
units under it). An account with no role belongs to nobody's department, and superuser and staff
accounts (which reach /django-admin/) belong to superusers only: both are reached by superusers
alone. Reaching an account is not owning it: while it also holds a role elsewhere (another
department or province, an appraising body), its password, status, name and e-mail
are that other side's business too, so the admin may only manage the roles in his own scope.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from parindex.accounts.models import User
from parindex.organizations.access import Access
from parindex.organizations.models import Membership
from parindex.organizations.permissions import Perm


def user_list_in_scope(*, access: Access, search: str = "") -> QuerySet[User]:
    users = User.objects.all()
    if not access.is_superuser:
        scope = access.org_ids_with(Perm.USER_MANAGE)
        in_scope = Membership.objects.filter(organization_id__in=scope).values("user_id")
        users = users.filter(pk__in=in_scope, is_superuser=False, is_staff=False)
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(full_name__icontains=search) | Q(email__icontains=search)
        )
    return users.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organization"))
    ).order_by("username")


def user_in_scope(*, access: Access, pk: int) -> User | None:
    return user_list_in_scope(access=access).filter(pk=pk).first()


def roles_out_of_scope(*, access: Access, user: User) -> list[Membership]:
    """The roles of `user` outside the scope of `access`: while there is one, `access` manages
    only the roles in its scope, not the account itself."""
    if access.is_superuser:
        return []
    scope = access.org_ids_with(Perm.USER_MANAGE)
    # A unit merged away is no longer in this year's tree, so its old roles count as outside too:
    # nobody can tell from this year's tree whose they were.
    return [m for m in user.memberships.all() if m.organization_id not in scope]


def user_account_manageable(*, access: Access, user: User) -> bool:
    """Whether `access` may change the account's password, status, name and e-mail."""
    if access.is_superuser:
        return True
    if user.is_superuser or user.is_staff:
        return False
    return user.memberships.exists() and not roles_out_of_scope(access=access, user=user)
