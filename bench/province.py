"""A deterministic province at the scale the product is built for (issue 11): 45 departments of
about 10 units under Tỉnh Đồng Nai, the seed 004 set of 91 criteria, every department
self-scored, appraised (two criteria cut and explained) and published, a 70-task plan per
department, one satisfaction campaign per department with `answers` answers in all (half of them
in Sở Công Thương's, which the demo accounts open), and optionally `audit` audit entries.

The organizations, accounts and criteria come from the demo seed path (seed_demo); the workflow
goes through the services, so the stored data is what people would produce. Only the bulk goes
around them: survey answers and audit entries are inserted in batches (COPY on PostgreSQL), the
self-scores are computed with the engine as the demo does and written with one bulk UPDATE, and
the plans' progress likewise. Aggregates other code keeps are rebuilt by their management
commands when those exist.

As a module (Django set up): `build(answers=1000, departments=5)`. As a script:
    python bench/province.py --answers 100000 [--departments 45] [--audit 1000000]
on a fresh database: PostgreSQL `<DATABASE_URL's name>_province_<answers>` when DATABASE_URL
points at PostgreSQL, else var/bench/province-<answers>.sqlite3."""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

YEAR = 2019  # the year of the seed 004 set (dn-sct-2019, 91 scored criteria)
SET_CODE = "dn-sct-2019"
PROVINCE = "dn"
APPRAISER = "dn.thamdinh"
ROUND_TITLE = "Đánh giá Chỉ số CCHC năm 2019 các sở, ban, ngành (dữ liệu đo hiệu năng)"
# Sở Công Thương and the two demo-only departments come first: the demo accounts belong to them.
DEMO_DEPARTMENTS = ("dn-sct", "dn-stc", "dn-sxd")
LEADER = "bench.lanhdao"  # the demo has no leader in Đồng Nai: the benchmarks need one
TASKS_PER_PLAN = 70
BATCH = 5000
TODAY = date(YEAR, 12, 1)  # "today" for the round's workflow: inside its deadlines


@dataclass
class Province:
    """What the pages of the benchmark need to address."""

    departments: list[int] = field(default_factory=list)  # organization ids, Sở Công Thương first
    round_id: int = 0
    assessment_id: int = 0  # Sở Công Thương's
    campaign_id: int = 0  # Sở Công Thương's
    answers: int = 0
    audit: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def build(
    *, answers: int = 1000, departments: int = 45, units: int = 10, tasks: int = TASKS_PER_PLAN, audit: int = 0,
    seed: int = 11, verbose=False,
) -> Province:  # fmt: skip
    """Load the province into the current (migrated, empty) database and say where it is."""
    from django.db import transaction
    from django.test.utils import override_settings

    # One commit: SQLite would otherwise sync to disk after every write. The demo accounts'
    # passwords hashed the cheap way: a dozen PBKDF2 hashes take a quarter of the build here.
    fast_hash = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with transaction.atomic(), fast_hash:
        return _build(answers, departments, units, tasks, audit, seed, verbose)


def _build(answers: int, departments: int, units: int, tasks: int, audit: int, seed: int, verbose: bool) -> Province:
    from django.core.management import call_command, get_commands

    from parindex.core.management.commands.seed_demo import Command as SeedDemo

    result = Province()
    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        result.seconds[name] = now - started
        started = now
        if verbose:
            print(f"  {name}: {result.seconds[name]:.1f} s", flush=True)

    seeder = SeedDemo()
    seeder._organizations()
    seeder._users()
    seeder._criteria_sets()
    step("demo organizations, accounts, criteria sets")
    orgs = _departments(departments, units)
    result.departments = [o.pk for o in orgs]
    step(f"{len(orgs)} departments with their units")
    _plans(orgs, tasks, seed)
    step(f"plans of {tasks} tasks")
    result.round_id, result.assessment_id = _round(orgs)
    step("round: self-scored, appraised, published")
    result.campaign_id = _surveys(orgs, answers, seed)
    result.answers = answers
    step(f"{answers} survey answers")
    if audit:
        _audit(orgs, audit, seed)
        result.audit = audit
        step(f"{audit} audit entries")
    commands = get_commands()
    for name in ("rebuild_assessment_totals", "rebuild_survey_tallies"):
        if name in commands:
            call_command(name, stdout=io.StringIO())
            step(name)
    return result


def _departments(count: int, units: int):
    from parindex.accounts.models import User
    from parindex.organizations import services
    from parindex.organizations.models import Membership, Organization
    from parindex.organizations.permissions import Role

    province = Organization.objects.get(code=PROVINCE)
    orgs = list(Organization.objects.filter(code__in=DEMO_DEPARTMENTS[:count]))
    orgs.sort(key=lambda o: DEMO_DEPARTMENTS.index(o.code))
    for i in range(len(orgs), count):
        orgs.append(
            services.organization_create(
                code=f"dn-b{i:02d}", kind="department", name=f"Sở {i:02d} tỉnh Đồng Nai (dữ liệu đo)",
                short_name=f"S{i:02d}", parent=province, year=YEAR, by=None, note="Dữ liệu đo hiệu năng",
            )
        )  # fmt: skip
    for department in orgs:
        have = Organization.objects.filter(versions__parent=department).distinct().count()
        for j in range(have, units):
            services.organization_create(
                code=f"{department.code}-p{j:02d}", kind="unit", name=f"Phòng {j:02d}", short_name=f"P{j:02d}",
                parent=department, year=YEAR, by=None, note="Dữ liệu đo hiệu năng",
            )  # fmt: skip
    leader, created = User.objects.get_or_create(username=LEADER, defaults={"full_name": "Lãnh đạo Sở (đo)"})
    if created:
        leader.set_unusable_password()
        leader.save(update_fields=["password"])
    Membership.objects.get_or_create(user=leader, organization=orgs[0], role=Role.LEADER)
    return orgs


def _coordinator(organization):
    from parindex.accounts.models import User
    from parindex.assessments.demo import _coordinator as demo_coordinator

    if organization.code == "dn-sct":
        return User.objects.get(username="dn.vanphong")
    return demo_coordinator(organization)


def _plans(orgs, tasks: int, seed: int) -> None:
    """One annual plan per department through the import service (its bulk path), then a
    deterministic history of work done, as the demo plans have, in one bulk UPDATE."""
    from parindex.organizations.models import Organization
    from parindex.plans import services
    from parindex.plans.appendix import TaskDraft
    from parindex.plans.models import Occurrence, PlanKind
    from parindex.plans.services import PlanFields

    rules = [
        {"kind": "monthly", "day": 25},
        {"kind": "quarterly", "day": 18},
        {"kind": "fixed", "date": f"{YEAR}-06-30"},
        {"kind": "fixed", "date": f"{YEAR}-11-15"},
        {"kind": "all", "rules": [{"kind": "open", "label": "Thường xuyên"}, {"kind": "quarterly", "day": 5}]},
    ]
    for department in orgs:
        units = list(
            Organization.objects.filter(versions__parent=department)
            .distinct()
            .order_by("code")
            .values_list("pk", flat=True)
        )
        drafts = [
            TaskDraft(
                line=i + 1, number=str(i + 1), group=f"{1 + i // 10}. Lĩnh vực {1 + i // 10}",
                content=f"Nhiệm vụ cải cách hành chính số {i + 1} (dữ liệu đo)", product="Báo cáo kết quả",
                timing="", deadline_rule=rules[i % len(rules)], lead_ids=[units[i % len(units)]],
                coordinating_ids=[units[(i + 1) % len(units)], units[(i + 2) % len(units)]],
            )
            for i in range(tasks)
        ]  # fmt: skip
        fields = PlanFields(
            organization_id=department.pk, year=YEAR, kind=PlanKind.ANNUAL,
            title=f"Kế hoạch cải cách hành chính năm {YEAR}", objectives="Hoàn thành 100 % nhiệm vụ được giao",
        )  # fmt: skip
        plan = services.plan_import(fields=fields, drafts=drafts, unit_choices={}, by=_coordinator(department))
        done = []
        for occurrence in Occurrence.objects.filter(task__plan=plan, review=False, due__lt=TODAY).select_related(
            "task"
        ):
            roll = zlib.crc32(f"{seed}-{plan.pk}-{occurrence.task.position}-{occurrence.key}".encode()) % 10
            if roll >= 8:
                continue  # overdue
            occurrence.done_on = (
                occurrence.due - timedelta(days=roll % 4) if roll < 7 else occurrence.due + timedelta(10)
            )
            occurrence.done_product = "Văn bản báo cáo kết quả (dữ liệu đo)"
            occurrence.percent = 100
            done.append(occurrence)
        update(Occurrence, done, ["done_on", "done_product", "percent"])


def _round(orgs) -> tuple[int, int]:
    """Open the round as Sở Nội vụ does, self-score every department as the demo does, then take
    each through submission, two appraisal rounds with explanations, finalization and publication
    with the services, each step by whom the workflow lets do it."""
    from parindex.accounts.models import User
    from parindex.assessments.demo import _inputs, _run_to_publication
    from parindex.assessments.models import Answer, State
    from parindex.assessments.services import round_open, unit_submit, units_not_submitted
    from parindex.criteria.models import CriteriaSet, Scoring
    from parindex.engine.rules import compile_rule
    from parindex.organizations.models import Membership
    from parindex.organizations.permissions import Role

    appraiser = User.objects.get(username=APPRAISER)
    assessment_round = round_open(
        criteria_set=CriteriaSet.objects.get(code=SET_CODE), year=YEAR, title=ROUND_TITLE,
        opens_on=date(YEAR, 11, 1), closes_on=date(YEAR, 12, 15), explanation_deadline=date(YEAR + 1, 1, 31),
        organization_ids=[o.pk for o in orgs], by=appraiser, today=TODAY,
    )  # fmt: skip
    rules = {}
    answers = list(Answer.objects.filter(assessment__round=assessment_round).select_related("criterion", "assessment"))
    codes = {o.pk: o.code for o in orgs}
    for answer in answers:
        criterion = answer.criterion
        if criterion.pk not in rules:
            rules[criterion.pk] = compile_rule(criterion.rule, criterion.max_points or 0)
        rule = rules[criterion.pk]
        salt = codes[answer.assessment.organization_id]
        roll = zlib.crc32(f"{salt}{criterion.code}".encode()) % 10
        if criterion.scoring == Scoring.SURVEY:
            inputs = {"share": str(Decimal(80) + Decimal(roll) * Decimal("1.25"))}
            answer.prefill_source = "Dữ liệu đo: kết quả khảo sát năm 2019 của Sở"
        else:
            inputs = _inputs(rule.fields(), roll, criterion.max_points or Decimal(0))
        outcome = rule.evaluate(inputs)
        if outcome.ok:
            answer.inputs, answer.self_points = inputs, outcome.points
            answer.self_explanation, answer.self_excluded = outcome.explanation, outcome.excluded
            answer.justification = "Dữ liệu đo: tài liệu kiểm chứng lưu tại Văn phòng."
    update(
        Answer,
        answers,
        ["inputs", "self_points", "self_explanation", "self_excluded", "justification", "prefill_source"],
    )
    heads = {
        m.organization_id: m.user
        for m in Membership.objects.filter(role=Role.UNIT_HEAD).select_related("user").order_by("pk")
    }
    sct = None
    for assessment in assessment_round.assessments.select_related("organization", "round"):
        for unit_id, _ in units_not_submitted(assessment):
            unit_submit(assessment=assessment, unit_id=unit_id, by=heads[unit_id], today=TODAY)
        _run_to_publication(
            assessment, salt=assessment.organization.code, today=TODAY,
            coordinator=_coordinator(assessment.organization), appraiser=appraiser,
        )  # fmt: skip
        assert assessment.state == State.PUBLISHED, assessment.state
        if assessment.organization.code == orgs[0].code:
            sct = assessment.pk
    return assessment_round.pk, sct


def _surveys(orgs, answers: int, seed: int) -> int:
    """One campaign per department over the year, two service points each; half of the answers
    go to the first department's campaign (the one the demo accounts see), the rest evenly."""
    from parindex.organizations.models import Organization
    from parindex.surveys.models import Channel, Response
    from parindex.surveys.services import IMPROVEMENTS, campaign_create

    rng = random.Random(seed)
    comments = ["Cán bộ hướng dẫn tận tình.", "Thời gian chờ còn lâu.", "Thủ tục đã gọn hơn.", "", "", ""]
    channels = [Channel.DESK, Channel.DESK, Channel.ONLINE, Channel.POSTAL]
    ages = ["<30", "30-44", "45-59", "60+"]
    first_share = answers // 2 if len(orgs) > 1 else answers
    rest = answers - first_share
    per_other = [rest // (len(orgs) - 1) + (i < rest % (len(orgs) - 1)) for i in range(len(orgs) - 1)] if rest else []
    counts = [first_share, *per_other]
    start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    days = (end - start).days + 1
    first_campaign = 0
    for department, count in zip(orgs, counts, strict=False):
        units = list(Organization.objects.filter(versions__parent=department).distinct().order_by("code")[:2])
        campaign = campaign_create(
            organization_id=department.pk, title=f"Khảo sát sự hài lòng năm {YEAR}", starts_on=start, ends_on=end,
            target=Decimal(87), min_n=5, points=[(u.pk, f"Bộ phận một cửa — {u.code}") for u in units],
            by=_coordinator(department),
        )  # fmt: skip
        first_campaign = first_campaign or campaign.pk
        points = [p.pk for p in campaign.points.order_by("pk")]
        satisfaction = 0.78 + 0.1 * rng.random()
        rows = []
        for i in range(count):
            day = start + timedelta(days=i * days // max(count, 1))
            levels = {k: _level(rng, satisfaction) for k in ("access", "procedure", "staff", "result", "feedback")}
            levels["overall"] = _level(rng, satisfaction)
            excluded = i % 97 == 0
            rows.append(
                (
                    campaign.pk, points[i % len(points)], datetime.combine(day, clock(2 + i % 8), tzinfo=_UTC),
                    levels, channels[i % 4], rng.sample(IMPROVEMENTS, i % 3), comments[i % len(comments)],
                    i % 10 == 0, ages[i % 4], excluded, "Phiếu trùng (dữ liệu đo)" if excluded else "",
                )
            )  # fmt: skip
        insert_rows(Response, RESPONSE_COLUMNS, rows)
    return first_campaign


RESPONSE_COLUMNS = [
    "campaign_id", "point_id", "created_at", "answers", "channel", "improvements", "comment", "paper", "age_band",
    "excluded", "exclusion_reason",
]  # fmt: skip


def _level(rng: random.Random, satisfaction: float) -> int:
    roll = rng.random()
    if roll < satisfaction:
        return 5 if roll < satisfaction * 0.4 else 4
    return (1, 2, 3, 3, 3)[int(roll * 1000) % 5]


def _audit(orgs, count: int, seed: int) -> None:
    """Audit entries about the departments' survey answers (an exclusion each), the kind that
    piles up fastest, spread over the year."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from parindex.surveys.models import Response

    kind = ContentType.objects.get_for_model(Response)
    actors = [_coordinator(o).pk for o in orgs]
    first = Response.objects.order_by("pk").values_list("pk", flat=True).first() or 1
    base = datetime(YEAR, 1, 1, tzinfo=_UTC)
    columns = [
        "content_type_id", "object_pk", "object_id", "object_repr", "action", "changes", "actor_id", "timestamp",
        "additional_data",
    ]  # fmt: skip
    rows = (
        (
            kind.pk, str(first + i), first + i, str(i), LogEntry.Action.UPDATE, {"excluded": ["False", "True"]},
            actors[i % len(orgs)], base + timedelta(seconds=i * 31), {"organization_id": orgs[i % len(orgs)].pk},
        )
        for i in range(count)
    )  # fmt: skip
    insert_rows(LogEntry, columns, rows)


_UTC = __import__("datetime").timezone.utc


def insert_rows(model, columns: list[str], rows) -> None:
    """Insert rows of values for `columns` (attribute names) as fast as the database allows, in
    batches: COPY on PostgreSQL, executemany on SQLite. The other columns get what Django would
    write for a new instance (its defaults), so a column added later does not break the
    generator. No signals, no auto_now: the caller gives those values."""
    from itertools import islice

    from django.db import connection

    meta = model._meta
    given = [meta.get_field(name) for name in columns]
    blank = model()
    rest = [f for f in meta.concrete_fields if not f.primary_key and f not in given]
    constants = [f.get_db_prep_save(getattr(blank, f.attname), connection) for f in rest]
    if connection.vendor == "postgresql":
        constants = [_copy_value(f, getattr(blank, f.attname), connection) for f in rest]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in [*given, *rest])
    table = quote(meta.db_table)
    converters = [_converter(f, connection) for f in given]
    rows = iter(rows)
    while batch := list(islice(rows, BATCH)):
        values = [[convert(v) for convert, v in zip(converters, row, strict=True)] + constants for row in batch]
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            with connection.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            # Leaving the `with copy` block sends the end of the data and waits for the server's
            # answer; the rows then belong to the caller's transaction (build() commits it).
        else:
            placeholders = ", ".join("%s" for _ in values[0])
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)


def _converter(f, connection):
    """A cheap function turning a Python value into what the driver takes for column `f`."""
    kind = f.get_internal_type()
    if kind == "JSONField":
        return lambda value: None if value is None else json.dumps(value, cls=f.encoder)
    if kind == "DateTimeField" and connection.vendor == "sqlite":
        # Django keeps naive UTC text in SQLite.
        return lambda value: value.astimezone(_UTC).replace(tzinfo=None).isoformat(" ")
    if kind in ("BooleanField", "CharField", "TextField", "IntegerField", "BigIntegerField", "ForeignKey"):
        return lambda value: value
    if kind in ("PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField"):
        return lambda value: value
    return lambda value: f.get_db_prep_save(value, connection)


def _copy_value(f, value, connection):
    if f.get_internal_type() == "JSONField":
        return None if value is None else json.dumps(value, cls=f.encoder)  # COPY text: JSON as text
    return f.get_db_prep_save(value, connection)


def update(model, objects: list, names: list[str]) -> None:
    """Write `names` of saved instances with one prepared UPDATE run for every row (Django's
    bulk_update builds a CASE per column and row: minutes for a province)."""
    from django.db import connection

    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    pk = model._meta.pk
    rows = [[*(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields), obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s", rows
        )


def configure() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    os.environ.setdefault("STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def fresh_database(name: str) -> str:
    """A new, empty database for one benchmark size, never the one DATABASE_URL names (that may
    hold someone's data): on PostgreSQL `<its name>_<name>` on the same server, dropped and made
    again; otherwise var/bench/<name>.sqlite3."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg
        from psycopg import sql
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        info = conninfo_to_dict(url)
        dbname = f"{info.get('dbname') or 'parindex'}_{name}".replace("-", "_")
        with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        return _url_with_db(url, dbname)
    path = ROOT / "var" / "bench" / f"{name}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _url_with_db(url: str, dbname: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--departments", type=int, default=45)
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--audit", type=int, default=0)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    configure()
    os.environ["DATABASE_URL"] = fresh_database(f"province-{args.answers}")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    result = build(
        answers=args.answers, departments=args.departments, units=args.units, audit=args.audit, seed=args.seed,
        verbose=True,
    )  # fmt: skip
    print(f"province built in {time.perf_counter() - started:.1f} s: {result}")


if __name__ == "__main__":
    main()
