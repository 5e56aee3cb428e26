from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form

from parindex.core.errors import ApplicationError
from parindex.organizations.access import access_for
from parindex.organizations.permissions import Perm


def perm_required(perm: Perm) -> Callable:
    """Log in first; then refuse (403) users none of whose memberships grant `perm`."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not access_for(request).has(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def any_perm_required(*perms: Perm) -> Callable:
    """Like perm_required, for views several roles reach through different permissions."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            access = access_for(request)
            if not any(access.has(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def call_service(form: Form, service: Callable[[], object]) -> object | None:
    """Run a service; a refusal becomes an error on the form so the user keeps what they typed."""
    try:
        return service()
    except ApplicationError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
