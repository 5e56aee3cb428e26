"""Every assessment page and action × every state × every kind of person: what each one gets, and
what it changes. The demo assessment of Sở Công Thương Đồng Nai is put in each state with
update(); each case checks the answer (status, redirect, message), what the page shows, and that
the data changed exactly as allowed — and not at all otherwise. One test per action and state
runs the seven people in turn, each in a savepoint rolled back afterwards, and lists every cell
that differs from the table.

People (all of Sở Công Thương Đồng Nai unless said otherwise):
  dn.vanphong     coordinator of the Sở (compiles), also staff of Văn phòng (VP)
  dn.truongphong  unit head of VP
  dn.chuyenvien   staff of VP
  dn.thanhtra     unit head of Thanh tra Sở (TT)
  dn.thamdinh     appraiser at Sở Nội vụ Đồng Nai
  lanhdao         leader of a department of another province (Bình Phước)
  anonymous       not logged in

Criteria: "VP" is 1.1.2, led by VP alone (the seed makes TT a coordinating unit of every VP
criterion, so the test gives 1.1.2 its own assignment: TT has no role on it at all); "TT" is
3.1.2, led by TT alone in the seed (VP has no role on it).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import openpyxl
import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.assessments import services
from parindex.assessments import urls as assessment_urls
from parindex.assessments.models import (
    Answer,
    Assessment,
    AssessmentRound,
    Evidence,
    EvidenceFile,
    State,
    Transition,
    UnitSubmission,
)
from parindex.criteria.models import AssignmentRole, CriterionAssignment, Scoring
from parindex.organizations.models import Organization
from parindex.plans.models import Occurrence, Plan, Task

pytestmark = pytest.mark.usefixtures("demo")

PERSONAS = ("dn.vanphong", "dn.truongphong", "dn.chuyenvien", "dn.thanhtra", "dn.thamdinh", "lanhdao", None)

# What a person gets.
OK = "ok"  # 200: the data is shown, or the change is made
BLIND = "blind"  # 200, but the protected data is not on the page
DONE = "done"  # 302 with a success message, after the change was made
REFUSED = "refused"  # 302 with an error message; nothing changed
CLOSED = "closed"  # 200: the form again with the reason; nothing saved
STATE = "422"  # wrong state for this action; nothing changed
DENY = "403"  # may see the assessment but not do this; nothing changed
HIDE = "404"  # may not see it at all; nothing changed
LOGIN = "login"  # 302 to the login page; nothing changed

D, S, A1, E, A2, F, P = (
    State.DRAFT,
    State.SUBMITTED,
    State.APPRAISAL_1,
    State.EXPLANATION,
    State.APPRAISAL_2,
    State.FINALIZED,
    State.PUBLISHED,
)
STATES = (D, S, A1, E, A2, F, P)


def every_state(*row: str) -> dict[str, tuple[str, ...]]:
    """For the pages whose rules do not depend on the state."""
    return dict.fromkeys(STATES, row)


# action → state → outcome per person, in PERSONAS order:
#              vanphong  truongphong chuyenvien thanhtra  thamdinh  lanhdao  anonymous
EXPECTED: dict[str, dict[str, tuple[str, ...]]] = {
    "round_list": every_state(OK, OK, OK, OK, OK, BLIND, LOGIN),
    "round_detail": every_state(OK, OK, OK, OK, OK, HIDE, LOGIN),
    "round_export": every_state(OK, OK, OK, OK, OK, HIDE, LOGIN),
    # The sheet: each unit sees its own criteria's rows only.
    "assessment_detail: VP row": every_state(OK, OK, OK, BLIND, OK, HIDE, LOGIN),
    "assessment_detail: TT row": every_state(OK, BLIND, BLIND, OK, OK, HIDE, LOGIN),
    # To the next state: the coordinator compiles; only the appraiser moves the appraisal on.
    "transition": {
        D: (DONE, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        S: (DENY, DENY, DENY, DENY, DONE, HIDE, LOGIN),
        A1: (DENY, DENY, DENY, DENY, DONE, HIDE, LOGIN),
        E: (DENY, DENY, DENY, DENY, DONE, HIDE, LOGIN),
        A2: (DENY, DENY, DENY, DENY, DONE, HIDE, LOGIN),
        F: (DENY, DENY, DENY, DENY, DONE, HIDE, LOGIN),
        P: (DENY, DENY, DENY, DENY, REFUSED, HIDE, LOGIN),  # nothing after published
    },
    # Compiling, finalizing and publishing with something missing (here the survey area, and at
    # publication the finalized survey area too) need the person's explicit confirmation.
    "transition: unconfirmed": {
        D: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        S: (DENY, DENY, DENY, DENY, DONE, HIDE, LOGIN),
        A1: (DENY, DENY, DENY, DENY, DONE, HIDE, LOGIN),
        E: (DENY, DENY, DENY, DENY, DONE, HIDE, LOGIN),
        A2: (DENY, DENY, DENY, DENY, REFUSED, HIDE, LOGIN),
        F: (DENY, DENY, DENY, DENY, REFUSED, HIDE, LOGIN),
        P: (DENY, DENY, DENY, DENY, REFUSED, HIDE, LOGIN),
    },
    # Only a unit's own head submits it: not staff, not the coordinator, not another unit's head.
    "unit_submit: VP": {
        D: (DENY, DONE, DENY, DENY, DENY, HIDE, LOGIN),
        S: (DENY, REFUSED, DENY, DENY, DENY, HIDE, LOGIN),
        A1: (DENY, REFUSED, DENY, DENY, DENY, HIDE, LOGIN),
        E: (DENY, REFUSED, DENY, DENY, DENY, HIDE, LOGIN),
        A2: (DENY, REFUSED, DENY, DENY, DENY, HIDE, LOGIN),
        F: (DENY, REFUSED, DENY, DENY, DENY, HIDE, LOGIN),
        P: (DENY, REFUSED, DENY, DENY, DENY, HIDE, LOGIN),
    },
    "unit_submit: TT": {
        D: (DENY, DENY, DENY, DONE, DENY, HIDE, LOGIN),
        S: (DENY, DENY, DENY, REFUSED, DENY, HIDE, LOGIN),
        A1: (DENY, DENY, DENY, REFUSED, DENY, HIDE, LOGIN),
        E: (DENY, DENY, DENY, REFUSED, DENY, HIDE, LOGIN),
        A2: (DENY, DENY, DENY, REFUSED, DENY, HIDE, LOGIN),
        F: (DENY, DENY, DENY, REFUSED, DENY, HIDE, LOGIN),
        P: (DENY, DENY, DENY, REFUSED, DENY, HIDE, LOGIN),
    },
    "what_if": every_state(OK, DENY, DENY, DENY, DENY, HIDE, LOGIN),  # a copy: never saved
    # Known figures (plan completion) refill the answers nobody typed: the coordinator, in draft only.
    "prefill_refresh": {
        D: (DONE, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        S: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        A1: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        E: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        A2: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        F: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        P: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
    },
    "remediation_create": every_state(DONE, DENY, DENY, DENY, DENY, HIDE, LOGIN),
    # The whole department's documents: department roles and appraisers only.
    "assessment_export: xlsx": every_state(OK, DENY, DENY, DENY, OK, HIDE, LOGIN),
    "assessment_export: docx": every_state(OK, DENY, DENY, DENY, OK, HIDE, LOGIN),
    "assessment_export: pdf": every_state(OK, DENY, DENY, DENY, OK, HIDE, LOGIN),
    "assessment_export: zip": every_state(OK, DENY, DENY, DENY, OK, HIDE, LOGIN),
    "evidence_list: GET": every_state(OK, OK, OK, OK, OK, HIDE, LOGIN),
    # Evidence goes in while the units score and while they explain; appraisers add none.
    "evidence_list: POST": {
        D: (DONE, DONE, DONE, DONE, DENY, HIDE, LOGIN),
        S: (CLOSED, CLOSED, CLOSED, CLOSED, DENY, HIDE, LOGIN),
        A1: (CLOSED, CLOSED, CLOSED, CLOSED, DENY, HIDE, LOGIN),
        E: (DONE, DONE, DONE, DONE, DENY, HIDE, LOGIN),
        A2: (CLOSED, CLOSED, CLOSED, CLOSED, DENY, HIDE, LOGIN),
        F: (CLOSED, CLOSED, CLOSED, CLOSED, DENY, HIDE, LOGIN),
        P: (CLOSED, CLOSED, CLOSED, CLOSED, DENY, HIDE, LOGIN),
    },
    "evidence_file": every_state(OK, OK, OK, OK, OK, HIDE, LOGIN),
    # Unit A cannot open unit B's criterion.
    "answer_panel: VP": every_state(OK, OK, OK, HIDE, OK, HIDE, LOGIN),
    "answer_panel: TT": every_state(OK, HIDE, HIDE, OK, OK, HIDE, LOGIN),
    # Self-scores: the criterion's unit (staff too) and the coordinator, in draft only; never the appraiser.
    "answer_save: VP": {
        D: (OK, OK, OK, HIDE, DENY, HIDE, LOGIN),
        S: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        A1: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        E: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        A2: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        F: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        P: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
    },
    "answer_save: TT": {
        D: (OK, HIDE, HIDE, OK, DENY, HIDE, LOGIN),
        S: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        A1: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        E: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        A2: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        F: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        P: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
    },
    # A live calculation saves nothing; whoever may open the criterion may try numbers.
    "answer_calculate: VP": every_state(OK, OK, OK, HIDE, OK, HIDE, LOGIN),
    "answer_calculate: TT": every_state(OK, HIDE, HIDE, OK, OK, HIDE, LOGIN),
    # Appraisal points: the appraiser only, each round in its own state.
    "appraisal_save 1: VP": {
        D: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        S: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        A1: (DENY, DENY, DENY, HIDE, OK, HIDE, LOGIN),
        E: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        A2: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        F: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        P: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
    },
    "appraisal_save 2: VP": {
        D: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        S: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        A1: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        E: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        A2: (DENY, DENY, DENY, HIDE, OK, HIDE, LOGIN),
        F: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
        P: (DENY, DENY, DENY, HIDE, STATE, HIDE, LOGIN),
    },
    # Explanations: the criterion's unit and the coordinator, in the explanation state only.
    "reply_save: VP": {
        D: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        S: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        A1: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        E: (OK, OK, OK, HIDE, DENY, HIDE, LOGIN),
        A2: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        F: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
        P: (STATE, STATE, STATE, HIDE, DENY, HIDE, LOGIN),
    },
    "reply_save: TT": {
        D: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        S: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        A1: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        E: (OK, HIDE, HIDE, OK, DENY, HIDE, LOGIN),
        A2: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        F: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
        P: (STATE, HIDE, HIDE, STATE, DENY, HIDE, LOGIN),
    },
    # Survey results reach the sheet (the coordinator's button) until the result is finalized.
    "survey_points_apply": {
        D: (DONE, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        S: (DONE, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        A1: (DONE, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        E: (DONE, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        A2: (DONE, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        F: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
        P: (REFUSED, DENY, DENY, DENY, DENY, HIDE, LOGIN),
    },
}

PDF = b"%PDF-1.4\n%%EOF\n"
VP_CODE, TT_CODE = "1.1.2", "3.1.2"
SURVEY_FROM_CAMPAIGNS = {"answer:10.1", "answer:10.2", "answer:10.3", "answer:10.4"}  # 10.5 is an outside survey


def body(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def text(response) -> str:
    return body(response).decode(errors="replace")


def is_file(response, content_type: str, magic: bytes) -> bool:
    return (
        response.status_code == 200 and content_type in response.get("Content-Type", "") and body(response)[:4] == magic
    )


def xlsx_mentions(response, words: str) -> bool:
    if not is_file(response, "spreadsheetml", b"PK\x03\x04"):
        return False
    book = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True)
    return any(
        words in str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell
    )


@dataclass
class Action:
    url: Callable  # ctx → url
    post: Callable | None = None  # ctx → POST data; None for a GET
    shows: Callable | None = None  # (response, ctx) → is the protected data on the page (reads)
    changes: Callable | None = None  # ctx → the changes the action makes when allowed (writes)
    needs: tuple[str, ...] = field(default_factory=tuple)  # extra set-up: "evidence", "plan", "scored", "submitted"


def _url(name: str, *args: Callable) -> Callable:
    return lambda ctx: reverse(f"assessments:{name}", args=[arg(ctx) for arg in args])


def _pk(ctx):
    return ctx.assessment.pk


def _answer(which: str) -> Callable:
    return lambda ctx: ctx.answers[which].pk


def _export(fmt: str, content_type: str, magic: bytes) -> Action:
    return Action(
        url=lambda ctx: reverse("assessments:assessment_export", args=[ctx.assessment.pk, fmt]),
        shows=lambda response, ctx: is_file(response, content_type, magic),
    )


def _next_state(ctx) -> str:
    later = STATES[STATES.index(ctx.state) + 1 :]
    return later[0] if later else P  # published has no next step: ask for published again


def _inputs(ctx) -> dict:
    return {"a": "20", "b": "19", "justification": "Báo cáo số 12/BC", "version": ctx.version}


def _row_shown(which: str) -> Callable:
    return lambda response, ctx: (
        response.status_code == 200
        and (reverse("assessments:answer_panel", args=[ctx.answers[which].pk]) in text(response))
    )


def _panel_shown(which: str) -> Callable:
    return lambda response, ctx: (
        response.status_code == 200
        and ('data-testid="answer-panel"' in text(response) and ctx.answers[which].criterion.title in text(response))
    )


def _calc_shown(response, ctx) -> bool:
    return response.status_code == 200 and 'data-testid="calc-points"' in text(response)


ACTIONS: dict[str, Action] = {
    "round_list": Action(
        url=lambda ctx: reverse("assessments:round_list"),
        shows=lambda response, ctx: ctx.assessment.round.get_absolute_url() in text(response),
    ),
    "round_detail": Action(
        url=lambda ctx: ctx.assessment.round.get_absolute_url(),
        shows=lambda response, ctx: response.status_code == 200 and ctx.assessment.get_absolute_url() in text(response),
    ),
    "round_export": Action(
        url=lambda ctx: reverse("assessments:round_export", args=[ctx.assessment.round_id]),
        shows=lambda response, ctx: xlsx_mentions(response, "Sở Công Thương tỉnh Đồng Nai"),
    ),
    "assessment_detail: VP row": Action(url=_url("assessment_detail", _pk), shows=_row_shown("VP")),
    "assessment_detail: TT row": Action(url=_url("assessment_detail", _pk), shows=_row_shown("TT")),
    "transition": Action(
        url=_url("transition", _pk),
        post=lambda ctx: {"to": _next_state(ctx), "note": "Ma trận quyền", "confirmed": "on"},
        changes=lambda ctx: {"state", "transitions"},
        needs=("scored", "submitted"),
    ),
    "transition: unconfirmed": Action(
        url=_url("transition", _pk),
        post=lambda ctx: {"to": _next_state(ctx), "note": "Ma trận quyền"},
        changes=lambda ctx: {"state", "transitions"},
        needs=("scored", "submitted"),
    ),
    "unit_submit: VP": Action(
        url=_url("unit_submit", _pk, lambda ctx: ctx.units["VP"]),
        post=lambda ctx: {},
        changes=lambda ctx: {"submission:dn-sct-vp"},
        needs=("scored",),
    ),
    "unit_submit: TT": Action(
        url=_url("unit_submit", _pk, lambda ctx: ctx.units["TT"]),
        post=lambda ctx: {},
        changes=lambda ctx: {"submission:dn-sct-tt"},
        needs=("scored",),
    ),
    "what_if": Action(
        url=_url("what_if", _pk),
        post=lambda ctx: {f"c{ctx.answers['VP'].criterion_id}": "3", f"c{ctx.answers['TT'].criterion_id}": "1"},
        shows=lambda response, ctx: response.status_code == 200 and 'data-testid="what-if-rank"' in text(response),
    ),
    "prefill_refresh": Action(
        url=_url("prefill_refresh", _pk),
        post=lambda ctx: {},
        changes=lambda ctx: {f"answer:{VP_CODE}"},
        needs=("plan",),
    ),
    "remediation_create": Action(
        url=_url("remediation_create", _pk), post=lambda ctx: {}, changes=lambda ctx: {"plans"}
    ),
    "assessment_export: xlsx": _export("xlsx", "spreadsheetml", b"PK\x03\x04"),
    "assessment_export: docx": _export("docx", "wordprocessingml", b"PK\x03\x04"),
    "assessment_export: pdf": _export("pdf", "application/pdf", b"%PDF"),
    "assessment_export: zip": _export("zip", "zip", b"PK\x03\x04"),
    "evidence_list: GET": Action(
        url=_url("evidence_list", _pk),
        shows=lambda response, ctx: response.status_code == 200 and ctx.evidence.evidence.title in text(response),
        needs=("evidence",),
    ),
    "evidence_list: POST": Action(
        url=_url("evidence_list", _pk),
        post=lambda ctx: {
            "number": "99/BC-MT",
            "title": "Báo cáo kiểm chứng của ma trận quyền",
            # No criterion linked: whether a unit may link evidence to another unit's criterion is not settled here.
            "files": SimpleUploadedFile("bao-cao.pdf", PDF),
        },
        changes=lambda ctx: {"evidence"},
    ),
    "evidence_file": Action(
        url=lambda ctx: reverse("assessments:evidence_file", args=[ctx.evidence.pk]),
        shows=lambda response, ctx: response.status_code == 200 and body(response) == PDF,
        needs=("evidence",),
    ),
    "answer_panel: VP": Action(url=_url("answer_panel", _answer("VP")), shows=_panel_shown("VP")),
    "answer_panel: TT": Action(url=_url("answer_panel", _answer("TT")), shows=_panel_shown("TT")),
    "answer_save: VP": Action(
        url=_url("answer_save", _answer("VP")), post=_inputs, changes=lambda ctx: {f"answer:{VP_CODE}"}
    ),
    "answer_save: TT": Action(
        url=_url("answer_save", _answer("TT")), post=_inputs, changes=lambda ctx: {f"answer:{TT_CODE}"}
    ),
    "answer_calculate: VP": Action(
        url=_url("answer_calculate", _answer("VP")), post=lambda ctx: {"a": "20", "b": "17"}, shows=_calc_shown
    ),
    "answer_calculate: TT": Action(
        url=_url("answer_calculate", _answer("TT")), post=lambda ctx: {"a": "20", "b": "17"}, shows=_calc_shown
    ),
    "appraisal_save 1: VP": Action(
        url=lambda ctx: reverse("assessments:appraisal_save", args=[ctx.answers["VP"].pk, 1]),
        post=lambda ctx: {"points": "2", "note": "Thiếu tài liệu", "version": ctx.version},
        changes=lambda ctx: {f"answer:{VP_CODE}"},
    ),
    "appraisal_save 2: VP": Action(
        url=lambda ctx: reverse("assessments:appraisal_save", args=[ctx.answers["VP"].pk, 2]),
        post=lambda ctx: {"points": "2.5", "note": "Chấp nhận giải trình", "version": ctx.version},
        changes=lambda ctx: {f"answer:{VP_CODE}"},
    ),
    "reply_save: VP": Action(
        url=_url("reply_save", _answer("VP")),
        post=lambda ctx: {"reply": "Bổ sung báo cáo", "version": ctx.version},
        changes=lambda ctx: {f"answer:{VP_CODE}"},
    ),
    "reply_save: TT": Action(
        url=_url("reply_save", _answer("TT")),
        post=lambda ctx: {"reply": "Bổ sung báo cáo", "version": ctx.version},
        changes=lambda ctx: {f"answer:{TT_CODE}"},
    ),
    "survey_points_apply": Action(
        url=lambda ctx: reverse("surveys:survey_points_apply", args=[ctx.assessment.pk]),
        post=lambda ctx: {},
        changes=lambda ctx: SURVEY_FROM_CAMPAIGNS,
    ),
}

CASES = [pytest.param(action, state, id=f"{action}-{state}") for action in EXPECTED for state in STATES]


def test_the_matrix_covers_every_action_state_and_person():
    assert set(EXPECTED) == set(ACTIONS)
    # Every page of an assessment (opening a round is about no assessment: see test_permission_matrix).
    views = {action.split(":")[0].split(" ")[0] for action in ACTIONS}
    assert {url.name for url in assessment_urls.urlpatterns} - {"round_create"} <= views
    for action, states in EXPECTED.items():
        assert tuple(states) == STATES, action
        assert all(len(outcomes) == len(PERSONAS) for outcomes in states.values()), action


def _context(state: str, needs: tuple[str, ...]) -> SimpleNamespace:
    assessment = Assessment.objects.select_related("round", "organization").get(organization__code="dn-sct")
    today = timezone.localdate()
    AssessmentRound.objects.filter(pk=assessment.round_id).update(closes_on=today, explanation_deadline=today)
    Assessment.objects.filter(pk=assessment.pk).update(state=state)
    assessment.refresh_from_db()
    units = dict(Organization.objects.filter(code__in=["dn-sct-vp", "dn-sct-tt"]).values_list("code", "pk"))
    units = {"VP": units["dn-sct-vp"], "TT": units["dn-sct-tt"]}
    answers = {
        which: Answer.objects.select_related("criterion").get(assessment=assessment, criterion__code=code)
        for which, code in (("VP", VP_CODE), ("TT", TT_CODE))
    }
    # 1.1.2 led by Văn phòng alone: Thanh tra has no role on it.
    CriterionAssignment.objects.create(
        criterion=answers["VP"].criterion, organization_id=units["VP"], role=AssignmentRole.LEAD
    )
    roles = services.effective_assignments(assessment.round.criteria_set)
    assert roles[answers["VP"].criterion_id] == {units["VP"]: AssignmentRole.LEAD}
    assert units["VP"] not in roles[answers["TT"].criterion_id]
    Answer.objects.filter(pk__in=[a.pk for a in answers.values()]).update(explanation_requested=True)
    ctx = SimpleNamespace(
        assessment=assessment, state=state, units=units, answers=answers, evidence=None,
        unit_codes=dict(Organization.objects.values_list("pk", "code")),
        criterion_codes=dict(assessment.round.criteria_set.criteria.values_list("pk", "code")),
    )  # fmt: skip
    if "scored" in needs:  # every self-scored criterion answered (0 needs no evidence)
        assessment.answers.filter(criterion__scoring=Scoring.SELF, self_points=None).update(self_points=0)
    if "submitted" in needs:  # every lead unit has submitted: the coordinator may compile
        for unit_id, _ in services.units_not_submitted(assessment):
            UnitSubmission.objects.create(assessment=assessment, unit_id=unit_id)
    if "plan" in needs:  # a 2019 plan task linked to the VP criterion, done: a figure the system knows
        plan = Plan.objects.create(organization=assessment.organization, year=2019, title="Kế hoạch CCHC năm 2019")
        task = Task.objects.create(plan=plan, position=1, content="Báo cáo CCHC", criteria_codes=[VP_CODE])
        Occurrence.objects.create(
            task=task, key="2019", label="Năm 2019", due=date(2019, 12, 15), done_on=date(2019, 12, 1)
        )
    if "evidence" in needs:
        evidence = Evidence.objects.create(
            organization=assessment.organization, year=assessment.round.year, title="Quyết định kiểm chứng mẫu"
        )
        ctx.evidence = EvidenceFile.objects.create(
            evidence=evidence, file=ContentFile(PDF, name="qd.pdf"), original_name="qd.pdf", size=len(PDF),
            content_type="application/pdf",
        )  # fmt: skip
    return ctx


def snapshot(ctx) -> dict:
    """Everything an action on the assessment could change (three queries: it runs twice per person)."""
    assessment, organization = ctx.assessment.pk, ctx.assessment.organization_id
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT state FROM {Assessment._meta.db_table} WHERE id = %s),"
            f" (SELECT COUNT(*) FROM {Transition._meta.db_table} WHERE assessment_id = %s),"
            f" (SELECT COUNT(*) FROM {Evidence._meta.db_table} WHERE organization_id = %s),"
            f" (SELECT COUNT(*) FROM {Plan._meta.db_table} WHERE organization_id = %s)",
            [assessment, assessment, organization, organization],
        )
        state, transitions, evidence, plans = cursor.fetchone()
    answers = Answer.objects.filter(assessment_id=assessment).values_list(
        "criterion_id", "version", "inputs", "self_points", "justification", "appraised_1", "note_1", "appraised_2",
        "note_2", "reply",
    )  # fmt: skip
    return {
        "state": state,
        "transitions": transitions,
        "evidence": evidence,
        "plans": plans,
        "submissions": {
            ctx.unit_codes[unit]
            for unit in UnitSubmission.objects.filter(assessment_id=assessment).values_list("unit_id", flat=True)
        },
        "answers": {ctx.criterion_codes[row[0]]: row[1:] for row in answers},
    }


def changes_between(before: dict, after: dict) -> set[str]:
    changed = {key for key in ("state", "transitions", "evidence", "plans") if before[key] != after[key]}
    changed |= {f"submission:{code}" for code in before["submissions"] ^ after["submissions"]}
    changed |= {f"answer:{code}" for code, row in after["answers"].items() if before["answers"].get(code) != row}
    return changed


def observed(response, spec: Action, ctx, changed: set[str]) -> str:
    """What a person got, in the table's words."""
    if response.status_code == 302:
        if response.url.startswith(reverse("login")):
            return LOGIN
        levels = {m.level for m in get_messages(response.wsgi_request)}
        return DONE if message_levels.SUCCESS in levels else REFUSED if message_levels.ERROR in levels else "302"
    if response.status_code == 200:
        if spec.shows:
            return OK if spec.shows(response, ctx) else BLIND
        return OK if changed else CLOSED
    return {422: STATE, 403: DENY, 404: HIDE}.get(response.status_code, str(response.status_code))


@pytest.mark.parametrize(("action", "state"), CASES)
def test_each_person_gets_only_what_the_rules_allow(django_user_model, action, state):
    """One row of the table: each person in turn, each in a savepoint rolled back afterwards."""
    spec = ACTIONS[action]
    ctx = _context(state, spec.needs)
    ctx.version = ctx.answers["TT" if action.endswith(": TT") else "VP"].version
    users = {u.username: u for u in django_user_model.objects.filter(username__in=PERSONAS)}
    wrong = []
    for person, expected in zip(PERSONAS, EXPECTED[action][state], strict=True):
        with transaction.atomic():
            client = Client()
            if person:
                client.force_login(users[person])
            before = snapshot(ctx)
            url = spec.url(ctx)
            response = client.post(url, spec.post(ctx)) if spec.post else client.get(url)
            changed = changes_between(before, snapshot(ctx))
            got = observed(response, spec, ctx, changed)
            transaction.set_rollback(True)
        allowed = spec.changes(ctx) if spec.changes and expected in (OK, DONE) else set()
        if (got, changed) != (expected, allowed):
            wrong.append(
                f"{person or 'anonymous'}: expected {expected} changing {sorted(allowed) or 'nothing'}, "
                f"got {got} changing {sorted(changed) or 'nothing'}"
            )
    assert not wrong, f"{action} in state {state}:\n" + "\n".join(wrong)
