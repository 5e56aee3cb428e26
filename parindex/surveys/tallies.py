"""Incremental survey aggregates: each counted answer's share of the result tables, kept in
ResponseTally / ImprovementTally so that no page reads the answers themselves.

An answer counts (`ResponseQuerySet.counted`) when it is neither excluded nor held and its paper
batch, if any, is not excluded. Every write that changes one of those, or stores or deletes an
answer, moves its counts in the same transaction with an atomic upsert (`x = x + excluded.x`), so
two workers never lose a count. `rebuild` recomputes them from the answers (the management
command rebuild_survey_tallies, the data migration, and bulk loads that bypass `save`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from parindex.engine.survey import TABLE_KEYS, answer_counts

# What an answer's counts depend on, read from the row (batch__excluded through the join).
FIELDS = (
    "campaign_id",
    "point_id",
    "channel",
    "answered_on",
    "created_at",
    "paper",
    "answers",
    "comment",
    "improvements",
    "excluded",
    "held",
    "batch_id",
    "batch__excluded",
)
KEY_COLUMNS = ("campaign_id", "point_id", "channel", "month", "paper")
COUNT_COLUMNS = ("answers", "comments", *(f"{k}_{part}" for k in TABLE_KEYS for part in ("n", "satisfied")))

Key = tuple[int, int, str, date, bool]


@dataclass(frozen=True)
class State:
    values: dict  # FIELDS → value, as stored

    @property
    def counted(self) -> bool:
        v = self.values
        return not v["excluded"] and not v["held"] and not v["batch__excluded"]


def answered_day(answered_on: date | None, created_at: datetime) -> date:
    """The day an answer counts for (`Response.answered_date`), from its two stored columns: the
    date on a paper form, else the local date it was received."""
    return answered_on or timezone.localtime(created_at).date()


def _share(values: dict) -> tuple[Key, tuple[int, ...], list]:
    """One counted answer's group, its counts (in COUNT_COLUMNS order) and its improvement choices."""
    key = (
        values["campaign_id"],
        values["point_id"],
        values["channel"] or "",
        answered_day(values["answered_on"], values["created_at"]).replace(day=1),  # its month
        bool(values["paper"]),
    )
    counts = answer_counts(values["answers"] or {})
    vector = (1, int(bool((values["comment"] or "").strip())), *(c for k in TABLE_KEYS for c in counts[k]))
    return key, vector, [str(choice) for choice in values["improvements"] or []]


def stored_state(pk: int) -> State | None:
    """The answer as the database holds it, its row locked until the transaction ends (PostgreSQL)."""
    from parindex.surveys.models import Response

    row = Response.objects.select_for_update(of=("self",)).filter(pk=pk).values_list(*FIELDS).first()
    return State(dict(zip(FIELDS, row, strict=True))) if row else None


def state_after(before: State | None, response, update_fields) -> State:
    """The state `response.save(update_fields=…)` left in the database."""
    from parindex.surveys.models import PaperBatch

    values = {field: getattr(response, field) for field in FIELDS[:-1]}
    if before is not None and update_fields is not None:
        saved = {f"{f}_id" if f in {"campaign", "point", "batch"} else f for f in update_fields}
        values = {field: values[field] if field in saved else before.values[field] for field in FIELDS[:-1]}
    if values["batch_id"] is None:
        values["batch__excluded"] = None
    elif before is not None and before.values["batch_id"] == values["batch_id"]:
        values["batch__excluded"] = before.values["batch__excluded"]
    else:
        values["batch__excluded"] = (
            PaperBatch.objects.filter(pk=values["batch_id"]).values_list("excluded", flat=True).first()
        )
    return State(values)


def replace(before: State | None, after: State | None) -> None:
    """Move an answer's counts from what it was to what it is (either None: not stored)."""
    shares = []
    for state, sign in ((before, -1), (after, 1)):
        if state is not None and state.counted:
            shares.append((_share(state.values), sign))
    if len(shares) == 2 and shares[0][0] == shares[1][0]:
        return  # counted the same before and after: nothing moves
    totals: dict = defaultdict(lambda: [0] * len(COUNT_COLUMNS))
    choices: dict = defaultdict(int)
    for (key, vector, improvements), sign in shares:
        _accumulate(totals, choices, key, vector, improvements, sign)
    _upsert(totals, choices)


def add_rows(responses, *, sign: int) -> None:
    """Add (sign 1) or take out (sign -1) the counts of these answers, which the caller knows to
    have been counted (or to be, once its write is done)."""
    totals: dict = defaultdict(lambda: [0] * len(COUNT_COLUMNS))
    choices: dict = defaultdict(int)
    # Locked (PostgreSQL) so that a concurrent exclusion of the same answers waits, then sees them changed.
    for row in responses.select_for_update(of=("self",)).values_list(*FIELDS[:-1]).iterator(chunk_size=2000):
        _accumulate(totals, choices, *_share(dict(zip(FIELDS[:-1], row, strict=True))), sign)
    _upsert(totals, choices)


def _accumulate(totals, choices, key, vector, improvements, sign) -> None:
    total = totals[key]
    for i, count in enumerate(vector):
        total[i] += sign * count
    for choice in improvements:
        choices[(*key, choice)] += sign


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _columns(names) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in names)


def _key_params(key) -> list:
    campaign_id, point_id, channel, month, paper = key
    return [campaign_id, point_id, channel, connection.ops.adapt_datefield_value(month), paper]


def _upsert(totals: dict, choices: dict) -> None:
    """Add the signed counts to their groups' rows, creating missing rows: the database does each
    `x = x + excluded.x`, so concurrent writers add up. Rows go in key order, so two writers
    touching the same groups lock them in the same order and never deadlock."""
    from parindex.surveys.models import ImprovementTally as improvement_model
    from parindex.surveys.models import ResponseTally as tally_model

    totals = {key: vector for key, vector in totals.items() if any(vector)}
    choices = {key: count for key, count in choices.items() if count}
    if not totals and not choices:
        return
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if totals:
            table = _table(tally_model)
            columns = (*KEY_COLUMNS, *COUNT_COLUMNS)
            quoted = [connection.ops.quote_name(c) for c in COUNT_COLUMNS]
            updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in quoted)
            cursor.executemany(
                f"INSERT INTO {table} ({_columns(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
                f"ON CONFLICT ({_columns(KEY_COLUMNS)}) DO UPDATE SET {updates}",
                [[*_key_params(key), *vector] for key, vector in sorted(totals.items())],
            )
        if choices:
            table = _table(improvement_model)
            columns = (*KEY_COLUMNS, "choice", "count")
            column = connection.ops.quote_name("count")
            cursor.executemany(
                f"INSERT INTO {table} ({_columns(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
                f"ON CONFLICT ({_columns((*KEY_COLUMNS, 'choice'))}) "
                f"DO UPDATE SET {column} = {table}.{column} + excluded.{column}",
                [[*_key_params(key[:5]), key[5], count] for key, count in sorted(choices.items())],
            )


def rebuild(*, campaign_id: int | None = None, models=None) -> int:
    """Recompute the tallies of one campaign (None: all) from its answers; returns how many
    answers are counted. `models` (Response, ResponseTally, ImprovementTally) lets the data
    migration pass its historical models."""
    if models is None:
        from parindex.surveys.models import ImprovementTally, Response, ResponseTally

        models = (Response, ResponseTally, ImprovementTally)
    response_model, tally_model, improvement_model = models
    responses = response_model.objects.filter(excluded=False, held=False).exclude(batch__excluded=True)
    tallies, improvements = tally_model.objects.all(), improvement_model.objects.all()
    if campaign_id is not None:
        responses = responses.filter(campaign_id=campaign_id)
        tallies, improvements = tallies.filter(campaign_id=campaign_id), improvements.filter(campaign_id=campaign_id)
    totals: dict = defaultdict(lambda: [0] * len(COUNT_COLUMNS))
    choices: dict = defaultdict(int)
    with transaction.atomic():
        tallies.delete()
        improvements.delete()
        for row in responses.order_by().values_list(*FIELDS[:-1]).iterator(chunk_size=2000):
            _accumulate(totals, choices, *_share(dict(zip(FIELDS[:-1], row, strict=True))), 1)
        tally_model.objects.bulk_create(
            (
                tally_model(**dict(zip(KEY_COLUMNS, key, strict=True)), **dict(zip(COUNT_COLUMNS, v, strict=True)))
                for key, v in totals.items()
            ),
            batch_size=1000,
        )
        improvement_model.objects.bulk_create(
            (
                improvement_model(**dict(zip(KEY_COLUMNS, key[:5], strict=True)), choice=key[5], count=count)
                for key, count in choices.items()
            ),
            batch_size=1000,
        )
    return sum(v[0] for v in totals.values())
