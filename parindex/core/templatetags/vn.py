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


@register.simple_tag(takes_context=True)
def org_name(context, organization) -> str:
    """An organization's name in the working year, from the tree the request already loaded for
    its permissions (no query); its code when it does not exist that year."""
    from parindex.organizations.access import access_for

    request = context.get("request")
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return organization.code
    return access_for(request).tree.name_of(organization.pk) or organization.code
