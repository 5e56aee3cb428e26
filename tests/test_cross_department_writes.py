"""Every write view × every demo user of the other province: refused, and nothing in the database moves.

Each WriteCase names a write aimed at one department's object and the demo user of that
department who may do it. The control test proves the POST is a real write (the owner's request
changes the database fingerprint); the matrix then sends the very same request as each persona of
the other province (all roles) and demands a refusal with an unchanged fingerprint. Create-style
views have no object in the URL: their POST names the owner's organization (or its units), which
is the intruder's "other department".
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from parindex.accounts.models import User
from parindex.assessments.models import Answer, Assessment
from parindex.criteria.models import CriteriaSet
from parindex.organizations.models import Membership
from parindex.plans import appendix
from parindex.plans.models import Occurrence, Task
from parindex.surveys.models import SurveyTemplate
from tests.test_permission_matrix import (
    bp_campaign,
    bp_point,
    bp_response,
    calendar_day,
    criterion,
    dn_answer,
    dn_assessment,
    held_response,
    occurrence,
    org,
    paper_batch,
    pending_extension,
    plan,
    template_of,
    user,
)

pytestmark = pytest.mark.usefixtures("demo")

BP = ["admin", "vanphong", "lanhdao", "truongphong", "chuyenvien", "thamdinh", "bp.snv.admin"]
DN = ["dn.admin", "dn.vanphong", "dn.truongphong", "dn.chuyenvien", "dn.thanhtra", "dn.thamdinh"]
OTHER_PROVINCE = {"bp-stnmt": DN, "dn-sct": BP}

# A refusal: forbidden or not found, or the form shown again with an error (nothing saved).
REFUSED = {403, 404}
FORM_AGAIN = {200, 400, 422}


# ---------------------------------------------------------------- the database fingerprint


def _fingerprinted_models():
    models = [m for m in apps.get_models() if m.__module__.startswith("parindex.")]
    return [*sorted(models, key=lambda m: m._meta.label), LogEntry]


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row's concrete field values (ordered by pk), per table.

    Raw SQL rather than the ORM: the same honest content, without Django's per-value converters
    (JSON, dates), which made this the slowest part of the test (see the measurements in the report).
    """
    prints = {}
    with connection.cursor() as cursor:
        for model in _fingerprinted_models():
            quote = connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {pk}")
            rows = cursor.fetchall()
            prints[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return prints


def changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


# ---------------------------------------------------------------- fixture helpers


def tt_lead_occurrence(**filters) -> Occurrence:
    """An open occurrence of Bình Phước's 2026 plan led by Phòng Thanh tra."""
    return (
        Occurrence.objects.filter(
            task__plan_id=plan(), task__units__organization__code="bp-stnmt-tt", task__units__role="lead",
            review=False, done_on=None, **filters,
        )
        .order_by("pk")
        .first()
    )  # fmt: skip


def event_occurrence() -> Occurrence:
    """An occurrence whose deadline waits for an event: the demo plan has none, so one is made so."""
    found = tt_lead_occurrence()
    Task.objects.filter(pk=found.task_id).update(
        deadline_rule={"kind": "after_event", "days": 5, "working": True, "event": "có văn bản của tỉnh"}
    )
    Occurrence.objects.filter(pk=found.pk).update(due=None)
    return found


def membership_of(username: str, code: str) -> int:
    return Membership.objects.get(user__username=username, organization__code=code).pk


def dn_state(state: str) -> int:
    Assessment.objects.filter(pk=dn_assessment()).update(state=state)
    return dn_assessment()


def dn_answer_in(state: str) -> Answer:
    dn_state(state)
    return Answer.objects.get(pk=dn_answer())


def dn_all_scored() -> int:
    """Đồng Nai's assessment with every criterion self-scored, so a unit may submit."""
    Answer.objects.filter(assessment_id=dn_assessment(), self_points=None, self_excluded=False).update(
        self_points=0, self_explanation="0", justification="Chưa thực hiện"
    )
    return dn_assessment()


def dn_prefillable() -> int:
    """A 2019 plan task of Sở Công Thương linked to criterion 1.1.2, due and done: a known figure
    that refreshing the prefill writes into the untouched answer."""
    from parindex.plans.models import Plan

    dn_plan = Plan.objects.create(organization_id=org("dn-sct"), year=2019, title="Kế hoạch CCHC 2019")
    task = Task.objects.create(plan=dn_plan, position=1, content="Thực hiện kế hoạch", criteria_codes=["1.1.2"])
    Occurrence.objects.create(task=task, key="y", label="Năm 2019", due=date(2019, 6, 30), done_on=date(2019, 6, 1))
    Answer.objects.filter(pk=dn_answer()).update(updated_by=None)
    return dn_assessment()


def explained_answer() -> Answer:
    """Đồng Nai's answer in explanation, with the appraiser's request for an explanation on it."""
    answer = dn_answer_in("explanation")
    Answer.objects.filter(pk=answer.pk).update(explanation_requested=True)
    answer.refresh_from_db()
    return answer


def bp_plan_fields(year=2025, title="Kế hoạch CCHC bổ sung") -> dict:
    return {"organization_id": org("bp-stnmt"), "year": year, "kind": "annual", "title": title,
            "document_number": "", "document_date": "", "objectives": ""}  # fmt: skip


PASTED = "STT\tNội dung\tThời gian\tChủ trì\n1\tViệc mới\tQuý III/2026\tThanh tra Sở"


def appendix_session() -> dict:
    """A preview in the session, as plan_import leaves it, for Bình Phước's department."""
    from parindex.plans.views import SESSION_APPENDIX

    rows = appendix.rows_from_text(PASTED)
    fields = {**bp_plan_fields(title="Kế hoạch nhập từ phụ lục"), "document_date": None}
    fields = {k: fields[k] for k in ("organization_id", "year", "kind", "title", "document_number",
                                     "document_date", "objectives")}  # fmt: skip
    return {SESSION_APPENDIX: {"rows": rows, "fields": fields, "mapping": appendix.detect_mapping(rows),
                               "source": "text", "token": "preview-token"}}  # fmt: skip


CRITERIA_YAML = """
set: {code: bp-stnmt-2026-moi, title: Bộ của Sở 2026, year: 2026, organization: bp-stnmt}
criteria:
  - {code: "1", title: Lĩnh vực, max: "1", lead: [Văn phòng Sở]}
  - {code: "1.1", title: Con, max: "1", rule: {kind: yes_no}}
"""


def criteria_upload() -> dict:
    return {"file": SimpleUploadedFile("bp-stnmt-2026-moi.yaml", CRITERIA_YAML.encode())}


def criteria_session() -> dict:
    from parindex.criteria.views import SESSION_IMPORT

    return {SESSION_IMPORT: {"yaml": CRITERIA_YAML, "replace": False, "name": "bp-stnmt-2026-moi.yaml"}}


def confirm_criteria_import(client):
    return client.post(reverse("criteria:set_import_confirm"))


def confirm_plan_import(client):
    from parindex.plans.views import SESSION_APPENDIX

    stored = client.session.get(SESSION_APPENDIX) or {}
    return client.post(reverse("plans:plan_import_preview"), {"confirm": "1", "token": stored.get("token", "")})


def task_form(task: Task | None = None, **extra) -> dict:
    data = {"number": "9", "group": "", "content": "Nhiệm vụ do Sở tự giao", "product": "Báo cáo",
            "timing_text": "Quý IV/2026", "responsible": "", "criteria_codes": "",
            "lead": [org("bp-stnmt-tt")], "coordinating": []}  # fmt: skip
    if task is not None:
        data["version"] = task.version
    return {**data, **extra}


def campaign_form() -> dict:
    return {
        "organization_id": org("bp-stnmt"), "template": SurveyTemplate.objects.filter(owner=None).first().pk,
        "title": "Đợt khảo sát mới", "starts_on": "01/12/2026", "ends_on": "31/12/2026", "target": "87",
        "min_n": 5, "points": [org("bp-stnmt-motcua")],
        **{f"w_{k}": "1" for k in ["access", "procedure", "staff", "result", "feedback"]},
    }  # fmt: skip


def template_form(owner="bp-stnmt", name="Mẫu phiếu riêng") -> dict:
    return {"owner_id": org(owner), "name": name, "elements": ["access", "staff"], "perceptions": "",
            "improvements": "", "ask_profile": "on"}  # fmt: skip


def paper_form(batch_pk: int) -> dict:
    from parindex.surveys.models import PaperBatch

    batch = PaperBatch.objects.select_related("point__campaign__template").get(pk=batch_pk)
    return {"overall": "5", "answered_on": batch.received_on.strftime("%d/%m/%Y"),
            **{f"el_{k}": "5" for k in batch.point.campaign.template.elements}}  # fmt: skip


def paper_batch_form() -> dict:
    campaign = bp_campaign()
    received = max(campaign.starts_on, min(campaign.ends_on, date(2026, 1, 5)))
    return {"forms_received": 3, "collected_by": "Tổ thu phiếu", "received_on": received.strftime("%d/%m/%Y")}


# ---------------------------------------------------------------- the cases


@dataclass
class WriteCase:
    url_name: str
    owner: str  # a demo user of `target` who may do the write
    target: str = "bp-stnmt"  # the department the object (or the named organization) belongs to
    args: Callable[[], list] = lambda: []
    data: Callable[[], dict] = field(default=lambda: {})
    session: Callable[[], dict] | None = None  # what an earlier step left in the session
    follow: Callable | None = None  # a second step of the same write (preview → confirm)
    label: str = ""
    covers: tuple[str, ...] = ()  # further write views this case goes through

    @property
    def id(self) -> str:
        return self.label or self.url_name


def _answer_case(url_name, owner, make, extra_args=(), **data):
    state = {}

    def args():
        state["answer"] = make()
        return [state["answer"].pk, *extra_args]

    def post():
        return {"version": state["answer"].version, **data}

    return WriteCase(url_name, owner, "dn-sct", args, post)


CASES = [
    # accounts: Bình Phước's admin manages his department's people
    WriteCase(
        "accounts:user_create",
        "admin",
        data=lambda: {
            "username": "nguoi.moi",
            "full_name": "Người Mới",
            "email": "",
            "phone": "",
            "password": "Moi@2024xyz",
            "organization": org("bp-stnmt-tt"),
            "role": "staff",
        },
    ),
    WriteCase(
        "accounts:user_edit",
        "admin",
        args=lambda: [user("chuyenvien")],
        data=lambda: {
            "full_name": "Hoàng Văn Nam (đã sửa)",
            "email": "",
            "phone": "",
            "is_active": "on",
            "password": "",
        },
    ),
    WriteCase(
        "accounts:membership_create",
        "admin",
        args=lambda: [user("chuyenvien")],
        data=lambda: {"organization": org("bp-stnmt-vp"), "role": "staff"},
    ),
    WriteCase(
        "accounts:membership_delete",
        "admin",
        args=lambda: [user("chuyenvien"), membership_of("chuyenvien", "bp-stnmt-tt")],
    ),
    # organizations
    WriteCase(
        "organizations:create",
        "admin",
        data=lambda: {
            "kind": "unit",
            "code": "bp-stnmt-moi",
            "name": "Phòng Mới",
            "short_name": "PM",
            "parent": org("bp-stnmt"),
            "year": 2026,
            "note": "",
        },
    ),
    WriteCase(
        "organizations:rename",
        "admin",
        args=lambda: [org("bp-stnmt-tt")],
        data=lambda: {
            "name": "Thanh tra Sở (tên mới)",
            "short_name": "TTS",
            "parent": org("bp-stnmt"),
            "year": 2026,
            "note": "",
        },
    ),
    WriteCase(
        "organizations:merge",
        "admin",
        args=lambda: [org("bp-stnmt-quy")],
        data=lambda: {"target": org("bp-stnmt-vp"), "year": 2026, "note": "", "confirm": f"{org('bp-stnmt-vp')}-2026"},
    ),
    WriteCase(
        "organizations:split",
        "admin",
        args=lambda: [org("bp-stnmt-tt")],
        data=lambda: {"code": "bp-stnmt-tt2", "name": "Phòng Thanh tra 2", "short_name": "", "year": 2026, "note": ""},
    ),
    # criteria
    WriteCase(
        "criteria:set_import",
        "admin",
        data=criteria_upload,
        follow=confirm_criteria_import,
        covers=("criteria:set_import_confirm",),
    ),
    WriteCase("criteria:set_import_confirm", "admin", session=criteria_session),
    WriteCase(
        "criteria:set_clone",
        "admin",
        args=lambda: ["bp-stnmt-2024"],
        data=lambda: {"year": 2026, "code": "bp-stnmt-2026-ban-sao"},
    ),
    WriteCase("criteria:set_status", "admin", args=lambda: ["bp-stnmt-2024"], data=lambda: {"status": "archived"}),
    WriteCase(
        "criteria:assignment_update",
        "vanphong",
        args=lambda: ["bp-stnmt-2024"],
        data=lambda: {"criterion": criterion("1.1.2"), "unit": org("bp-stnmt-tt"), "role": "lead"},
    ),
    # plans: Bình Phước's 2026 plan
    WriteCase("plans:plan_create", "vanphong", data=bp_plan_fields),
    WriteCase(
        "plans:plan_import",
        "vanphong",
        data=lambda: {**bp_plan_fields(), "pasted": PASTED},
        follow=confirm_plan_import,
        covers=("plans:plan_import_preview",),
    ),
    WriteCase(
        "plans:plan_import_preview",
        "vanphong",
        session=appendix_session,
        data=lambda: {"confirm": "1", "token": "preview-token"},
    ),
    WriteCase("plans:task_create", "vanphong", args=lambda: [plan()], data=task_form),
    WriteCase(
        "plans:task_edit",
        "vanphong",
        args=lambda: [occurrence().task_id],
        data=lambda: task_form(occurrence().task, content="Nội dung đã sửa"),
    ),
    WriteCase("plans:task_delete", "vanphong", args=lambda: [occurrence().task_id]),
    WriteCase(
        "plans:occurrence_progress",
        "chuyenvien",
        args=lambda: [tt_lead_occurrence().pk],
        data=lambda: {"text": "Đã làm một nửa", "percent": 50, "evidence_link": ""},
    ),
    WriteCase(
        "plans:occurrence_done",
        "truongphong",
        args=lambda: [tt_lead_occurrence().pk],
        data=lambda: {"done_on": "01/12/2026", "product": "Công văn số 1", "version": tt_lead_occurrence().version},
    ),
    WriteCase(
        "plans:occurrence_event",
        "truongphong",
        args=lambda: [event_occurrence().pk],
        data=lambda: {"event_date": "01/12/2026"},
    ),
    WriteCase(
        "plans:extension_create",
        "truongphong",
        args=lambda: [tt_lead_occurrence(due__isnull=False).pk],
        data=lambda: {"new_due": "31/12/2027", "reason": "Chờ số liệu"},
    ),
    WriteCase(
        "plans:extension_decide",
        "vanphong",
        args=lambda: [pending_extension()],
        data=lambda: {"decision": "approve", "note": ""},
    ),
    WriteCase(
        "plans:calendar_days",
        "admin",
        data=lambda: {"organization": org("bp-stnmt"), "day": "04/05/2026", "kind": "off", "note": "Nghỉ bù"},
    ),
    WriteCase("plans:calendar_day_delete", "admin", args=lambda: [calendar_day()]),
    # assessments: the demo round is Đồng Nai's
    WriteCase(
        "assessments:round_create",
        "dn.vanphong",
        "dn-sct",
        data=lambda: {
            "title": "Đợt đánh giá mới",
            "year": 2019,
            "criteria_set": CriteriaSet.objects.get(code="dn-sct-2019").pk,
            "organizations": [org("dn-sct")],
            "opens_on": "01/12/2026",
            "closes_on": "15/12/2026",
            "explanation_deadline": "25/12/2026",
        },
    ),
    # Submitted → appraisal round 1: the step only Đồng Nai's Sở Nội vụ may take.
    WriteCase(
        "assessments:transition",
        "dn.thamdinh",
        "dn-sct",
        args=lambda: [dn_state("submitted")],
        data=lambda: {"to": "appraisal_1", "note": "", "confirmed": "on"},
    ),
    WriteCase("assessments:unit_submit", "dn.truongphong", "dn-sct", args=lambda: [dn_all_scored(), org("dn-sct-vp")]),
    WriteCase("assessments:prefill_refresh", "dn.vanphong", "dn-sct", args=lambda: [dn_prefillable()]),
    WriteCase("assessments:remediation_create", "dn.vanphong", "dn-sct", args=lambda: [dn_state("published")]),
    WriteCase(
        "assessments:evidence_list",
        "dn.vanphong",
        "dn-sct",
        args=lambda: [dn_assessment()],
        data=lambda: {
            "number": "12/KH",
            "issued_on": "",
            "issuer": "",
            "title": "Kế hoạch CCHC",
            "files": SimpleUploadedFile("kh.pdf", b"%PDF-1.4 kiem chung", content_type="application/pdf"),
        },
    ),
    _answer_case(
        "assessments:answer_save",
        "dn.truongphong",
        lambda: dn_answer_in("draft"),
        justification="Đã thực hiện đầy đủ",
        a="10",
        b="10",
    ),
    _answer_case(
        "assessments:appraisal_save",
        "dn.thamdinh",
        lambda: dn_answer_in("appraisal_1"),
        [1],
        points="0",
        note="Thiếu kiểm chứng",
        request_explanation="on",
    ),
    _answer_case("assessments:reply_save", "dn.truongphong", explained_answer, reply="Xin bổ sung kiểm chứng"),
    WriteCase("surveys:survey_points_apply", "dn.vanphong", "dn-sct", args=lambda: [dn_assessment()]),
    # surveys: Bình Phước's campaign
    WriteCase("surveys:campaign_create", "vanphong", data=campaign_form),
    WriteCase("surveys:template_create", "vanphong", data=template_form),
    WriteCase(
        "surveys:template_edit",
        "vanphong",
        args=lambda: [template_of("bp-stnmt")],
        data=lambda: template_form(name="Mẫu đã sửa"),
    ),
    WriteCase(
        "surveys:campaign_edit",
        "vanphong",
        args=lambda: [bp_campaign().pk],
        data=lambda: {
            "title": "Đợt đã sửa",
            "ends_on": bp_campaign().ends_on.strftime("%d/%m/%Y"),
            "target": "90",
            "min_n": 7,
        },
    ),
    WriteCase("surveys:campaign_close", "vanphong", args=lambda: [bp_campaign().pk]),
    WriteCase(
        "surveys:held_decide",
        "vanphong",
        args=lambda: [held_response()],
        data=lambda: {"quyet_dinh": "giu", "reason": "Đã xác minh"},
    ),
    WriteCase("surveys:response_exclude", "vanphong", args=lambda: [bp_response()], data=lambda: {"reason": "Trùng"}),
    WriteCase("surveys:paper_entry", "vanphong", args=lambda: [bp_point().pk], data=paper_batch_form),
    WriteCase("surveys:paper_batch", "vanphong", args=lambda: [_batch()], data=lambda: paper_form(_batch())),
    WriteCase(
        "surveys:paper_batch_exclude", "vanphong", args=lambda: [paper_batch()], data=lambda: {"reason": "Lô sai"}
    ),
]


def _batch() -> int:
    """One paper batch received inside the campaign; args and data of the paper_batch case share it."""
    from parindex.surveys.models import PaperBatch

    point = bp_point()
    existing = PaperBatch.objects.filter(collected_by="Tổ thu phiếu", point=point).order_by("pk").first()
    if existing:
        return existing.pk
    received = point.campaign.starts_on
    return PaperBatch.objects.create(
        point=point, forms_received=2, collected_by="Tổ thu phiếu", received_on=received
    ).pk


def prepare(client, case: WriteCase) -> Callable:
    """Make the case's objects and its request first (outside the measured window); return the send."""
    if case.session:
        session = client.session
        session.update(case.session())
        session.save()
    url, data = reverse(case.url_name, args=case.args()), case.data()

    def send():
        response = client.post(url, data)
        if case.follow and response.status_code in (200, 302):
            response = case.follow(client)
        return response

    return send


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_owner_changes_something(client, case):
    client.force_login(User.objects.get(username=case.owner))
    send = prepare(client, case)
    before = fingerprint()
    response = send()
    assert response.status_code < 500
    assert changed(before, fingerprint()), f"{case.owner}'s POST changed nothing ({response.status_code})"


INTRUSIONS = [
    pytest.param(case, username, id=f"{case.id}-{username}")
    for case in CASES
    for username in OTHER_PROVINCE[case.target]
]


@pytest.mark.parametrize(("case", "username"), INTRUSIONS)
def test_a_user_of_another_department_is_refused_and_nothing_changes(client, case, username):
    client.force_login(User.objects.get(username=username))
    send = prepare(client, case)
    before = fingerprint()
    response = send()
    assert response.status_code in REFUSED | FORM_AGAIN, response.status_code
    if response.status_code in FORM_AGAIN:  # only as the form (or preview) shown again with its error
        page = response.content.decode()
        assert "is-invalid" in page or "alert-danger" in page, f"{response.status_code} without an error shown"
    assert changed(before, fingerprint()) == []


# ---------------------------------------------------------------- every write view has a case

# Views that handle POST but write nothing another department owns.
NOT_CROSS_DEPARTMENT_WRITES = {
    "ks:form",  # the citizen's public answer: anyone may send it
    "year_switch",  # the user's own working year, in his session
    "notifications:read_all",  # the user's own notifications
    "accounts:password_change",  # the user's own password
    "logout",
    "login",
    # Calculators: evaluate the posted inputs and show the result, saving nothing.
    "assessments:what_if",
    "assessments:answer_calculate",
    "criteria:criterion_calculate",
}


def _named_views():
    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                yield from walk(pattern.url_patterns, f"{pattern.namespace}:" if pattern.namespace else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield prefix + pattern.name, pattern.callback

    return dict(walk(get_resolver().url_patterns, ""))


def _handles_post(view) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is not None:  # a class-based view takes POST when it has a post() (inherited or not)
        return hasattr(view_class, "post")
    return "POST" in inspect.getsource(inspect.unwrap(view))


def test_every_write_view_has_a_cross_department_case():
    writes = {name for name, view in _named_views().items() if _handles_post(view)}
    covered = {c.url_name for c in CASES} | {name for c in CASES for name in c.covers}
    assert writes - NOT_CROSS_DEPARTMENT_WRITES - covered == set()
    stale = NOT_CROSS_DEPARTMENT_WRITES - writes
    assert stale == set(), "an exemption no longer handles POST"
