"""The criteria set page's rows, written in one pass (see parindex.core.templatetags.rows): 91
criteria with their units and links were most of the page's time through the template language."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from parindex.core.templatetags.rows import UrlPattern, join_rows, text
from parindex.core.templatetags.vn import points
from parindex.criteria.models import Scoring
from parindex.criteria.selectors import CriterionView
from parindex.engine.rules import KIND_LABELS

register = template.Library()

SCORING_BADGES = {
    Scoring.SURVEY: ' <span class="badge text-bg-info">XHH</span>',
    Scoring.APPRAISER: ' <span class="badge text-bg-secondary">thẩm định</span>',
}


@register.simple_tag
def set_rows(rows: list[CriterionView], set_code: str) -> SafeString:
    """Every <tr> of one area's table on the set page."""
    link = UrlPattern("criteria:criterion_detail", set_code)
    return join_rows(_set_row(row, link(row.criterion.code)) for row in rows)


def _more(url: str, more: int, role: str) -> str:
    if not more:
        return ""
    return f' <a href="{url}" class="text-nowrap" title="{role}: thêm {more} đơn vị">+{more}</a>'


def _set_row(row: CriterionView, url: str) -> str:
    criterion = row.criterion
    guidance = ""
    if criterion.evidence_guidance:
        guidance = f'<div class="small text-secondary fw-normal">TLKC: {text(criterion.evidence_guidance, 120)}</div>'
    units = ""
    if row.lead_names:
        units = f"<strong>{text(', '.join(row.lead_brief))}</strong>{_more(url, row.lead_more, 'Chủ trì')}"
    if row.coordinating_names:
        units += (
            f'<br><span class="text-secondary">{text(", ".join(row.coordinating_brief))}</span>'
            f"{_more(url, row.coordinating_more, 'Phối hợp')}"
        )
    maximum = "—" if criterion.max_points is None else text(points(criterion.max_points))
    return (
        f'<tr class="{"table-light fw-semibold" if row.has_children else ""}">'
        f'<td class="text-nowrap">{text(criterion.code)}</td>'
        f'<td style="padding-left: {row.depth}rem"><a href="{url}" class="text-decoration-none">'
        f"{text(criterion.title)}</a>{SCORING_BADGES.get(criterion.scoring, '')}{guidance}</td>"
        f'<td class="text-end text-nowrap">{maximum}</td>'
        f'<td class="d-none d-md-table-cell small fw-normal">{text(row.kind_label)}</td>'
        f'<td class="d-none d-lg-table-cell small fw-normal">{units}</td></tr>'
    )


@register.filter
def kind_name(kind: str | None) -> str:
    """A rule kind as the coordinator reads it ("Theo mức", not "bands"); an unknown kind as written."""
    return KIND_LABELS.get(kind or "", kind or "")
