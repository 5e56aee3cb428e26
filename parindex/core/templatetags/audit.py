"""The audit log's rows, written in one pass (see parindex.core.templatetags.rows): 50 entries
of about 15 changed fields each were most of the page's time through the template language."""

from __future__ import annotations

from auditlog.models import LogEntry
from django import template
from django.utils import timezone
from django.utils.safestring import SafeString

from parindex.core.selectors import AuditRow
from parindex.core.templatetags.rows import join_rows, text

register = template.Library()


@register.simple_tag
def audit_rows(rows: list[AuditRow]) -> SafeString:
    return join_rows(_audit_row(row) for row in rows)


def _audit_row(row: AuditRow) -> str:
    entry = row.entry
    updated = entry.action == LogEntry.Action.UPDATE  # only an update has an old value to show
    changes = "".join(
        f'<div><span class="text-secondary">{text(label)}:</span> '
        f"{f'{text(old)} → ' if updated else ''}{text(new)}</div>"
        for label, old, new in row.changes
    )
    return (
        f'<tr><td class="text-nowrap">{timezone.localtime(entry.timestamp).strftime("%d/%m/%Y %H:%M")}</td>'
        f"<td>{text(entry.actor or '(hệ thống)')}</td><td>{text(row.action)}</td>"
        f'<td><span class="text-secondary small">{text(entry.content_type.name)}</span><br>'
        f"{text(entry.object_repr)}</td>"
        f'<td class="small">{changes}</td></tr>'
    )
