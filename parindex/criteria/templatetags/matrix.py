"""The assignment matrix's rows, written in one pass (see parindex.core.templatetags.rows):
through the template language (and even through format_html) its ~900 cells were most of the
page's time."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from parindex.core.templatetags.rows import text
from parindex.criteria.selectors import MatrixRow

register = template.Library()


@register.simple_tag
def matrix_row(row: MatrixRow, department_id: int) -> SafeString:
    """One criterion's <tr>: its code, title, the link that opens the row as a form, and one <td>
    per unit with its test id, the role's class (the picker reads it), its letters and the
    official the source names for the unit."""
    criterion = row.view.criterion
    code = text(criterion.code)
    area = ' class="table-light fw-semibold"' if row.view.has_children else ""
    parts = [
        f'<tr id="hang-{code}"{area} data-criterion="{criterion.pk}" data-code="{code}">',
        f'<td class="text-nowrap">{code}</td>',
        f"<td>{text(criterion.title, 90)} "
        f'<a class="mx-edit" href="?don_vi={department_id}&amp;sua={code}#sua" title="Sửa cả hàng {code}">'
        '<i class="bi bi-pencil-square"></i></a></td>',
    ]
    for cell in row.cells:
        key = text(cell.key)
        if cell.role and cell.responsible:
            official = text(cell.responsible)
            parts.append(
                f'<td data-testid="cell-{key}" class="mx-{text(cell.role)}" data-official="{official}" '
                f'title="Người phụ trách: {official}">{text(cell.abbreviation)}'
                '<i class="bi bi-person-fill ms-1" aria-hidden="true"></i></td>'
            )
        elif cell.role:
            parts.append(f'<td data-testid="cell-{key}" class="mx-{text(cell.role)}">{text(cell.abbreviation)}</td>')
        else:
            parts.append(f'<td data-testid="cell-{key}"></td>')
    parts.append("</tr>")
    return mark_safe("".join(parts))  # built from escaped values only
