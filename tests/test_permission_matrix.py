"""Every role × every view: who gets the page, who is refused, and who is sent to log in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from parindex.accounts.models import User
from parindex.assessments.models import Answer, Assessment, Evidence, EvidenceFile
from parindex.core.demo_data import USER_BY_ROLE as PERSONAS
from parindex.criteria.models import CriteriaSet, Criterion
from parindex.organizations.models import Membership, Organization
from parindex.plans.models import (
    CalendarDay,
    ExtensionRequest,
    Occurrence,
    Plan,
    ProgressFile,
    ProgressUpdate,
    Task,
)
from parindex.surveys.models import Campaign, PaperBatch, Response, SurveyTemplate

ROLES = ["anonymous", "outsider", *PERSONAS]
OK, REDIRECT, FORBIDDEN, NOT_FOUND, LOGIN = 200, 302, 403, 404, "login"
LOGGED_IN = ["outsider", *PERSONAS]

ADMIN_ONLY = {"admin": OK}
EVERY_ROLE = dict.fromkeys(PERSONAS, OK)
ORG_VIEWERS = {"admin": OK, "coordinator": OK, "leader": OK}
ASSIGNERS = {"admin": OK, "coordinator": OK}
PLAN_VIEWERS = ORG_VIEWERS
PLAN_MANAGERS = ASSIGNERS
WORKERS = {"coordinator": OK, "unit_head": OK, "staff": OK}
TASK_SEERS = {"admin": OK, "coordinator": OK, "leader": OK, "unit_head": OK, "staff": OK}
TASK_ACTORS = {"admin": OK, "coordinator": OK, "unit_head": OK, "staff": OK}


def org(code):
    return Organization.objects.get(code=code).pk


def user(username):
    return User.objects.get(username=username).pk


def plan(code="bp-stnmt", year=2026):
    return Plan.objects.get(organization__code=code, year=year).pk


def occurrence():
    return Occurrence.objects.filter(
        task__plan_id=plan(), task__units__organization__code="bp-stnmt-tt", task__units__role="lead", review=False
    ).first()


def pending_extension():
    return ExtensionRequest.objects.create(
        occurrence=occurrence(), old_due=date(2026, 12, 31), new_due=date(2027, 1, 15), reason="Chờ số liệu"
    ).pk


def progress_file():
    update = ProgressUpdate.objects.create(occurrence=occurrence(), text="x", percent=10)
    attachment = ProgressFile(update=update, original_name="a.pdf", size=8, content_type="application/pdf")
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return attachment.pk


def dn_assessment():
    return Assessment.objects.get(organization__code="dn-sct").pk


def dn_answer():
    return Answer.objects.filter(assessment_id=dn_assessment(), criterion__code="1.1.2").get().pk


def dn_evidence_file():
    evidence = Evidence.objects.create(organization=Organization.objects.get(code="dn-sct"), year=2019, title="KH")
    attachment = EvidenceFile(evidence=evidence, original_name="a.pdf", size=8, content_type="application/pdf")
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return attachment.pk


def bp_campaign():
    return Campaign.objects.filter(organization__code="bp-stnmt").order_by("starts_on").last()


def bp_point():
    return bp_campaign().points.order_by("name").first()


def bp_response():
    return bp_campaign().responses.first().pk


def paper_batch(campaign=None):
    point = (campaign or bp_campaign()).points.order_by("name").first()
    return PaperBatch.objects.create(point=point, forms_received=2, collected_by="Thu", received_on=date(2026, 1, 5)).pk


def held_response(campaign=None):
    campaign = campaign or bp_campaign()
    return Response.objects.create(
        campaign=campaign, point=campaign.points.first(), answers={"overall": 5}, dossier_code="HS-000001", held=True
    ).pk


def dn_campaign():
    return Campaign.objects.get(organization__code="dn-sct")


def template_of(code):
    return SurveyTemplate.objects.create(owner=Organization.objects.get(code=code), name=f"Mẫu của {code}").pk


def calendar_day():
    return CalendarDay.objects.create(organization_id=org("bp-stnmt"), day=date(2026, 5, 2), kind="off").pk


def kh_occurrence():
    """An occurrence of another department's plan (Khánh Hòa's), for cross-department writes."""
    return Occurrence.objects.filter(task__plan_id=plan("kh-stnmt", 2024), review=False).exclude(due=None).first()


def kh_extension():
    occurrence = kh_occurrence()
    return ExtensionRequest.objects.create(
        occurrence=occurrence, old_due=occurrence.due, new_due=date(2025, 1, 15), reason="Chờ số liệu"
    ).pk


def kh_progress_file():
    update = ProgressUpdate.objects.create(occurrence=kh_occurrence(), text="x", percent=10)
    attachment = ProgressFile(update=update, original_name="a.pdf", size=8, content_type="application/pdf")
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return attachment.pk


def kh_plan_form():
    return {"organization_id": org("kh-stnmt"), "year": 2026, "kind": "annual", "title": "KH của Sở khác",
            "pasted": "STT\tNội dung\tThời gian\tChủ trì\n1\tViệc\tQuý III/2026\tVăn phòng Sở"}  # fmt: skip


def criterion(code, set_code="bp-stnmt-2024"):
    return Criterion.objects.get(criteria_set__code=set_code, code=code).pk


def bp_snv_set():
    """A set of another department of the same province (Sở Nội vụ Bình Phước)."""
    criteria_set = CriteriaSet.objects.create(
        code="bp-snv-2024", title="Bộ của Sở Nội vụ", year=2024, organization=Organization.objects.get(code="bp-snv")
    )
    Criterion.objects.create(criteria_set=criteria_set, code="1", position=1, title="Tiêu chí", max_points=1)
    return ["bp-snv-2024"]


CRITERIA_MANAGERS = {"admin": REDIRECT, "coordinator": REDIRECT}
ASSIGNERS_NOT_FOUND = {"admin": NOT_FOUND, "coordinator": NOT_FOUND}
NOBODY_HERE = dict.fromkeys(PERSONAS, NOT_FOUND)


@dataclass
class Case:
    label: str
    url_name: str
    expected: dict  # role → status; other logged-in roles get 403, anonymous is sent to log in
    args: object = lambda: []
    method: str = "get"
    query: str = ""
    data: object = field(default=lambda: {})


CASES = [
    Case("dashboard", "dashboard", dict.fromkeys(LOGGED_IN, OK)),
    Case("year_switch", "year_switch", dict.fromkeys(LOGGED_IN, REDIRECT), method="post"),
    Case("audit_log", "audit_log", ADMIN_ONLY),
    Case("org_tree", "organizations:tree", ORG_VIEWERS),
    Case("org_detail", "organizations:detail", ORG_VIEWERS, lambda: [org("bp-stnmt-tt")]),
    Case(
        "org_detail_other_province",
        "organizations:detail",
        dict.fromkeys(["admin", "coordinator", "leader"], NOT_FOUND),
        lambda: [org("qb-stnmt")],
    ),
    Case("org_create", "organizations:create", ADMIN_ONLY),
    Case("org_rename", "organizations:rename", ADMIN_ONLY, lambda: [org("bp-stnmt-tt")]),
    Case("org_rename_other_province", "organizations:rename", {"admin": NOT_FOUND}, lambda: [org("kh-stnmt-tt")]),
    Case("org_merge", "organizations:merge", ADMIN_ONLY, lambda: [org("bp-stnmt-tt")]),
    Case("org_split", "organizations:split", ADMIN_ONLY, lambda: [org("bp-stnmt-tt")]),
    Case("appraised", "organizations:appraised", {"appraiser": OK}),
    Case("user_list", "accounts:user_list", ADMIN_ONLY),
    Case("user_create", "accounts:user_create", ADMIN_ONLY),
    Case("user_edit", "accounts:user_edit", ADMIN_ONLY, lambda: [user("chuyenvien")]),
    Case("user_edit_out_of_scope", "accounts:user_edit", {"admin": NOT_FOUND}, lambda: [user("thamdinh")]),
    Case("membership_create", "accounts:membership_create", {"admin": REDIRECT}, lambda: [user("chuyenvien")], "post"),
    Case(
        "membership_delete",
        "accounts:membership_delete",
        {"admin": REDIRECT},
        lambda: [user("chuyenvien"), Membership.objects.get(user__username="chuyenvien").pk],
        "post",
    ),
    Case("password_change", "accounts:password_change", dict.fromkeys(LOGGED_IN, OK)),
    Case("password_change_done", "accounts:password_change_done", dict.fromkeys(LOGGED_IN, OK)),
    Case("criteria_sets", "criteria:set_list", EVERY_ROLE),
    Case("criteria_set", "criteria:set_detail", EVERY_ROLE, lambda: ["bp-stnmt-2024"]),
    Case("criterion", "criteria:criterion_detail", EVERY_ROLE, lambda: ["bp-stnmt-2024", "1.1.2"]),
    Case("criterion_calculate", "criteria:criterion_calculate", EVERY_ROLE, lambda: ["bp-stnmt-2024", "1.1.2"], "post"),
    Case("criteria_export", "criteria:set_export", EVERY_ROLE, lambda: ["bp-stnmt-2024", "xlsx"]),
    Case("criteria_diff", "criteria:set_diff", EVERY_ROLE, lambda: ["bp-stnmt-2024"], query="?so_voi=province-2024"),
    Case("criteria_import", "criteria:set_import", ASSIGNERS),
    Case("criteria_template", "criteria:set_template", ASSIGNERS),
    Case("criteria_import_confirm", "criteria:set_import_confirm", CRITERIA_MANAGERS, method="post"),
    Case("criteria_clone", "criteria:set_clone", CRITERIA_MANAGERS, lambda: ["bp-stnmt-2024"], "post"),
    Case("criteria_status", "criteria:set_status", CRITERIA_MANAGERS, lambda: ["bp-stnmt-2024"], "post"),
    # Another province's sets are invisible (404) to every Bình Phước persona, reads and writes alike.
    *[
        Case(f"{label}_other_province", f"criteria:{name}", expected, args, method, query)
        for label, name, expected, args, method, query in [
            ("criteria_set", "set_detail", NOBODY_HERE, lambda: ["dn-sct-2019"], "get", ""),
            ("criterion", "criterion_detail", NOBODY_HERE, lambda: ["dn-sct-2019", "1.1.2"], "get", ""),
            ("criterion_calculate", "criterion_calculate", NOBODY_HERE, lambda: ["dn-sct-2019", "1.1.2"], "post", ""),
            ("criteria_export", "set_export", NOBODY_HERE, lambda: ["dn-sct-2019", "yaml"], "get", ""),
            ("criteria_diff", "set_diff", NOBODY_HERE, lambda: ["bp-stnmt-2024"], "get", "?so_voi=dn-sct-2019"),
            ("criteria_clone", "set_clone", ASSIGNERS_NOT_FOUND, lambda: ["dn-sct-2019"], "post", ""),
            ("criteria_status", "set_status", ASSIGNERS_NOT_FOUND, lambda: ["dn-sct-2019"], "post", ""),
            ("assignment_matrix", "assignment_matrix", ASSIGNERS_NOT_FOUND, lambda: ["dn-sct-2019"], "get", ""),
        ]
    ],
    Case(
        "assignment_update_other_province",
        "criteria:assignment_update",
        ASSIGNERS_NOT_FOUND,
        lambda: ["dn-sct-2019"],
        "post",
        data=lambda: {"criterion": criterion("1.1.2", "dn-sct-2019"), "unit": org("bp-stnmt-tt"), "role": "lead"},
    ),
    # A set of another department of the same province: invisible to this department, writes included;
    # only Sở Nội vụ's own appraiser reads it (and may not change it).
    Case(
        "criteria_set_other_department",
        "criteria:set_detail",
        {**NOBODY_HERE, "appraiser": OK},
        bp_snv_set,
    ),
    Case("criteria_clone_other_department", "criteria:set_clone", ASSIGNERS_NOT_FOUND, bp_snv_set, "post"),
    Case("criteria_status_other_department", "criteria:set_status", ASSIGNERS_NOT_FOUND, bp_snv_set, "post"),
    Case("assignment_matrix_other_department", "criteria:assignment_matrix", ASSIGNERS_NOT_FOUND, bp_snv_set),
    Case(
        "assignment_update_other_department",
        "criteria:assignment_update",
        ASSIGNERS_NOT_FOUND,
        bp_snv_set,
        "post",
        data=lambda: {"criterion": criterion("1", "bp-snv-2024"), "unit": org("bp-stnmt-tt"), "role": "lead"},
    ),
    # The province's set: read by all its departments, changed by none of them (only the province's admin).
    Case("criteria_clone_province_set", "criteria:set_clone", {}, lambda: ["province-2024"], "post"),
    Case("criteria_status_province_set", "criteria:set_status", {}, lambda: ["province-2024"], "post"),
    Case("assignment_matrix", "criteria:assignment_matrix", ASSIGNERS, lambda: ["bp-stnmt-2024"]),
    Case(
        "assignment_update",
        "criteria:assignment_update",
        ASSIGNERS,
        lambda: ["bp-stnmt-2024"],
        "post",
        data=lambda: {"criterion": criterion("1.1.2"), "unit": org("bp-stnmt-tt"), "role": ""},
    ),
    Case("plans", "plans:plan_list", PLAN_VIEWERS),
    Case("plan_create", "plans:plan_create", PLAN_MANAGERS),
    Case("plan_import", "plans:plan_import", PLAN_MANAGERS),
    Case("plan_import_preview", "plans:plan_import_preview", dict.fromkeys(["admin", "coordinator"], REDIRECT)),
    Case("plan", "plans:plan_detail", PLAN_VIEWERS, lambda: [plan()]),
    Case(
        "plan_other_province",
        "plans:plan_detail",
        dict.fromkeys(["admin", "coordinator", "leader"], NOT_FOUND),
        lambda: [plan("kh-stnmt", 2024)],
    ),
    Case("task_edit", "plans:task_edit", PLAN_MANAGERS, lambda: [occurrence().task_id]),
    Case("task_create", "plans:task_create", PLAN_MANAGERS, lambda: [plan()]),
    Case(
        "task_create_other_province",
        "plans:task_create",
        dict.fromkeys(["admin", "coordinator"], NOT_FOUND),
        lambda: [plan("kh-stnmt", 2024)],
    ),
    Case("task_delete_confirm", "plans:task_delete", PLAN_MANAGERS, lambda: [occurrence().task_id]),
    Case(
        "task_delete",
        "plans:task_delete",
        dict.fromkeys(["admin", "coordinator"], REDIRECT),
        lambda: [occurrence().task_id],
        "post",
    ),
    Case(
        "task_delete_other_province",
        "plans:task_delete",
        dict.fromkeys(["admin", "coordinator"], NOT_FOUND),
        lambda: [Task.objects.filter(plan__organization__code="kh-stnmt").first().pk],
        "post",
    ),
    Case("plan_export", "plans:plan_export", PLAN_VIEWERS, lambda: [plan(), "docx"]),
    Case("my_work", "plans:my_work", WORKERS),
    Case("occurrence", "plans:occurrence_detail", TASK_SEERS, lambda: [occurrence().pk]),
    Case("occurrence_progress", "plans:occurrence_progress", {**TASK_ACTORS}, lambda: [occurrence().pk], "post"),
    Case("occurrence_done", "plans:occurrence_done", TASK_ACTORS, lambda: [occurrence().pk], "post"),
    Case("occurrence_event", "plans:occurrence_event", TASK_ACTORS, lambda: [occurrence().pk], "post"),
    Case("extension_create", "plans:extension_create", TASK_ACTORS, lambda: [occurrence().pk], "post"),
    Case("extensions", "plans:extension_list", PLAN_MANAGERS),
    Case(
        "extension_decide",
        "plans:extension_decide",
        dict.fromkeys(["admin", "coordinator"], REDIRECT),
        lambda: [pending_extension()],
        "post",
    ),
    Case("progress_file", "plans:progress_file", TASK_SEERS, lambda: [progress_file()]),
    Case("calendar_days", "plans:calendar_days", ADMIN_ONLY),
    Case("calendar_day_delete", "plans:calendar_day_delete", {"admin": REDIRECT}, lambda: [calendar_day()], "post"),
    # Plans: every write view aimed at another department's plan (Khánh Hòa) is refused; a form
    # offers only one's own departments, so a foreign organization is a form error (nothing saved).
    Case("plan_create_other_department", "plans:plan_create", PLAN_MANAGERS, method="post", data=kh_plan_form),
    Case(
        "plan_import_other_department",
        "plans:plan_import",
        dict.fromkeys(["admin", "coordinator"], 400),
        method="post",
        data=kh_plan_form,
    ),
    Case(
        "plan_export_other_department",
        "plans:plan_export",
        dict.fromkeys(["admin", "coordinator", "leader"], NOT_FOUND),
        lambda: [plan("kh-stnmt", 2024), "xlsx"],
    ),
    *[
        Case(
            f"{name}_other_department",
            f"plans:{name}",
            dict.fromkeys(["admin", "coordinator"], NOT_FOUND),
            lambda: [kh_occurrence().task_id],
            method,
        )
        for name, method in [("task_edit", "get"), ("task_edit", "post")]
    ],
    *[
        Case(
            f"{name}_other_department",
            f"plans:{name}",
            dict.fromkeys(TASK_SEERS, NOT_FOUND),
            lambda: [kh_occurrence().pk],
            "post",
        )
        for name in ["occurrence_progress", "occurrence_done", "occurrence_event", "extension_create"]
    ],
    Case(
        "extension_decide_other_department",
        "plans:extension_decide",
        dict.fromkeys(["admin", "coordinator"], NOT_FOUND),
        lambda: [kh_extension()],
        "post",
        data=lambda: {"decision": "approve"},
    ),
    Case(
        "progress_file_other_department",
        "plans:progress_file",
        dict.fromkeys(TASK_SEERS, NOT_FOUND),
        lambda: [kh_progress_file()],
    ),
    Case("notifications", "notifications:list", dict.fromkeys(LOGGED_IN, OK)),
    Case("notifications_read", "notifications:read_all", dict.fromkeys(LOGGED_IN, REDIRECT), method="post"),
    # Assessments: the demo round is Đồng Nai's; every Bình Phước persona is refused (other department).
    Case("rounds", "assessments:round_list", {**TASK_SEERS, "appraiser": OK}),
    Case("round_create", "assessments:round_create", {"admin": OK, "coordinator": OK, "appraiser": OK}),
    Case(
        "round_other_province",
        "assessments:round_detail",
        dict.fromkeys(LOGGED_IN, NOT_FOUND),
        lambda: [Assessment.objects.get(pk=dn_assessment()).round_id],
    ),
    Case(
        "round_export_other_province",
        "assessments:round_export",
        dict.fromkeys(LOGGED_IN, NOT_FOUND),
        lambda: [Assessment.objects.get(pk=dn_assessment()).round_id],
    ),
    *[
        Case(f"assessment_{name}", f"assessments:{name}", dict.fromkeys(LOGGED_IN, NOT_FOUND), args, method)
        for name, args, method in [
            ("assessment_detail", lambda: [dn_assessment()], "get"),
            ("transition", lambda: [dn_assessment()], "post"),
            ("unit_submit", lambda: [dn_assessment(), Organization.objects.get(code="dn-sct-vp").pk], "post"),
            ("what_if", lambda: [dn_assessment()], "get"),
            ("remediation_create", lambda: [dn_assessment()], "post"),
            ("prefill_refresh", lambda: [dn_assessment()], "post"),
            ("assessment_export", lambda: [dn_assessment(), "xlsx"], "get"),
            ("evidence_list", lambda: [dn_assessment()], "get"),
            ("evidence_file", lambda: [dn_evidence_file()], "get"),
            ("answer_panel", lambda: [dn_answer()], "get"),
            ("answer_save", lambda: [dn_answer()], "post"),
            ("answer_calculate", lambda: [dn_answer()], "post"),
            ("appraisal_save", lambda: [dn_answer(), 1], "post"),
            ("reply_save", lambda: [dn_answer()], "post"),
        ]
    ],
    Case("surveys", "surveys:campaign_list", {**TASK_SEERS}),
    Case("survey_create", "surveys:campaign_create", PLAN_MANAGERS),
    Case("survey_template", "surveys:template_create", PLAN_MANAGERS),
    *[
        Case(f"survey_{name}", f"surveys:{name}", {**PLAN_VIEWERS, "unit_head": NOT_FOUND, "staff": NOT_FOUND}, args)
        for name, args in [
            ("campaign_detail", lambda: [bp_campaign().pk]),
            ("campaign_comments", lambda: [bp_campaign().pk]),
            ("campaign_export", lambda: [bp_campaign().pk]),
            ("campaign_report", lambda: [bp_campaign().pk]),
            ("quarter_report", lambda: [bp_campaign().pk]),
            ("point_qr", lambda: [bp_point().pk]),
            ("point_poster", lambda: [bp_point().pk]),
        ]
    ],
    Case(
        "survey_exclude",
        "surveys:response_exclude",
        {"admin": REDIRECT, "coordinator": REDIRECT},
        lambda: [bp_response()],
        "post",
    ),
    # Survey writes: the department's survey managers only; the unit staff who see a campaign
    # through their service point get 404 like its other pages.
    Case("survey_paper_entry", "surveys:paper_entry", PLAN_MANAGERS, lambda: [bp_point().pk]),
    Case("survey_paper_batch", "surveys:paper_batch", PLAN_MANAGERS, lambda: [paper_batch()]),
    Case(
        "survey_batch_exclude",
        "surveys:paper_batch_exclude",
        dict.fromkeys(["admin", "coordinator"], REDIRECT),
        lambda: [paper_batch()],
        "post",
        data=lambda: {"reason": "Thử"},
    ),
    Case("survey_campaign_edit", "surveys:campaign_edit", PLAN_MANAGERS, lambda: [bp_campaign().pk]),
    Case(
        "survey_campaign_close",
        "surveys:campaign_close",
        dict.fromkeys(["admin", "coordinator"], REDIRECT),
        lambda: [bp_campaign().pk],
        "post",
    ),
    Case("survey_held", "surveys:held_list", PLAN_MANAGERS, lambda: [bp_campaign().pk]),
    Case(
        "survey_held_decide",
        "surveys:held_decide",
        dict.fromkeys(["admin", "coordinator"], REDIRECT),
        lambda: [held_response()],
        "post",
        data=lambda: {"quyet_dinh": "giu", "reason": "Đã xác minh"},
    ),
    Case("survey_template_edit", "surveys:template_edit", PLAN_MANAGERS, lambda: [template_of("bp-stnmt")]),
    # Cross-department survey writes: Đồng Nai's campaign, batch, answers and template are not
    # found for Bình Phước's survey managers; everyone else has no survey write right at all.
    *[
        Case(
            f"survey_{name}_other_department", f"surveys:{name}", dict.fromkeys(PLAN_MANAGERS, NOT_FOUND), args, method
        )
        for name, args, method in [
            ("campaign_edit", lambda: [dn_campaign().pk], "post"),
            ("campaign_close", lambda: [dn_campaign().pk], "post"),
            ("paper_entry", lambda: [dn_campaign().points.first().pk], "post"),
            ("paper_batch", lambda: [paper_batch(dn_campaign())], "post"),
            ("paper_batch_exclude", lambda: [paper_batch(dn_campaign())], "post"),
            ("response_exclude", lambda: [dn_campaign().responses.first().pk], "post"),
            ("held_list", lambda: [dn_campaign().pk], "get"),
            ("held_decide", lambda: [held_response(dn_campaign())], "post"),
            ("template_edit", lambda: [template_of("dn-sct")], "post"),
        ]
    ],
    Case(
        "survey_points",
        "surveys:survey_points_apply",
        dict.fromkeys(LOGGED_IN, NOT_FOUND),
        lambda: [dn_assessment()],
        "post",
    ),
    Case("public_form", "ks:form", dict.fromkeys(["anonymous", *LOGGED_IN], OK), lambda: [bp_point().token]),
    Case("public_thanks", "ks:thanks", dict.fromkeys(["anonymous", *LOGGED_IN], OK), lambda: [bp_point().token]),
    Case("healthz", "healthz", dict.fromkeys(["anonymous", *LOGGED_IN], OK)),
    Case("login", "login", dict.fromkeys(["anonymous", *LOGGED_IN], OK)),
    Case("logout", "logout", dict.fromkeys(["anonymous", *LOGGED_IN], REDIRECT), method="post"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c.label for c in CASES])
def test_it_gives_each_role_exactly_its_access(demo, outsider, client, role, case):
    if role == "outsider":
        client.force_login(outsider)
    elif role != "anonymous":
        client.force_login(User.objects.get(username=PERSONAS[role]))
    want = case.expected.get(role, LOGIN if role == "anonymous" else FORBIDDEN)
    if case.url_name == "login" and role != "anonymous":
        want = REDIRECT  # a logged-in user is sent on to the dashboard
    url = reverse(case.url_name, args=case.args()) + case.query
    response = getattr(client, case.method)(url, case.data())
    if want == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == want, f"{role} → {case.label}"


@pytest.mark.parametrize("url_name", ["surveys:campaign_create", "surveys:template_create"])
def test_survey_creation_for_another_department_saves_nothing(demo, client, url_name):
    """Creating writes take the organization from the form: Bình Phước's coordinator naming Đồng
    Nai's department (or its unit as a service point) gets the form back and nothing is saved."""
    client.force_login(User.objects.get(username="vanphong"))
    before = (Campaign.objects.count(), SurveyTemplate.objects.count())
    data = {
        "organization_id": org("dn-sct"),
        "owner_id": org("dn-sct"),
        "template": SurveyTemplate.objects.first().pk,
        "name": "Mẫu lạ",
        "elements": ["access"],
        "title": "Đợt lạ",
        "starts_on": "01/01/2026",
        "ends_on": "31/01/2026",
        "target": "87",
        "min_n": 5,
        "points": [org("dn-sct-vp")],
        **{f"w_{k}": "1" for k in ["access", "procedure", "staff", "result", "feedback"]},
    }
    response = client.post(reverse(url_name), data)
    assert response.status_code == 200
    assert (Campaign.objects.count(), SurveyTemplate.objects.count()) == before


def test_the_matrix_covers_every_named_url():
    resolver = get_resolver()
    named = {k for k in resolver.reverse_dict if isinstance(k, str)}
    for namespace, (_, sub) in resolver.namespace_dict.items():
        if namespace != "admin":
            named |= {f"{namespace}:{k}" for k in sub.reverse_dict if isinstance(k, str)}
    assert named - {case.url_name for case in CASES} == set()


# Appraiser rules: appraisal comes only from an appraising body (Sở Nội vụ) and reaches the other
# departments of its province, never the body itself nor a department the user belongs to.
APPRAISES = {"thamdinh": {"bp-stnmt"}, "dn.thamdinh": {"dn-sct", "dn-stc", "dn-sxd"}}
DEMO_USERS = [
    "admin", "vanphong", "lanhdao", "truongphong", "chuyenvien", "thamdinh", "bp.snv.admin",
    "dn.admin", "dn.vanphong", "dn.truongphong", "dn.chuyenvien", "dn.thanhtra", "dn.thamdinh",
]  # fmt: skip


@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_user_appraises_exactly_the_departments_of_the_rules(demo, username):
    from parindex.organizations.access import access_for_user
    from parindex.organizations.permissions import Perm

    access = access_for_user(User.objects.get(username=username), 2019)
    appraised = {access.tree.nodes[i].code for i in access.org_ids_with(Perm.APPRAISE)}
    assert appraised == APPRAISES.get(username, set())


@pytest.mark.parametrize("username", DEMO_USERS)
def test_only_the_provinces_appraiser_moves_a_submitted_department_into_appraisal(demo, client, username):
    assessment = Assessment.objects.get(pk=dn_assessment())
    Assessment.objects.filter(pk=assessment.pk).update(state="submitted")
    client.force_login(User.objects.get(username=username))
    response = client.post(reverse("assessments:transition", args=[assessment.pk]), {"to": "appraisal_1"})
    assessment.refresh_from_db()
    if username == "dn.thamdinh":
        assert (response.status_code, assessment.state) == (302, "appraisal_1")
    else:
        assert response.status_code in (403, 404), username
        assert assessment.state == "submitted"
