"""The working year: every page shows data of one year, chosen by the user, kept in the session."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

SESSION_KEY = "working_year"


def current_year() -> int:
    return timezone.localdate().year


def available_years() -> list[int]:
    return list(range(current_year() + 1, settings.PARINDEX_FIRST_YEAR - 1, -1))


def parse_year(raw: object) -> int | None:
    try:
        year = int(str(raw))
    except (TypeError, ValueError):
        return None
    return year if year in available_years() else None
