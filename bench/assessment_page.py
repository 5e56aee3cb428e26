"""Assessment page latency: p50/p95 over 200 requests with Django's test client, on the demo
data's 100-point set (91 criteria), next to a trivial view measured in the same run."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="parindex-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="parindex.settings",
    PARINDEX_VAR_DIR=workdir,
    DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
    STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
    ALLOWED_HOSTS="testserver",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

REQUESTS = 200


def timings(client: Client, url: str) -> list[float]:
    client.get(url)  # warm up
    result = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        result.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return result


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", quiet_logins=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    from parindex.accounts.models import User
    from parindex.assessments.models import Assessment

    client = Client()
    client.force_login(User.objects.get(username="dn.vanphong"))
    page = timings(client, Assessment.objects.get(organization__code="dn-sct").get_absolute_url())
    reference = timings(client, "/healthz")
    print(f"assessment page ({REQUESTS} requests): p50 {statistics.median(page) * 1000:.1f} ms, ", end="")
    print(f"p95 {p95(page) * 1000:.1f} ms")
    print(f"trivial view: p50 {statistics.median(reference) * 1000:.2f} ms, p95 {p95(reference) * 1000:.2f} ms")
    print(f"ratio p95 page/trivial: {p95(page) / p95(reference):.1f}")


if __name__ == "__main__":
    main()
