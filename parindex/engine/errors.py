from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine raises; the message is Vietnamese and shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RuleError(EngineError):
    """A rule's definition is unusable (unknown kind, missing or bad parameter)."""


class InputError(EngineError):
    """The inputs given to a rule are missing or impossible (b > a, negative count, a = 0)."""
