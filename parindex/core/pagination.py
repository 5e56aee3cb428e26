"""Pages of a list too long to count: the page asks for one row more than it shows, and that row
says whether a next page exists. COUNT(*) over 10⁶ audit entries cost more than the page itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from parindex.core.params import plain_int

# Deep pages still cost an OFFSET; nobody reads the audit log 20,000 pages back.
MAX_PAGE = 20_000


@dataclass(frozen=True)
class OpenPage:
    """The part of Django's Page the pagination partial reads, without the total."""

    rows: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def open_page(queryset: QuerySet, raw_number: str | None, *, size: int) -> OpenPage:
    """Page `raw_number` (1 when missing or not a number) of an ordered queryset: one query."""
    number = min(plain_int(raw_number) or 1, MAX_PAGE) or 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return OpenPage(rows[:size], number, len(rows) > size)
