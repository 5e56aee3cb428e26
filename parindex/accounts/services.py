"""Writes to accounts. Each takes the acting user `by` and refuses what he may not do, so a
management command or a future API is held to the same rules as the pages (see selectors for
who reaches which account)."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from parindex.accounts.models import User
from parindex.accounts.selectors import user_account_manageable, user_in_scope
from parindex.core.errors import ApplicationError, Forbidden
from parindex.core.versioning import refuse_if_edited_since
from parindex.organizations.access import Access, access_for_user
from parindex.organizations.models import Organization
from parindex.organizations.permissions import Perm, Role
from parindex.organizations.services import membership_add

ERR_USERNAME_TAKEN = "Tên đăng nhập “{username}” đã có người dùng."
ERR_NOT_USER_ADMIN = "Bạn không có quyền quản lý người dùng."
ERR_USER_OUT_OF_REACH = "Tài khoản này không thuộc phạm vi quản lý của bạn."
ERR_ACCOUNT_SHARED = (
    "Tài khoản “{username}” còn có vai trò ở cơ quan, đơn vị ngoài phạm vi quản lý của bạn, nên bạn không "
    "đổi được mật khẩu, trạng thái, họ tên hay thư điện tử của tài khoản này. Hãy đề nghị quản trị cấp tỉnh "
    "thực hiện. Bạn vẫn thêm, thu hồi được vai trò trong phạm vi của mình."
)
ERR_FIRST_ROLE_REQUIRED = "Hãy chọn cơ quan, đơn vị và vai trò cho người dùng mới."
ERR_ROLE_OUT_OF_SCOPE = "Bạn chỉ giao được vai trò tại cơ quan, đơn vị trong phạm vi quản lý của mình."
ERR_ROLE_UNKNOWN = "Vai trò không hợp lệ."
ERR_SAME_PASSWORD = "Mật khẩu mới phải khác mật khẩu do quản trị đặt."

# What the audit page shows for a password: that it changed, how and (as the entry's actor) by
# whom; never the value nor its hash.
AUDIT_PASSWORD_HIDDEN = "(không lưu)"
AUDIT_PASSWORD_CREATED = "Đặt khi tạo tài khoản; người dùng phải đổi khi đăng nhập"
AUDIT_PASSWORD_RESET = "Quản trị đặt lại; người dùng phải đổi khi đăng nhập"
AUDIT_PASSWORD_OWN = "Người dùng tự đổi"


@transaction.atomic
def user_create(
    *,
    by: User,
    year: int,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    password: str,
    organization: Organization | None,
    role: str = "",
) -> User:
    """A new account with its first role in one transaction: it is never, even for a moment, a
    role-less account that other admins' pages could list. Only a superuser may leave out the role."""
    access = _user_admin_access(by=by, year=year)
    if organization is None:
        if not access.is_superuser:
            raise ApplicationError(ERR_FIRST_ROLE_REQUIRED, field="organization")
    else:
        if not access.can(Perm.USER_MANAGE, organization.pk):
            raise ApplicationError(ERR_ROLE_OUT_OF_SCOPE, field="organization")
        if role not in Role.values:
            raise ApplicationError(ERR_ROLE_UNKNOWN, field="role")
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(ERR_USERNAME_TAKEN.format(username=username), field="username")
    user = User(username=username, full_name=full_name, email=email, phone=phone, must_change_password=True)
    _validate_password(user, password)
    user.set_password(password)
    user.full_clean()
    user.save()
    if organization is not None:
        membership_add(user=user, organization=organization, role=role, by=by, year=year)
    _audit_password(user=user, by=by, access=access, how=AUDIT_PASSWORD_CREATED)
    return user


@transaction.atomic
def user_update(
    *,
    by: User,
    year: int,
    user: User,
    full_name: str,
    email: str,
    phone: str,
    is_active: bool,
    password: str = "",
    loaded_at: str | None = None,
) -> User:
    access = _refuse_unless_manageable(by=by, year=year, user=user)
    refuse_if_edited_since(user, loaded_at)
    user.full_name, user.email, user.phone, user.is_active = full_name, email, phone, is_active
    fields = ["full_name", "email", "phone", "is_active", "updated_at"]
    if password:
        _password_change(user=user, by=by, access=access, password=password)
        fields += ["password", "must_change_password"]
    user.full_clean()
    user.save(update_fields=fields)
    return user


@transaction.atomic
def user_password_set(*, by: User, year: int, user: User, password: str) -> User:
    """A password chosen by the user himself, or by an admin who manages the account; in the
    second case the user must replace it at his next login."""
    access = access_for_user(by, year) if by.pk == user.pk else _refuse_unless_manageable(by=by, year=year, user=user)
    _password_change(user=user, by=by, access=access, password=password)
    user.save(update_fields=["password", "must_change_password", "updated_at"])
    return user


def _password_change(*, user: User, by: User, access: Access, password: str) -> None:
    own = by.pk == user.pk
    if own and user.must_change_password and user.check_password(password):
        raise ApplicationError(ERR_SAME_PASSWORD, field="new_password1")
    _validate_password(user, password)
    user.set_password(password)
    user.must_change_password = not own
    _audit_password(user=user, by=by, access=access, how=AUDIT_PASSWORD_OWN if own else AUDIT_PASSWORD_RESET)


def _user_admin_access(*, by: User, year: int) -> Access:
    access = access_for_user(by, year)
    if not access.has(Perm.USER_MANAGE):
        raise Forbidden(ERR_NOT_USER_ADMIN)
    return access


def _refuse_unless_manageable(*, by: User, year: int, user: User) -> Access:
    access = _user_admin_access(by=by, year=year)
    if user_in_scope(access=access, pk=user.pk) is None:
        raise ApplicationError(ERR_USER_OUT_OF_REACH)
    if not user_account_manageable(access=access, user=user):
        raise ApplicationError(ERR_ACCOUNT_SHARED.format(username=user.username))
    return access


def _validate_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="password") from error


def _audit_password(*, user: User, by: User, access: Access, how: str) -> None:
    """The User model is audited without its password field (the hash must not be kept), so a
    password change is recorded here, on the organization of one of the user's roles the actor
    manages (the one whose audit page shows it)."""
    scope = access.org_ids_with(Perm.USER_MANAGE)
    org_ids = list(user.memberships.order_by("pk").values_list("organization_id", flat=True))
    organization_id = next((pk for pk in org_ids if pk in scope), org_ids[0] if org_ids else None)
    LogEntry.objects.log_create(
        user,
        action=LogEntry.Action.UPDATE,
        changes={"password": [AUDIT_PASSWORD_HIDDEN, how]},
        actor=by,
        additional_data={"organization_id": organization_id, "password_changed": True},
    )
