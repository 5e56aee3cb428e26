from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from parindex.accounts.models import User
from parindex.core.errors import ApplicationError

ERR_USERNAME_TAKEN = "Tên đăng nhập “{username}” đã có người dùng."


@transaction.atomic
def user_create(*, username: str, full_name: str, email: str = "", phone: str = "", password: str) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(ERR_USERNAME_TAKEN.format(username=username), field="username")
    user = User(username=username, full_name=full_name, email=email, phone=phone)
    _set_password(user, password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_update(*, user: User, full_name: str, email: str, phone: str, is_active: bool, password: str = "") -> User:
    user.full_name, user.email, user.phone, user.is_active = full_name, email, phone, is_active
    fields = ["full_name", "email", "phone", "is_active"]
    if password:
        _set_password(user, password)
        fields.append("password")
    user.full_clean()
    user.save(update_fields=fields)
    return user


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="password") from error
    user.set_password(password)
