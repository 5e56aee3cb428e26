"""Rows of the assessment pages written in one pass (see parindex.core.templatetags.rows): the
score sheet (91 rows × 8 cells), a round's ranking and the what-if's rows at risk."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString

from parindex.assessments.selectors import ResultRow, SheetRow
from parindex.core.templatetags.fast_text import truncatechars
from parindex.core.templatetags.rows import UrlPattern, join_rows, text
from parindex.core.templatetags.vn import points

register = template.Library()


@register.simple_tag
def sheet_rows(rows: list[SheetRow], appraising: bool) -> SafeString:
    """Every <tr> of the score sheet; every value from the database is escaped."""
    panel = UrlPattern("assessments:answer_panel")
    return join_rows(_row(row, appraising, panel) for row in rows)


def _row(row: SheetRow, appraising: bool, panel: UrlPattern) -> str:
    criterion, answer = row.criterion, row.answer
    pk = criterion.pk
    classes = ("" if row.is_leaf else "table-light fw-semibold") + (
        " table-warning" if answer is not None and answer.explanation_requested else ""
    )
    title = escape(truncatechars(criterion.title, 110))
    if row.is_leaf and answer:
        name = (
            f'<a href="#" hx-get="{panel(answer.pk)}" hx-target="#answer-panel"'
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
    link = UrlPattern("assessments:assessment_detail")
    return join_rows(_ranking_row(r, names, openable, link) for r in results)


def _ranking_row(r: ResultRow, names: dict[int, str], openable: set[int], link: UrlPattern) -> str:
    assessment = r.assessment
    code = escape(assessment.organization.code)
    name = escape(names.get(assessment.organization_id) or "") or code
    if assessment.organization_id in openable:
        name = f'<a href="{link(assessment.pk)}">{name}</a>'
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


@register.simple_tag
def what_if_rows(rows: list[SheetRow], overrides: dict[int, Decimal]) -> SafeString:
    """The what-if's rows at risk, each with its input holding the points supposed for it."""
    return join_rows(_what_if_row(row, overrides.get(row.criterion.pk)) for row in rows)


def _what_if_row(row: SheetRow, supposed: Decimal | None) -> str:
    criterion = row.criterion
    code = text(criterion.code)
    value = "" if supposed is None else text(points(supposed).replace("—", ""))
    return (
        f"<tr><td>{code}</td><td>{text(criterion.title, 90)}</td>"
        f'<td class="text-end">{text(points(criterion.max_points))}</td>'
        f'<td class="text-end">{text(points(row.points["final"]))}</td>'
        f'<td><input class="form-control form-control-sm" name="c{criterion.pk}" inputmode="decimal" value="{value}"'
        f' aria-label="Điểm giả định {code}"></td></tr>'
    )


@register.simple_tag
def lost_items(lost: list[tuple[SheetRow, str]]) -> SafeString:
    """The points-lost list: (row, its lead units' names) → one <li> each."""
    return join_rows(_lost_item(row, leads) for row, leads in lost)


def _lost_item(row: SheetRow, leads: str) -> str:
    shown_leads = f'<br><span class="text-secondary">Chủ trì: {text(leads)}</span>' if leads else ""
    return (
        f'<li class="list-group-item d-flex justify-content-between gap-2"><span>{text(row.criterion.code)} '
        f"{text(row.criterion.title, 70)}{shown_leads}</span>"
        f'<span class="text-danger text-nowrap">−{text(points(row.lost))}</span></li>'
    )
