from __future__ import annotations

from decimal import Decimal

from django import template

from parindex.engine.numbers import fmt, to_decimal

register = template.Library()


@register.filter
def points(value: object) -> str:
    """Points as an office writes them: 0,25 · 1,5 · 10 (no trailing zeros)."""
    if value in (None, ""):
        return "—"
    try:
        return fmt(value if isinstance(value, Decimal) else to_decimal(value))
    except (ArithmeticError, ValueError):
        return str(value)


@register.filter
def lookup(mapping: object, key: object) -> object:
    """mapping[key] in a template, or "" when absent."""
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""
