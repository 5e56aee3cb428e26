from __future__ import annotations


class ApplicationError(Exception):
    """A refusal a user can act on; its message is Vietnamese and shown as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
