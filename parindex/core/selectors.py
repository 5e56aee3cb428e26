from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import BigIntegerField, DateField, DateTimeField, ForeignKey, Func, QuerySet

from parindex.core.pagination import OpenPage, open_page

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


class AuditOrganization(Func):
    """An entry's additional_data["organization_id"] as a number (NULL when absent or not a number).

    The audit log filters on it and migration core 0001 indexes it with `timestamp`; both compile
    this one expression, so the SQL is the same text and the planner matches the index. Django's
    own key lookup does not do for SQLite: it compiles to a CASE whose IN list comes from a
    frozenset, in an order that changes with each process's hash seed. `indexed=False` prefixes a
    unary plus, which keeps the value and stops either database from matching that index."""

    arity = 1
    output_field = BigIntegerField()

    def __init__(self, expression, *, indexed: bool = True) -> None:
        super().__init__(expression)
        self.indexed = indexed

    def _template(self, sql: str) -> str:
        return sql if self.indexed else f"(+{sql})"

    def as_sqlite(self, compiler, connection, **extra):
        template = self._template("JSON_EXTRACT(%(expressions)s, '$.organization_id')")
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(self, compiler, connection, **extra):
        template = self._template(
            "(CASE WHEN jsonb_typeof(%(expressions)s -> 'organization_id') = 'number' "
            "THEN (%(expressions)s ->> 'organization_id')::numeric END)"
        )
        return self.as_sql(compiler, connection, template=template)


# Below this many entries in a user's scope, the page sorts them all, read from the (organization,
# time) index alone; above it, entries in scope are common enough that walking the time index
# newest first meets a page's worth soon (at 10⁶ entries, within 50 × 51 entries).
AUDIT_SPARSE_SCOPE = 20_000


def _organization_index_serves(wanted: list[int]) -> bool:
    """Whether the (organization, time) index should serve this scope. Neither index serves every
    scope (a department with most of 10⁶ entries, or with a handful). PostgreSQL's planner tells
    them apart from the expression index's statistics, so it is offered the index and chooses;
    SQLite's takes the index whenever it matches (then sorts 300,000 entries for one page), so a
    query bounded to AUDIT_SPARSE_SCOPE index entries decides for it."""
    if connection.vendor != "sqlite":
        return True
    in_scope = LogEntry.objects.alias(organization=AuditOrganization("additional_data"))
    return in_scope.filter(organization__in=wanted).order_by()[:AUDIT_SPARSE_SCOPE].count() < AUDIT_SPARSE_SCOPE


def audit_entry_ids(*, org_ids: frozenset[int] | None) -> QuerySet:
    """Ids of the entries a user may read, newest first (the id breaks ties, so pages do not
    overlap); with `org_ids`, only entries about those organizations."""
    ids = LogEntry.objects.order_by("-timestamp", "-id").values_list("pk", flat=True)
    if org_ids is None:
        return ids
    wanted = sorted(org_ids)
    organization = AuditOrganization("additional_data", indexed=_organization_index_serves(wanted))
    return ids.alias(organization=organization).filter(organization__in=wanted)


def audit_page(*, org_ids: frozenset[int] | None, number: str | None, size: int) -> OpenPage:
    """One page of the log without counting it: which index to use, the page's ids, its entries."""
    page = open_page(audit_entry_ids(org_ids=org_ids), number, size=size)
    entries = LogEntry.objects.select_related("actor", "content_type").in_bulk(page.rows)
    return replace(page, rows=[entries[pk] for pk in page.rows])


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
