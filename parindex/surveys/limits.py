"""Rate limits of the public survey form, counted in a store every worker process shares:
Redis when CACHE_URL names it, else a counter table in the database (a per-process memory
cache let 3 gunicorn workers take 3 times the limit)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from parindex.surveys.models import RateCounter


@dataclass(frozen=True)
class Limit:
    key: str
    allowed: int


def uses_redis() -> bool:
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def _bucket(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // settings.SURVEY_LIMIT_WINDOW)


def _redis_hit(key: str, bucket: int) -> int:
    name = f"sv:{key}:{bucket}"
    # INCR on a key set with NX: atomic on the server; twice the window so it outlives its bucket.
    cache.add(name, 0, timeout=2 * settings.SURVEY_LIMIT_WINDOW)
    return cache.incr(name)


def _upsert_sql() -> str:
    q = connection.ops.quote_name
    table = q(RateCounter._meta.db_table)
    return (
        f"INSERT INTO {table} ({q('key')}, {q('bucket')}, {q('count')}) VALUES (%s, %s, 1) "
        f"ON CONFLICT ({q('key')}, {q('bucket')}) DO UPDATE SET {q('count')} = {table}.{q('count')} + 1 "
        f"RETURNING {q('count')}"
    )


def _database_hit(key: str, bucket: int) -> int:
    # One statement that inserts or increments and says the new count: no read-then-write race
    # between workers (SQLite ≥ 3.35 and PostgreSQL both know INSERT … ON CONFLICT … RETURNING).
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [key, bucket])
        count = cursor.fetchone()[0]
    if count == 1:  # a key's first answer in this window: forget every window before the last
        RateCounter.objects.filter(bucket__lt=bucket - 1).delete()
    return count


def over_limit(limits: list[Limit], *, now: float | None = None) -> bool:
    """Count one answer against each limit in turn; True at the first one already used up (the
    later ones are not spent, so a flood stopped per device does not use up the campaign's)."""
    bucket = _bucket(now)
    if uses_redis():
        return any(_redis_hit(limit.key, bucket) > limit.allowed for limit in limits)
    with transaction.atomic():  # one short write transaction for all the counters
        return any(_database_hit(limit.key, bucket) > limit.allowed for limit in limits)
