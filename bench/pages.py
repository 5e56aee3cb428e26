"""Page benchmark at province scale (issue 11): for every page and export of the issue's table,
p50 / p95 over BENCH_REQUESTS requests (30; BENCH_SLOW_REQUESTS, 10, for the PDF / DOCX / XLSX
exports; fewer when a page has used up BENCH_PAGE_SECONDS), the SQL queries of one request, the
response size, the worker's peak memory, and the ratio of the p95 to `/healthz`'s p95 measured in
the same process (an anonymous client, between the pages too); for each number of survey answers
in BENCH_SIZES ("1000,10000,100000"), each on its own fresh database built by bench/province.py
(PostgreSQL when DATABASE_URL points at it, else SQLite under var/bench/). Then the growth of
every ratio from the smallest size to the largest, ĐẠT / CHƯA ĐẠT against the goals, and the
survey XLSX against xlsxwriter alone.

Every size runs in a child process (`pages.py --size N`, which prints one JSON line last), so
each has its own database connection settings and its memory figures are its own."""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import province  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
SLOW_REQUESTS = int(os.environ.get("BENCH_SLOW_REQUESTS", "10"))
PAGE_SECONDS = float(os.environ.get("BENCH_PAGE_SECONDS", "90"))  # then stop (at least 3 requests)
HEALTHZ_REQUESTS = 100  # at the start and at the end, and HEALTHZ_BETWEEN before every page:
HEALTHZ_BETWEEN = 20  # on a shared, noisy machine the reference then samples the same moments
DEPARTMENTS = int(os.environ.get("BENCH_DEPARTMENTS", "45"))
RATIO_GOAL, GROWTH_GOAL = 20.0, 1.5
XLSX_GOAL, XLSX_MEMORY_GOAL_MB = 3.0, 200
# Exports that write every answer grow with the answers by nature: the issue judges them against
# xlsxwriter writing the same rows alone (and their memory), not against /healthz.
EVERY_ANSWER = {"survey XLSX"}


def pages(p: province.Province) -> list[tuple[str, str, str, str, dict | None, bool]]:
    """(label, username, method, url, POST data, slow export) in the issue's order."""
    from django.urls import reverse

    from parindex.assessments.models import Answer

    campaign, assessment, rnd = p.campaign_id, p.assessment_id, p.round_id
    leaf = Answer.objects.filter(assessment_id=assessment, self_points__gt=0).order_by("criterion__position").first()
    what_if = reverse("assessments:what_if", args=[assessment])
    coordinator, leader, appraiser, admin = "dn.vanphong", province.LEADER, province.APPRAISER, "dn.admin"
    quarter = f"?quy=4&nam={province.YEAR}"

    def url(name: str, *args) -> str:
        return reverse(name, args=args)

    return [
        ("dashboard, leader", leader, "get", url("dashboard"), None, False),
        ("dashboard, coordinator", coordinator, "get", url("dashboard"), None, False),
        ("survey results", coordinator, "get", url("surveys:campaign_detail", campaign), None, False),
        ("survey report PDF", coordinator, "get", url("surveys:campaign_report", campaign), None, True),
        ("quarter report PDF", coordinator, "get", url("surveys:quarter_report", campaign) + quarter, None, True),
        ("survey XLSX", coordinator, "get", url("surveys:campaign_export", campaign), None, True),
        ("audit log", admin, "get", url("audit_log"), None, False),
        ("ranking (appraiser)", appraiser, "get", url("assessments:round_detail", rnd), None, False),
        ("results (leader)", leader, "get", url("assessments:round_detail", rnd), None, False),
        ("ranking XLSX", appraiser, "get", url("assessments:round_export", rnd), None, True),
        ("what-if GET", coordinator, "get", what_if, None, False),
        ("what-if POST", coordinator, "post", what_if, {f"c{leaf.criterion_id}": "0"}, False),
        ("assessment page", coordinator, "get", url("assessments:assessment_detail", assessment), None, False),
        ("assessment DOCX", coordinator, "get", url("assessments:assessment_export", assessment, "docx"), None, True),
        ("assessment PDF", coordinator, "get", url("assessments:assessment_export", assessment, "pdf"), None, True),
        ("assignment matrix", admin, "get", url("criteria:assignment_matrix", province.SET_CODE), None, False),
        ("criteria set page", coordinator, "get", url("criteria:set_detail", province.SET_CODE), None, False),
    ]


class PeakMemory:
    """The process's resident memory sampled every 10 ms while a page is measured: its peak is
    what a worker needs for that page (ru_maxrss only ever grows over the process's life)."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> PeakMemory:
        self.peak = self.process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def fetch(client, method: str, url: str, data: dict | None) -> tuple[int, int]:
    """Status and body size; a streamed body is read to its end (the time to send it counts)."""
    response = client.post(url, data) if method == "post" else client.get(url)
    # Reading a streamed body to its end closes it the test client's way; closing it again here
    # would send request_finished with the database's connection closing attached (PostgreSQL
    # then loses the test's transaction).
    size = len(b"".join(response.streaming_content)) if response.streaming else len(response.content)
    return response.status_code, size


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def healthz(client, count: int = HEALTHZ_REQUESTS) -> list[float]:
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        client.get("/healthz")
        timings.append(time.perf_counter() - start)
    return timings


def measure_size(size: int) -> dict:
    """Build the province with `size` answers on a fresh database and measure every page."""
    province.configure()
    os.environ["DATABASE_URL"] = province.fresh_database(f"pages-{size}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parindex.accounts.models import User

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    built = province.build(answers=size, departments=DEPARTMENTS, audit=size, verbose=True)
    build_seconds = time.perf_counter() - started
    log(f"[{size}] {connection.vendor}: migrate + province in {build_seconds:.0f} s")
    clients: dict[str, Client] = {}

    def client_for(username: str) -> Client:
        if username not in clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            session = client.session
            session["working_year"] = province.YEAR  # the round's, plans' and campaigns' year
            session.save()
            clients[username] = client
        return clients[username]

    anonymous = Client()  # the reference touches no database: no session, no user
    reference = healthz(anonymous)
    rows = []
    for label, username, method, url, data, slow in pages(built):
        reference += healthz(anonymous, HEALTHZ_BETWEEN)
        client = client_for(username)
        status, size_bytes = fetch(client, method, url, data)  # warm-up, and the page must work
        assert status == 200, f"{label}: {url} answered {status}"
        wanted = SLOW_REQUESTS if slow else REQUESTS
        timings: list[float] = []
        with PeakMemory() as memory:
            begun = time.perf_counter()
            while len(timings) < wanted and (len(timings) < 3 or time.perf_counter() - begun < PAGE_SECONDS):
                start = time.perf_counter()
                fetch(client, method, url, data)
                timings.append(time.perf_counter() - start)
        # The queries of one more request, on the connection the requests use, in this process.
        with CaptureQueriesContext(connection) as captured:
            status, _ = fetch(client, method, url, data)
        assert status == 200, f"{label}: {url} answered {status}"
        assert len(captured) > 0, f"{label}: no query captured"
        row = {
            "page": label, "n": len(timings), "p50": statistics.median(timings), "p95": p95(timings),
            "queries": len(captured), "bytes": size_bytes, "rss_mb": memory.peak / 2**20,
        }  # fmt: skip
        rows.append(row)
        log(f"[{size}] {label}: p50 {row['p50'] * 1000:.0f} ms, p95 {row['p95'] * 1000:.0f} ms, n {row['n']}")
    reference += healthz(anonymous)
    ref = p95(reference)
    for row in rows:
        row["ratio"] = row["p95"] / ref
    return {
        "size": size, "vendor": connection.vendor, "build_seconds": build_seconds,
        "build_steps": built.seconds, "healthz_p50": statistics.median(reference), "healthz_p95": ref,
        "rows": rows, "xlsx": xlsx_reference(built, next(r for r in rows if r["page"] == "survey XLSX")),
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip


def xlsx_reference(built: province.Province, product: dict) -> dict:
    """The same rows as the survey XLSX export, written by xlsxwriter alone (constant memory),
    timed without the reading: the floor an export can reach."""
    import xlsxwriter

    from parindex.surveys.models import Response

    fields = ("pk", "created_at", "point__name", "channel", "paper", "answers", "improvements", "comment", "age_band")
    rows = list(Response.objects.filter(campaign_id=built.campaign_id).order_by("pk").values_list(*fields))
    with PeakMemory() as memory:
        start = time.perf_counter()
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"constant_memory": True, "remove_timezone": True})
        sheet = book.add_worksheet("Phiếu")
        sheet.write_row(0, 0, ["Mã", "Thời điểm", "Điểm", "Hình thức", "Giấy", "Tiếp cận", "Thủ tục", "Công chức"])
        for i, (pk, at, point, channel, paper, answers, improvements, comment, age) in enumerate(rows, start=1):
            levels = [answers.get(k) for k in ("access", "procedure", "staff", "result", "feedback", "overall")]
            sheet.write_row(i, 0, [pk, at, point, channel, paper, *levels, "; ".join(improvements), comment, age])
        book.close()
        seconds = time.perf_counter() - start
    return {
        "rows": len(rows), "xlsxwriter_s": seconds, "xlsxwriter_mb": memory.peak / 2**20,
        "product_s": product["p50"], "product_mb": product["rss_mb"],
    }  # fmt: skip


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def verdict(ok: bool) -> str:
    return "ĐẠT" if ok else "CHƯA ĐẠT"


def report(results: list[dict]) -> None:
    for result in results:
        print(
            f"\n== {result['size']:,} answers ({result['vendor']}; built in {result['build_seconds']:.0f} s); "
            f"/healthz p50 {result['healthz_p50'] * 1000:.2f} ms, p95 {result['healthz_p95'] * 1000:.2f} ms"
        )
        print(f"{'page / export':<24} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'kB':>7} {'RSS MB':>7} "
              f"{'×healthz':>9}  goal ≤{RATIO_GOAL:.0f}×")  # fmt: skip
        for row in result["rows"]:
            print(
                f"{row['page']:<24} {row['n']:>3} {row['p50'] * 1000:>8.0f} {row['p95'] * 1000:>8.0f} "
                f"{row['queries']:>7} {row['bytes'] / 1000:>7.0f} {row['rss_mb']:>7.0f} {row['ratio']:>9.0f}  "
                f"{'xem dòng XLSX' if row['page'] in EVERY_ANSWER else verdict(row['ratio'] <= RATIO_GOAL)}"
            )
        x = result["xlsx"]
        ratio = x["product_s"] / x["xlsxwriter_s"] if x["xlsxwriter_s"] else float("inf")
        print(
            f"survey XLSX, {x['rows']:,} rows: product p50 {x['product_s']:.2f} s (peak {x['product_mb']:.0f} MB), "
            f"xlsxwriter alone {x['xlsxwriter_s']:.2f} s (peak {x['xlsxwriter_mb']:.0f} MB): {ratio:.1f}× "
            f"(goal ≤{XLSX_GOAL:.0f}×, ≤{XLSX_MEMORY_GOAL_MB} MB: "
            f"{verdict(ratio <= XLSX_GOAL and x['product_mb'] <= XLSX_MEMORY_GOAL_MB)})"
        )
    if len(results) < 2:
        return
    small, large = results[0], results[-1]
    print(f"\n== growth from {small['size']:,} to {large['size']:,} answers (ratio to /healthz, goal ≤{GROWTH_GOAL}×)")
    print(f"{'page / export':<24} {'×hz small':>9} {'×hz large':>9} {'growth':>7} {'queries':>9}  verdict")
    passed = judged = 0
    for a, b in zip(small["rows"], large["rows"], strict=True):
        growth = b["ratio"] / a["ratio"]
        if a["page"] in EVERY_ANSWER:
            shown = "xem dòng XLSX"
        else:
            ok = growth <= GROWTH_GOAL and b["ratio"] <= RATIO_GOAL and a["ratio"] <= RATIO_GOAL
            passed, judged, shown = passed + ok, judged + 1, verdict(ok)
        print(
            f"{a['page']:<24} {a['ratio']:>9.0f} {b['ratio']:>9.0f} {growth:>7.2f} "
            f"{a['queries']:>4}→{b['queries']:<4}  {shown}"
        )
    goals = f"p95 ≤{RATIO_GOAL:.0f}× /healthz, growth ≤{GROWTH_GOAL}×"
    print(f"{passed}/{judged} pages within both goals ({goals}); survey XLSX: see its own lines above")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, help="measure one size in this process (prints JSON)")
    args = parser.parse_args()
    if args.size:
        print(json.dumps(measure_size(args.size)))
        return
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",") if s.strip()]
    results = []
    for size in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--size", str(size)], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True
        )
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    report(results)


if __name__ == "__main__":
    main()
