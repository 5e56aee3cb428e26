"""Reading numbers a request carries (ids, versions, years) without trusting them."""

from __future__ import annotations

# The largest id every supported database stores; a bigger one is a typo or a probe.
MAX_ID = 2**31 - 1


def plain_int(raw: str | None, *, maximum: int = MAX_ID) -> int | None:
    """`raw` as a non-negative integer of ASCII digits up to `maximum`, else None: "²" is a digit
    to str.isdigit() but not to int(), and an id past the column's range is a database error."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return None
    value = int(raw)
    return value if value <= maximum else None
