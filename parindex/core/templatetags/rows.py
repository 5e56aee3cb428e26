"""What the row-writing template tags share. A table of 45–91 rows written through the template
language costs a page tens of milliseconds (variable lookups, filters, a `{% url %}` per row);
the tags write each row as one f-string instead, and every value from the database goes through
`text()`, which escapes it the way `{{ value }}` would."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeData, SafeString, mark_safe

from parindex.core.templatetags.fast_text import truncatechars

_MARK = "999999999"  # a placeholder both <int:…> and <str:…> accept
_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted in a path (RFC 3986 sub-delims and / ~ : @)


class UrlPattern:
    """A URL whose last argument varies per row, reversed once per table: `pattern(value)`
    gives what `reverse(name, args=[*args, value])` would, quoted the same way."""

    def __init__(self, name: str, *args: object) -> None:
        self.before, self.after = reverse(name, args=[*args, _MARK]).rsplit(_MARK, 1)

    def __call__(self, value: object) -> str:
        return f"{self.before}{quote(str(value), safe=_SAFE)}{self.after}"


def text(value: object, limit: int | None = None) -> str:
    """A value as `{{ value }}` (or `{{ value|truncatechars:limit }}`) would write it (Django's
    escape() is html.escape behind a lazy-string wrapper that costs more than the escaping)."""
    if limit is not None:
        value = truncatechars(str(value), limit)
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def join_rows(rows) -> SafeString:
    """The rows of a table, each written from escaped values only."""
    return mark_safe("".join(rows))
