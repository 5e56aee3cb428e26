"""The assignment matrix's cells, written in one pass: through the template language its ~900
cells (a loop, an `if` and four lookups each) were most of the page's time."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

from parindex.criteria.selectors import MatrixRow

register = template.Library()


@register.simple_tag
def matrix_cells(row: MatrixRow) -> str:
    """One <td> per unit: its test id, the role's class (the picker reads it) and its letters."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html('<td data-testid="cell-{}" class="mx-{}">{}</td>', cell.key, cell.role, cell.abbreviation)
                if cell.role
                else format_html('<td data-testid="cell-{}"></td>', cell.key),
            )
            for cell in row.cells
        ),
    )
