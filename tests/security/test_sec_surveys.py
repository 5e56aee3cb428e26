"""Issue 10, survey findings: shared rate limits (6), paper forms (7), answers never lost to a
locked SQLite database (10), templates owned by an organization (11), and survey writes that
check who is acting."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import User
from parindex.core.errors import ApplicationError
from parindex.organizations.models import Membership, Organization
from parindex.surveys import services
from parindex.surveys.models import Campaign, Response, SurveyTemplate
from parindex.surveys.selectors import campaign_results

pytestmark = pytest.mark.usefixtures("demo")
TODAY = timezone.localdate()
ROOT = Path(__file__).resolve().parents[2]
ELEMENT_KEYS = ["access", "procedure", "staff", "result", "feedback"]


def user(username: str) -> User:
    return User.objects.get(username=username)


def org(code: str) -> int:
    return Organization.objects.get(code=code).pk


def form_data(level=4, **extra):
    return {**{f"el_{k}": str(level) for k in ELEMENT_KEYS}, "overall": str(level), **extra}


@pytest.fixture
def campaign():
    return Campaign.objects.create(
        organization_id=org("bp-stnmt"),
        template=services.template_default(),
        title="Đợt kiểm thử bảo mật",
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY + timedelta(days=10),
        min_n=1,
    )


@pytest.fixture
def point(campaign):
    return campaign.points.create(organization_id=org("bp-stnmt-motcua"), name="Bộ phận một cửa")


def answer(client: Client, point, data) -> int:
    return client.post(reverse("ks:form", args=[point.token]), data).status_code


# --- finding 6: limits every worker shares ------------------------------------------------------

WORKER = textwrap.dedent(
    """
    import json, os, sys, sqlite3, threading, time
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "parindex.settings"
    django.setup()
    from django.test.utils import setup_test_environment
    setup_test_environment()
    from django.test import Client
    from django.urls import reverse
    job = json.loads(sys.argv[1])
    Client().get(reverse("ks:form", args=[job["token"]]))  # load the views first: the wait is the lock's alone
    if job.get("hold_lock"):  # another writer (a long plan import) holds SQLite's write lock
        held = threading.Event()
        def hold():
            other = sqlite3.connect(os.environ["DB_FILE"], isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE surveys_campaign SET title = title")
            held.set()
            time.sleep(job["hold_lock"])
            other.execute("COMMIT")
        threading.Thread(target=hold).start()
        held.wait()
    codes = []
    url = reverse("ks:form", args=[job["token"]])
    fields = {f"el_{k}": "5" for k in ["access", "procedure", "staff", "result", "feedback"]}
    for i in range(job["posts"]):
        device = job.get("device") or f"rotating-{job['name']}-{i}"
        client = Client(REMOTE_ADDR=job.get("address", "203.0.113.9"))
        client.cookies["pi_dev"] = device
        started = time.monotonic()
        codes.append(client.post(url, {**fields, "overall": "5"}).status_code)
    print(json.dumps({"codes": codes, "seconds": time.monotonic() - started}))
    """
)


@pytest.fixture(scope="session")
def seeded_sqlite_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """The seeded test database copied once to a file. Session-scoped, so that it is taken
    before any test's transaction holds the write lock."""
    if connection.vendor != "sqlite":
        return None
    path = tmp_path_factory.mktemp("workers") / "seeded.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
    return path


@pytest.fixture
def sqlite_copy(seeded_sqlite_file, tmp_path):
    """A file database separate processes open, as gunicorn's workers open the server's."""
    if seeded_sqlite_file is None:
        pytest.skip("several processes on one database file: SQLite only")
    path = tmp_path / "workers.sqlite3"
    shutil.copy(seeded_sqlite_file, path)
    return path


def _env(db_file: Path, **extra) -> dict:
    import os

    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_file}",
        "DB_FILE": str(db_file),
        "CACHE_URL": "locmemcache://",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        **{k: str(v) for k, v in extra.items()},
    }


def _open_point(db_file: Path) -> str:
    """A campaign open today with one service point, created in the copied database."""
    conn = sqlite3.connect(db_file)
    template = conn.execute("SELECT id FROM surveys_surveytemplate ORDER BY id LIMIT 1").fetchone()[0]
    organization = conn.execute("SELECT id FROM organizations_organization WHERE code = 'bp-stnmt'").fetchone()[0]
    unit = conn.execute("SELECT id FROM organizations_organization WHERE code = 'bp-stnmt-motcua'").fetchone()[0]
    now = timezone.now().isoformat()
    cursor = conn.execute(
        "INSERT INTO surveys_campaign (created_at, updated_at, organization_id, template_id, title, starts_on, ends_on,"
        " target, min_n, weights) VALUES (?, ?, ?, ?, 'Đợt nhiều tiến trình', ?, ?, 87, 1, '{}')",
        (now, now, organization, template, str(TODAY - timedelta(days=1)), str(TODAY + timedelta(days=1))),
    )
    token = uuid.uuid4().hex[:12]
    conn.execute(
        "INSERT INTO surveys_servicepoint (created_at, updated_at, campaign_id, organization_id, name, token)"
        " VALUES (?, ?, ?, ?, 'Một cửa', ?)",
        (now, now, cursor.lastrowid, unit, token),
    )
    conn.commit()
    conn.close()
    return token


def _run_workers(db_file: Path, jobs: list[dict], **env) -> list[dict]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps(job)],
            cwd=ROOT,
            env=_env(db_file, **env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _saved(db_file: Path, token: str) -> int:
    conn = sqlite3.connect(db_file)
    count = conn.execute(
        "SELECT COUNT(*) FROM surveys_response r JOIN surveys_servicepoint p ON p.id = r.point_id WHERE p.token = ?",
        (token,),
    ).fetchone()[0]
    conn.close()
    return count


def test_the_device_limit_holds_across_three_worker_processes(sqlite_copy):
    token = _open_point(sqlite_copy)
    jobs = [{"name": f"w{n}", "token": token, "posts": 4, "device": "one-phone"} for n in range(3)]
    results = _run_workers(sqlite_copy, jobs, SURVEY_LIMIT_PER_DEVICE=5)
    codes = [code for result in results for code in result["codes"]]
    assert codes.count(302) == 5, codes  # a per-process cache let 12 of 12 through
    assert codes.count(429) == 7
    assert _saved(sqlite_copy, token) == 5


def test_a_client_rotating_its_cookie_is_stopped_by_the_address_limit_in_every_worker(sqlite_copy):
    token = _open_point(sqlite_copy)
    jobs = [{"name": f"w{n}", "token": token, "posts": 6} for n in range(3)]  # a fresh cookie per answer
    results = _run_workers(sqlite_copy, jobs, SURVEY_LIMIT_PER_IP=10, SURVEY_LIMIT_PER_DEVICE=5)
    codes = [code for result in results for code in result["codes"]]
    assert codes.count(302) == 10, codes
    assert _saved(sqlite_copy, token) == 10


@override_settings(SURVEY_LIMIT_PER_CAMPAIGN=8, SURVEY_LIMIT_PER_IP=100, SURVEY_LIMIT_PER_DEVICE=5, PROXY_COUNT=1)
def test_a_flood_rotating_cookies_and_addresses_meets_the_campaign_ceiling(point):
    codes = []
    for n in range(12):
        client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
        client.cookies["pi_dev"] = f"fresh-{n}"
        codes.append(answer(client, point, form_data(5)))
    assert codes == [302] * 8 + [429] * 4
    assert point.responses.count() == 8


def test_limit_counts_are_shared_between_two_redis_connections(point):
    from django.core.cache.backends.redis import RedisCache

    prefix = f"sec-surveys-{uuid.uuid4().hex}"
    location = "redis://127.0.0.1:6379/14"
    probe = RedisCache(location, {"KEY_PREFIX": prefix})
    try:
        probe.set("ping", 1)
    except Exception:  # any connection error: no local Redis
        pytest.skip("no Redis on 127.0.0.1:6379")
    redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    redis_cache["default"]["KEY_PREFIX"] = prefix
    try:
        with override_settings(CACHES=redis_cache, SURVEY_LIMIT_PER_DEVICE=2):
            client = Client()
            client.get(point.get_public_url())  # the device cookie
            assert [answer(client, point, form_data()) for _ in range(3)] == [302, 302, 429]
            # Another connection (another worker) reads the same counters.
            other = RedisCache(location, {"KEY_PREFIX": prefix})
            bucket = int(time.time() // settings.SURVEY_LIMIT_WINDOW)
            campaign_key = f"sv:camp:{point.campaign_id}:{bucket}"
            assert other.get(campaign_key) == 2  # the third was stopped per device before the campaign count
            other.incr(campaign_key, 10_000)
            fresh = Client()
            fresh.get(point.get_public_url())
            assert answer(fresh, point, form_data()) == 429  # the campaign ceiling seen through the other connection
        assert point.responses.count() == 2
    finally:
        keys = probe._cache.get_client().keys(f"{prefix}:*")
        if keys:
            probe._cache.get_client().delete(*keys)


# --- finding 10: an answer is never lost to "database is locked" --------------------------------


def test_an_answer_waits_out_another_writer_holding_the_lock_for_seconds(sqlite_copy):
    token = _open_point(sqlite_copy)
    [result] = _run_workers(sqlite_copy, [{"name": "w", "token": token, "posts": 1, "hold_lock": 8}])
    assert result["codes"] == [302]  # Python's default 5 s busy timeout gave a 500
    assert result["seconds"] > 6
    assert _saved(sqlite_copy, token) == 1


def test_an_answer_is_retried_when_the_database_stays_locked(point, monkeypatch):
    real_save = Response.save
    failures = iter([True, True])

    def flaky_save(self, *args, **kwargs):
        if next(failures, False):
            raise OperationalError("database is locked")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Response, "save", flaky_save)
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    client = Client()
    client.get(point.get_public_url())
    assert answer(client, point, form_data(4)) == 302
    assert point.responses.get().answers["overall"] == 4


# --- finding 7: paper forms ---------------------------------------------------------------------


def _type_paper(client: Client, point, data, received_on=None) -> None:
    """Receive a batch of one form for the point, then type the form into it."""
    batch = {
        "forms_received": 1,
        "collected_by": "Trần Thị Hoa (Văn phòng Sở)",
        "received_on": (received_on or TODAY).strftime("%d/%m/%Y"),
    }
    page = client.post(reverse("surveys:paper_entry", args=[point.pk]), {**batch, **data})
    if page.status_code == 302 and "/lo-phieu/" in page.url:
        client.post(page.url, data)


def test_the_evaluated_units_own_people_cannot_type_its_paper_forms(login_as, point, django_user_model):
    insider = django_user_model.objects.create_user(username="motcua.staff", password="x")
    Membership.objects.create(user=insider, organization_id=org("bp-stnmt-motcua"), role="staff")
    client = Client()
    client.force_login(insider)
    for _ in range(3):
        _type_paper(client, point, form_data(5))
    assert client.get(reverse("surveys:paper_entry", args=[point.pk])).status_code == 403
    # Even the department's coordinator, when he also works at the evaluated unit.
    Membership.objects.create(user=user("vanphong"), organization_id=org("bp-stnmt-motcua"), role="staff")
    coordinator = login_as("vanphong")
    refused = coordinator.get(reverse("surveys:paper_entry", args=[point.pk]))
    assert refused.status_code == 403
    assert "không được nhập phiếu giấy của đơn vị mình" in refused.content.decode()
    _type_paper(coordinator, point, form_data(5))
    assert point.responses.count() == 0
    with pytest.raises(ApplicationError, match="không được nhập phiếu giấy"):
        services.paper_batch_create(
            point=point, forms_received=1, collected_by="x", received_on=TODAY, today=TODAY, by=user("vanphong")
        )


def test_a_paper_form_dated_after_its_campaign_closed_is_refused(login_as, point):
    Campaign.objects.filter(pk=point.campaign_id).update(ends_on=TODAY - timedelta(days=3))
    client = login_as("vanphong")
    after_close = (TODAY - timedelta(days=1)).strftime("%d/%m/%Y")
    _type_paper(client, point, form_data(5, answered_on=after_close))
    assert point.responses.count() == 0
    inside = (TODAY - timedelta(days=4)).strftime("%d/%m/%Y")
    _type_paper(client, point, form_data(5, answered_on=inside))
    assert point.responses.get().answered_on == TODAY - timedelta(days=4)


def test_someone_answering_first_with_a_real_dossier_code_does_not_refuse_its_holder(login_as, point):
    code = "000.00.12.H12-261201-0007"
    assert answer(Client(), point, form_data(1, dossier_code=code)) == 302  # the one who "burns" the code
    holder = answer(Client(), point, form_data(5, dossier_code=code))
    assert holder == 302  # was 409 "đã được đánh giá"
    first, later = point.responses.order_by("pk")
    assert (first.held, later.held) == (False, True)  # both kept; the later waits for staff
    assert campaign_results(campaign=point.campaign).n == 1
    staff = login_as("vanphong")
    page = staff.get(point.campaign.get_absolute_url()).content.decode()
    assert "1 phiếu chờ xem xét" in page
    decided = staff.post(
        reverse("surveys:held_decide", args=[later.pk]), {"quyet_dinh": "giu", "reason": "Đã gọi điện xác minh"}
    )
    assert decided.status_code == 302
    first.refresh_from_db()
    later.refresh_from_db()
    assert (later.held, later.excluded, first.excluded) == (False, False, True)
    assert "Đã gọi điện xác minh" in first.exclusion_reason
    assert campaign_results(campaign=point.campaign).elements["overall"].index == Decimal("100.00")


def test_results_show_the_paper_share_and_a_batch_is_excluded_as_one_with_its_reason(login_as, point):
    client = login_as("vanphong")
    created = client.post(
        reverse("surveys:paper_entry", args=[point.pk]),
        {"forms_received": 3, "collected_by": "Lê Văn Thu", "received_on": TODAY.strftime("%d/%m/%Y")},
    )
    assert created.status_code == 302
    for _ in range(3):
        assert client.post(created.url, form_data(5)).status_code == 302
    assert "Lô đã đủ 3 phiếu" in client.post(created.url, form_data(5)).content.decode()  # no 4th form
    assert answer(Client(), point, form_data(1)) == 302
    page = client.get(point.campaign.get_absolute_url()).content.decode()
    assert "trong đó phiếu giấy: 3 (75 %)" in page
    batch = point.paper_batches.get()
    client.post(reverse("surveys:paper_batch_exclude", args=[batch.pk]), {"reason": "Phiếu do đơn vị tự thu"})
    assert campaign_results(campaign=point.campaign).n == 1
    assert point.responses.count() == 4  # kept
    review = client.get(created.url).content.decode()
    assert "Cả lô đã bị loại khỏi kết quả" in review
    assert "Phiếu do đơn vị tự thu" in review


# --- finding 11: templates belong to an organization -------------------------------------------


def test_a_departments_template_is_not_seen_or_used_by_another_department(login_as):
    bp = login_as("vanphong")
    bp.post(
        reverse("surveys:template_create"),
        {"owner_id": org("bp-stnmt"), "name": "Mẫu riêng Bình Phước", "elements": ["access", "staff"]},
    )
    template = SurveyTemplate.objects.get(name="Mẫu riêng Bình Phước")
    dn = login_as("dn.vanphong")
    form_page = dn.get(reverse("surveys:campaign_create")).content.decode()
    assert "Mẫu riêng Bình Phước" not in form_page
    data = {
        "organization_id": org("dn-sct"),
        "template": template.pk,
        "title": "Đợt dùng mẫu của sở khác",
        "starts_on": TODAY.strftime("%d/%m/%Y"),
        "ends_on": TODAY.strftime("%d/%m/%Y"),
        "target": "87",
        "min_n": 5,
        "points": [org("dn-sct-vp")],
        **{f"w_{k}": "1" for k in ELEMENT_KEYS},
    }
    dn.post(reverse("surveys:campaign_create"), data)
    assert not Campaign.objects.filter(title="Đợt dùng mẫu của sở khác").exists()
    assert dn.get(f"/khao-sat/mau-phieu/{template.pk}/").status_code == 404
    with pytest.raises(ApplicationError):
        services.campaign_create(
            organization_id=org("dn-sct"), title="Trực tiếp", starts_on=TODAY, ends_on=TODAY, target=Decimal(87),
            min_n=5, points=[(org("dn-sct-vp"), "VP")], template=template, by=user("dn.vanphong"),
        )  # fmt: skip


# --- survey writes check the acting user --------------------------------------------------------


def test_another_departments_user_is_refused_by_the_survey_services_themselves(point):
    outsider = user("dn.vanphong")  # coordinator of Sở Công Thương Đồng Nai
    with pytest.raises(ApplicationError):
        services.campaign_create(
            organization_id=org("bp-stnmt"), title="Đợt lạ", starts_on=TODAY, ends_on=TODAY, target=Decimal(87),
            min_n=5, points=[(org("bp-stnmt-motcua"), "BPMC")], by=outsider,
        )  # fmt: skip
    assert not Campaign.objects.filter(title="Đợt lạ").exists()
    saved = Response.objects.create(campaign=point.campaign, point=point, answers={"overall": 5})
    with pytest.raises(ApplicationError):
        services.response_exclude(response=saved, reason="Không thích", by=outsider)
    saved.refresh_from_db()
    assert not saved.excluded


@override_settings(SURVEY_LIMIT_WINDOW=3600)
def test_database_counters_start_afresh_each_window_and_forget_old_ones():
    from parindex.surveys.limits import Limit, over_limit
    from parindex.surveys.models import RateCounter

    limits = [Limit("dev:test", 2)]
    hour = 1_800_000_000
    assert [over_limit(limits, now=hour) for _ in range(3)] == [False, False, True]
    assert over_limit(limits, now=hour + 3600) is False  # the next window
    over_limit([Limit("dev:other", 2)], now=hour + 3 * 3600)
    assert set(RateCounter.objects.values_list("bucket", flat=True)) == {(hour + 3 * 3600) // 3600}


# Found by the hostile review of the merged fixes: the evaluated unit's people could not type its
# paper forms but could still drop its unhappy answers, decide its held ones or exclude a batch.
def test_the_evaluated_units_own_people_cannot_exclude_or_decide_its_answers(client):
    from parindex.surveys.models import PaperBatch, ServicePoint

    point = ServicePoint.objects.filter(organization__code="dn-sct-vp").first()
    unhappy = Response.objects.filter(point=point, excluded=False).first()
    assert unhappy is not None
    held = Response.objects.create(
        campaign=point.campaign, point=point, answers={"overall": 5}, dossier_code="HS-TRUNG", held=True
    )
    batch = PaperBatch.objects.create(
        point=point, forms_received=1, collected_by="Tổ một cửa", received_on=point.campaign.starts_on,
        entered_by=user("dn.admin"),
    )  # fmt: skip
    client.force_login(user("dn.vanphong"))  # the Sở's coordinator, and staff of dn-sct-vp itself
    refused = [
        client.post(reverse("surveys:response_exclude", args=[unhappy.pk]), {"reason": "không hợp lệ"}, follow=True),
        client.post(
            reverse("surveys:held_decide", args=[held.pk]), {"quyet_dinh": "giu", "reason": "đúng người"}, follow=True
        ),
        client.post(reverse("surveys:paper_batch_exclude", args=[batch.pk]), {"reason": "nhập sai"}, follow=True),
    ]
    # Each is refused with the reason shown on the page it returns to.
    assert all(services.ERR_OWN_UNIT_JUDGES.split(" (")[0] in r.content.decode() for r in refused)
    unhappy.refresh_from_db(), held.refresh_from_db(), batch.refresh_from_db()
    assert (unhappy.excluded, held.held, batch.excluded) == (False, True, False)
    with pytest.raises(ApplicationError, match="không được loại hoặc xét phiếu"):
        services.response_exclude(response=unhappy, reason="x", by=user("dn.vanphong"))
    client.force_login(user("dn.admin"))  # the Sở's admin holds no role in the unit: he may
    assert client.post(reverse("surveys:response_exclude", args=[unhappy.pk]), {"reason": "trùng"}).status_code == 302
    unhappy.refresh_from_db()
    assert unhappy.excluded


# The hostile review: a manager could reopen an ended campaign, date paper forms into the new
# window and shorten it again.
def test_an_ended_campaign_cannot_be_reopened():
    campaign = Campaign.objects.filter(organization__code="bp-stnmt", ends_on__lt=timezone.localdate()).first()
    ended = campaign.ends_on
    with pytest.raises(ApplicationError, match="không kéo dài được nữa"):
        services.campaign_update(
            campaign=campaign, title=campaign.title, ends_on=timezone.localdate(), target=campaign.target,
            min_n=campaign.min_n, by=user("vanphong"),
        )  # fmt: skip
    campaign.refresh_from_db()
    assert campaign.ends_on == ended
