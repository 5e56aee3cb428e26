"""The assignment matrix's cells, written in one pass: through the template language (and even
through format_html) its ~900 cells were most of the page's time."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from parindex.criteria.selectors import MatrixRow

register = template.Library()


@register.simple_tag
def matrix_cells(row: MatrixRow) -> SafeString:
    """One <td> per unit: its test id, the role's class (the picker reads it), its letters and
    the official the source names for the unit; every value from the database is escaped."""
    parts = []
    for cell in row.cells:
        if cell.role and cell.responsible:
            official = escape(cell.responsible)
            parts.append(
                f'<td data-testid="cell-{escape(cell.key)}" class="mx-{escape(cell.role)}" data-official="{official}" '
                f'title="Người phụ trách: {official}">{escape(cell.abbreviation)}'
                '<i class="bi bi-person-fill ms-1" aria-hidden="true"></i></td>'
            )
        elif cell.role:
            parts.append(
                f'<td data-testid="cell-{escape(cell.key)}" class="mx-{escape(cell.role)}">'
                f"{escape(cell.abbreviation)}</td>"
            )
        else:
            parts.append(f'<td data-testid="cell-{escape(cell.key)}"></td>')
    return mark_safe("".join(parts))  # built from escaped values only
