"""The assessment page's score rows, written in one pass: through the template language its 91
rows × 8 cells were most of the page's time (the same reason as the assignment matrix's cells)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from parindex.assessments.selectors import ResultRow, SheetRow
from parindex.core.templatetags.fast_text import truncatechars
from parindex.core.templatetags.vn import points

register = template.Library()
_PK = 999_999_999  # placeholder, so the panel's URL is reversed once per page, not once per row


@register.simple_tag
def sheet_rows(rows: list[SheetRow], appraising: bool) -> SafeString:
    """Every <tr> of the score sheet; every value from the database is escaped."""
    before, after = reverse("assessments:answer_panel", args=[_PK]).split(str(_PK))
    return mark_safe("".join(_row(row, appraising, before, after) for row in rows))  # escaped values only


def _row(row: SheetRow, appraising: bool, panel_before: str, panel_after: str) -> str:
    criterion, answer = row.criterion, row.answer
    pk = criterion.pk
    classes = ("" if row.is_leaf else "table-light fw-semibold") + (
        " table-warning" if answer is not None and answer.explanation_requested else ""
    )
    title = escape(truncatechars(criterion.title, 110))
    if row.is_leaf and answer:
        name = (
            f'<a href="#" hx-get="{panel_before}{answer.pk}{panel_after}" hx-target="#answer-panel"'
            f' hx-swap="innerHTML show:#answer-panel:top">{title}</a>'
        )
        if row.evidence_count:
            name += f' <i class="bi bi-paperclip text-secondary" title="{row.evidence_count} tài liệu"></i>'
        flag = ' <span class="badge text-bg-warning">yêu cầu giải trình</span>' if answer.explanation_requested else ""
        name += f'<span id="flag-{pk}">{flag}</span>'
    else:
        name = title
    if row.survey_pending:
        self_points = '<span class="text-secondary" title="chờ kết quả điều tra">chờ XHH</span>'
    else:
        self_points = escape(points(row.points["self"]))
    cells = [
        f'<tr class="{classes}">',
        f'<td class="text-nowrap">{escape(criterion.code)}</td>',
        f'<td style="padding-left: {row.depth}rem">{name}</td>',
        f'<td class="text-end">{escape(criterion.max_text or "—")}</td>',
        f'<td class="text-end" id="self-{pk}">{self_points}</td>',
    ]
    if appraising:
        difference = row.difference
        note = ""
        if answer is not None:
            text = answer.note_2 or answer.note_1
            note = escape(truncatechars(text, 80)) if text else ""
            if answer.reply:
                note += f' <i class="bi bi-chat-left-text" title="Đơn vị đã giải trình: {escape(answer.reply)}"></i>'
        cells += [
            f'<td class="text-end d-none d-md-table-cell" id="round1-{pk}">{escape(points(row.points["round1"]))}</td>',
            f'<td class="text-end fw-semibold" id="final-{pk}">{escape(points(row.points["final"]))}</td>',
            f'<td class="text-end d-none d-md-table-cell {"text-danger" if difference and difference < 0 else ""}">'
            f"{escape(points(difference)) if difference else ''}</td>",
            f'<td class="text-secondary d-none d-md-table-cell" style="min-width: 10rem">{note}</td>',
        ]
    cells.append("</tr>")
    return "".join(cells)


@register.simple_tag
def ranking_rows(results: list[ResultRow], names: dict[int, str], openable: set[int]) -> SafeString:
    """Every <tr> of a round's ranking (45 departments in a province); values escaped."""
    before, after = reverse("assessments:assessment_detail", args=[_PK]).split(str(_PK))
    return mark_safe("".join(_ranking_row(r, names, openable, before, after) for r in results))  # escaped values


def _ranking_row(r: ResultRow, names: dict[int, str], openable: set[int], link_before: str, link_after: str) -> str:
    assessment = r.assessment
    code = escape(assessment.organization.code)
    name = escape(names.get(assessment.organization_id) or "") or code
    if assessment.organization_id in openable:
        name = f'<a href="{link_before}{assessment.pk}{link_after}">{name}</a>'
    if names.get(assessment.organization_id):
        name += f' <code class="small text-secondary d-none d-md-inline">{code}</code>'
    state = escape(assessment.get_state_display())
    band = escape(r.band) if r.band else ""
    change = r.change
    shown_change = "—" if change is None else ("+" if change > 0 else "") + escape(points(change))
    return (
        f'<tr><td class="fw-semibold">{r.rank}</td><td>{name}'
        f'<div class="small text-secondary d-md-none">{state}{f" · {band}" if band else ""}</div></td>'
        f'<td class="d-none d-md-table-cell">{state}</td>'
        f'<td class="text-end fw-semibold">{escape(points(r.index))}</td>'
        f'<td class="d-none d-sm-table-cell">{band or "—"}</td><td class="text-end">{shown_change}</td></tr>'
    )
