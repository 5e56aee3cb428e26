from __future__ import annotations

from django.core.exceptions import PermissionDenied


class ApplicationError(Exception):
    """A refusal a user can act on; its message is Vietnamese and shown as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(ApplicationError, PermissionDenied):
    """The acting user may never do this here, whatever the state: a service's ownership or
    separation-of-duties refusal. Uncaught, Django answers 403; a form may still show the message."""
