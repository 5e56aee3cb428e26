"""Score pages at province size: the demo round grown to 45 departments (91-criterion set, every
department self-scored, a third of its leaves appraised), p50/p95 over REQUESTS requests of the
ranking, its XLSX, what-if, the assessment page and its DOCX/PDF, with the ratio of each p95 to
`/healthz` measured in the same run. SQLite in a temporary folder unless BENCH_DATABASE_URL is set.

    .venv/bin/python bench/scores_province.py [path to another checkout, to measure it instead]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="parindex-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="parindex.settings",
    PARINDEX_VAR_DIR=workdir,
    DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"),
    STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
    ALLOWED_HOSTS="testserver",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command, get_commands  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

DEPARTMENTS = 45
REQUESTS = int(os.environ.get("REQUESTS", "20"))


def grow(assessment_round) -> None:
    """Departments joining the demo round, their answers written in bulk as a loader would."""
    from parindex.assessments.models import Answer, Assessment
    from parindex.organizations import services
    from parindex.organizations.models import Organization

    province = Organization.objects.get(code="dn")
    criteria = list(assessment_round.criteria_set.criteria.all())
    parents = {c.parent_id for c in criteria}
    leaves = [c for c in criteria if c.pk not in parents]
    rng = random.Random(2024)

    def share(criterion) -> Decimal:
        return (criterion.max_points or Decimal(0)) * rng.randint(0, 4) / 4

    for i in range(DEPARTMENTS - assessment_round.assessments.count()):
        department = services.organization_create(
            by=None, code=f"dn-bench-{i}", kind="department", name=f"Sở {i}", parent=province, year=2019
        )
        assessment = Assessment.objects.create(round=assessment_round, organization=department, state="appraisal_1")
        Answer.objects.bulk_create(
            Answer(assessment=assessment, criterion=c, self_points=share(c),
                   appraised_1=share(c) if rng.random() < 0.3 else None)
            for c in leaves
        )  # fmt: skip
    if "rebuild_assessment_totals" in get_commands():  # absent from checkouts before stored totals
        call_command("rebuild_assessment_totals", stdout=open(os.devnull, "w"))  # noqa: SIM115


def timings(client: Client, url: str, data: dict | None = None) -> tuple[float, float]:
    send = (lambda: client.post(url, data)) if data else (lambda: client.get(url))
    send()  # warm up
    result = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = send()
        result.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(result), statistics.quantiles(result, n=20)[18]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_logins=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from parindex.accounts.models import User
    from parindex.assessments.models import Assessment

    own = Assessment.objects.get(organization__code="dn-sct")
    grow(own.round)
    appraiser, coordinator = Client(), Client()
    appraiser.force_login(User.objects.get(username="dn.thamdinh"))  # sees every department
    coordinator.force_login(User.objects.get(username="dn.vanphong"))
    leaf = own.answers.first().criterion_id
    export = "assessments:assessment_export"
    rows = [
        ("/healthz", timings(appraiser, "/healthz")),
        ("ranking / results", timings(appraiser, reverse("assessments:round_detail", args=[own.round.pk]))),
        ("ranking XLSX", timings(appraiser, reverse("assessments:round_export", args=[own.round.pk]))),
        ("what-if", timings(coordinator, reverse("assessments:what_if", args=[own.pk]), {f"c{leaf}": "0"})),
        ("assessment page", timings(coordinator, own.get_absolute_url())),
        ("assessment DOCX", timings(coordinator, reverse(export, args=[own.pk, "docx"]))),
        ("assessment PDF", timings(coordinator, reverse(export, args=[own.pk, "pdf"]))),
    ]
    reference = rows[0][1][1]
    print(f"{DEPARTMENTS} departments, {REQUESTS} requests each ({ROOT.name})")
    for name, (p50, p95) in rows:
        print(f"{name:18} p50 {p50 * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  p95/healthz {p95 / reference:6.1f}")


if __name__ == "__main__":
    main()
