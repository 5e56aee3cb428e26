from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db.models import DateField, DateTimeField, ForeignKey, QuerySet

ACTION_LABELS = {
    LogEntry.Action.CREATE: "Tạo",
    LogEntry.Action.UPDATE: "Sửa",
    LogEntry.Action.DELETE: "Xóa",
}


@dataclass
class AuditRow:
    entry: LogEntry
    action: str
    changes: list[tuple[str, str, str]]


def audit_entries(*, org_ids: frozenset[int] | None) -> QuerySet[LogEntry]:
    """Newest first; with `org_ids`, only entries about those organizations."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if org_ids is not None:
        entries = entries.filter(additional_data__organization_id__in=list(org_ids))
    return entries


def audit_rows(entries: list[LogEntry]) -> list[AuditRow]:
    """Readable changes (field labels, choice labels, related objects' names) for a page of
    entries, with one query per related model instead of one per changed field."""
    wanted: dict[type, set[str]] = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if isinstance(field, ForeignKey):
                wanted[field.related_model].update(v for v in values if v not in (None, "None", ""))
    names = {
        model: {str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=pks)}
        for model, pks in wanted.items()
    }
    rows = []
    for entry in entries:
        model = entry.content_type.model_class()
        changes = []
        for name, (old, new) in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if field is not None and (field.auto_created and not field.concrete):
                continue  # a reverse relation ("surveys.ServicePoint.None"): says nothing to a reader
            changes.append((_label(field, name), _show(field, old, names), _show(field, new, names)))
        rows.append(AuditRow(entry, ACTION_LABELS.get(entry.action, "Khác"), changes))
    return rows


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _label(field, name: str) -> str:
    label = str(getattr(field, "verbose_name", name))
    return label[:1].upper() + label[1:]


def _show(field, value, names: dict) -> str:
    if value in (None, "None", ""):
        return "∅"
    if isinstance(field, ForeignKey):
        return names.get(field.related_model, {}).get(str(value), str(value))
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value))
    if isinstance(field, DateField) and not isinstance(field, DateTimeField):
        try:
            return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if value in ({}, [], "{}", "[]"):
        return "∅"
    return str(value)
