"""Points of other criteria that a rule may read (the `condition` kind's `on: {criterion: …}`).

The caller passes them as `evaluate(inputs, context={code: points})`. They travel in a context
variable rather than as an argument through every kind, so that a condition nested inside a
composite or a not_applicable rule sees them without each wrapper knowing about them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from typing import Any

from parindex.engine.errors import InputError
from parindex.engine.numbers import to_decimal

ERR_NO_POINTS = "Chưa có điểm của tiêu chí {code}."

_CONTEXT: ContextVar[Mapping[str, Any] | None] = ContextVar("parindex_rule_context", default=None)


@contextmanager
def using_context(context: Mapping[str, Any] | None) -> Iterator[None]:
    """Make `context` visible to the rules evaluated inside; None keeps the outer one, so a
    wrapper calling its inner rule without a context does not hide the caller's."""
    if context is None:
        yield
        return
    token = _CONTEXT.set(context)
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def accepts_context(method: Callable) -> Callable:
    """`rule.method(inputs)` becomes `rule.method(inputs, context=None)`."""

    @functools.wraps(method)
    def with_context(self, inputs, context: Mapping[str, Any] | None = None):
        if context is None:
            return method(self, inputs)
        with using_context(context):
            return method(self, inputs)

    return with_context


def criterion_points(code: str) -> Decimal:
    """The points the caller gave for criterion `code`; InputError when it gave none."""
    context = _CONTEXT.get()
    value = None if context is None else context.get(code)
    if value is None:
        raise InputError(ERR_NO_POINTS.format(code=code))
    try:
        return to_decimal(value)
    except (InvalidOperation, ValueError) as error:
        raise InputError(ERR_NO_POINTS.format(code=code)) from error


def criteria_read(params: Any) -> set[str]:
    """Codes of the criteria a rule's parameters branch on, nested rules included."""
    codes: set[str] = set()
    if isinstance(params, Mapping):
        on = params.get("on")
        if params.get("kind") == "condition" and isinstance(on, Mapping) and on.get("criterion"):
            codes.add(str(on["criterion"]).strip())
        for value in params.values():
            codes |= criteria_read(value)
    elif isinstance(params, list):
        for item in params:
            codes |= criteria_read(item)
    return codes
