"""Survey load: 2,000 answers posted by 20 concurrent clients to a local gunicorn (loopback only),
reporting answers/s, p95 latency and that none was lost or duplicated (database count = 302s).
The reference is the same clients fetching /healthz in the same run."""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENTS, ANSWERS = 20, 2000
WORKDIR = tempfile.mkdtemp(prefix="parindex-load-")
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "parindex.settings",
    "PARINDEX_VAR_DIR": WORKDIR,
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORKDIR}/load.sqlite3"),
    "SURVEY_LIMIT_PER_IP": "1000000",
    "SURVEY_LIMIT_PER_DEVICE": "1000000",
    "ALLOWED_HOSTS": "127.0.0.1",
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
}
PYTHON = sys.executable


def manage(*args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True
    ).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client_run(port: int, path: str, count: int, offset: int, latencies: list, outcomes: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    page = response.read().decode()
    cookies = "; ".join(c.split(";")[0] for c in response.headers.get_all("Set-Cookie") or [])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    for i in range(count):
        fields = {f"el_{k}": "4" for k in ("access", "procedure", "staff", "result", "feedback")}
        fields.update(overall="5", csrfmiddlewaretoken=token, dossier_code=f"LOAD-{offset + i:06d}")
        body = urllib.parse.urlencode(fields)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookies,
            "Referer": f"http://127.0.0.1:{port}{path}",
        }
        start = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        reply = conn.getresponse()
        reply.read()
        latencies.append(time.perf_counter() - start)
        outcomes.append(reply.status)
    conn.close()


def reference_run(port: int, count: int, latencies: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(count):
        start = time.perf_counter()
        conn.request("GET", "/healthz")
        conn.getresponse().read()
        latencies.append(time.perf_counter() - start)
    conn.close()


def run_threads(target, args_for) -> float:
    threads = [threading.Thread(target=target, args=args_for(i)) for i in range(CLIENTS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def main() -> None:
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", "--quiet-logins")
    path = (
        manage(
            "shell",
            "-c",
            (
                "from parindex.surveys.models import Campaign;"
                "c=Campaign.objects.filter(organization__code='bp-stnmt').order_by('starts_on').last();"
                "print(c.points.first().get_public_url())"
            ),
        )
        .strip()
        .splitlines()[-1]
    )
    before = int(
        manage("shell", "-c", "from parindex.surveys.models import Response; print(Response.objects.count())").split()[
            -1
        ]
    )
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "parindex.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--log-level",
            "warning",
            # gunicorn.conf.py (read from cwd, as in production) logs every request to stdout.
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=ENV,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        latencies, outcomes, reference = [], [], []
        per_client = ANSWERS // CLIENTS
        elapsed = run_threads(client_run, lambda i: (port, path, per_client, i * per_client, latencies, outcomes))
        reference_elapsed = run_threads(reference_run, lambda i: (port, per_client, reference))
    finally:
        server.terminate()
        server.wait(timeout=10)
    after = int(
        manage("shell", "-c", "from parindex.surveys.models import Response; print(Response.objects.count())").split()[
            -1
        ]
    )
    accepted = outcomes.count(302)
    p95 = statistics.quantiles(latencies, n=20)[18] * 1000
    ref_p95 = statistics.quantiles(reference, n=20)[18] * 1000
    rate, ref_rate = len(outcomes) / elapsed, len(reference) / reference_elapsed
    print(f"{len(outcomes)} answers from {CLIENTS} clients in {elapsed:.1f} s = {rate:.0f} answers/s, p95 {p95:.0f} ms")
    print(f"reference /healthz: {ref_rate:.0f} requests/s, p95 {ref_p95:.1f} ms; ratio p95 {p95 / ref_p95:.1f}")
    print(f"accepted (302): {accepted}; other statuses: {sorted(set(outcomes) - {302})}; stored: {after - before}")
    print("no answer lost or duplicated" if after - before == accepted == ANSWERS else "MISMATCH")
    if after - before != accepted:
        sys.exit(1)


if __name__ == "__main__":
    main()
