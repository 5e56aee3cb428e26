"""Finding 9 (lost update, double import) and finding 12's extension decisions: two people
acting on the same thing at once never overwrite each other or save it twice, and the one who
comes second is told so instead of getting a 500 or a 404."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest
from django.urls import reverse

from parindex.organizations.models import Organization
from parindex.plans import services, views
from parindex.plans.models import ExtensionRequest, ExtensionStatus, Occurrence, Plan, Task

pytestmark = pytest.mark.usefixtures("demo")


def bp_task() -> Task:
    return Task.objects.filter(plan__organization__code="bp-stnmt", plan__year=2026).order_by("position").first()


def edit_form(client, task: Task) -> dict:
    """What the edit page's form would post, read from the page itself (its hidden version too)."""
    html = client.get(reverse("plans:task_edit", args=[task.pk])).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html)
    lead = list(task.units.filter(role="lead").values_list("organization_id", flat=True))
    data = {"content": task.content, "timing_text": task.timing_text or "Quý IV/2026", "lead": lead}
    if version:
        data["version"] = version.group(1)
    return data


def test_a_second_coordinator_saving_an_old_form_does_not_overwrite_the_first(login_as, client, django_user_model):
    task = bp_task()
    first = login_as("vanphong")
    mine = edit_form(first, task)
    from django.test import Client

    second = Client()
    second.force_login(django_user_model.objects.get(username="admin"))
    theirs = edit_form(second, task)

    assert (
        first.post(reverse("plans:task_edit", args=[task.pk]), {**mine, "content": "Bản của Văn phòng"}).status_code
        == 302
    )
    response = second.post(reverse("plans:task_edit", args=[task.pk]), {**theirs, "content": "Bản của quản trị"})
    assert response.status_code == 200
    assert services.ERR_TASK_STALE in response.content.decode()
    assert "Bản của quản trị" in response.content.decode()  # what they typed is kept on the form
    assert Task.objects.get(pk=task.pk).content == "Bản của Văn phòng"


PASTED = "STT\tNội dung\tThời gian\tChủ trì\n1\tRà soát TTHC\tQuý III/2026\tVăn phòng Sở\n2\tBáo cáo\tQuý IV/2026\tVăn phòng Sở\n"
TITLE = "KH nhập hai lần"


def test_two_confirms_of_one_preview_save_the_plan_once_and_the_second_links_it(login_as):
    client = login_as("vanphong")
    form = {"organization_id": Organization.objects.get(code="bp-stnmt").pk, "year": 2026, "kind": "annual",
            "title": TITLE, "pasted": PASTED}  # fmt: skip
    assert client.post(reverse("plans:plan_import"), form).status_code == 302
    # The second request left the browser before the first one finished: it carries the same
    # session (the preview still in it) and the same form.
    preview = copy.deepcopy(client.session[views.SESSION_APPENDIX])
    confirm = {"confirm": "1", "token": preview.get("token", "")}
    first = client.post(reverse("plans:plan_import_preview"), confirm)
    assert first.status_code == 302
    plan = Plan.objects.get(title=TITLE)
    assert first.url == plan.get_absolute_url()

    session = client.session
    session[views.SESSION_APPENDIX] = preview
    session.save()
    second = client.post(reverse("plans:plan_import_preview"), confirm, follow=True)
    assert Plan.objects.filter(title=TITLE).count() == 1
    assert plan.tasks.count() == 2
    assert second.redirect_chain[-1][0] == plan.get_absolute_url()
    assert services.ERR_ALREADY_IMPORTED in second.content.decode()

    # A third press once the preview is gone (a refresh of the POST) links the same plan.
    third = client.post(reverse("plans:plan_import_preview"), confirm, follow=True)
    assert third.redirect_chain[-1][0] == plan.get_absolute_url()
    assert Plan.objects.filter(title=TITLE).count() == 1


def test_the_import_service_claims_its_token_once():
    fields = services.PlanFields(organization_id=Organization.objects.get(code="bp-stnmt").pk, year=2026,
                                 kind="annual", title=TITLE)  # fmt: skip
    from parindex.plans.appendix import TaskDraft

    drafts = [TaskDraft(line=1, number="1", group="", content="Việc", timing="Quý III/2026",
                        deadline_rule={"kind": "period", "start": ["quarter", 3], "end": ["quarter", 3], "year": 2026})]  # fmt: skip
    plan = services.plan_import(fields=fields, drafts=drafts, unit_choices={}, by=None, import_token="t-1")
    with pytest.raises(services.PlanAlreadyImported) as again:
        services.plan_import(fields=fields, drafts=drafts, unit_choices={}, by=None, import_token="t-1")
    assert again.value.plan == plan
    assert Plan.objects.filter(title=TITLE).count() == 1


def pending_extension() -> ExtensionRequest:
    occurrence = (
        Occurrence.objects.filter(
            task__plan__organization__code="bp-stnmt", task__plan__year=2026, review=False, done_on=None
        )
        .exclude(due=None)
        .first()
    )
    return ExtensionRequest.objects.create(
        occurrence=occurrence, old_due=occurrence.due, new_due=date(2027, 1, 15), reason="Chờ số liệu"
    )


def test_three_decisions_on_one_extension_apply_one_and_tell_the_others(login_as):
    request = pending_extension()
    client = login_as("vanphong")
    url = reverse("plans:extension_decide", args=[request.pk])
    answers = [client.post(url, {"decision": decision}, follow=True) for decision in ("approve", "refuse", "approve")]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all(a.redirect_chain[-1][0] == reverse("plans:extension_list") for a in answers)
    assert "Đã đồng ý gia hạn." in answers[0].content.decode()
    for late in answers[1:]:
        assert services.ERR_EXTENSION_DECIDED in late.content.decode()
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED
    assert Occurrence.objects.get(pk=request.occurrence_id).due == date(2027, 1, 15)


def test_concurrent_decisions_loaded_while_pending_let_exactly_one_through():
    request = pending_extension()
    seen = [ExtensionRequest.objects.get(pk=request.pk) for _ in range(3)]  # three pages opened while pending
    services.extension_decide(request=seen[0], by=None, approve=False, note="Không đủ lý do")
    for late in seen[1:]:
        with pytest.raises(services.ApplicationError, match=services.ERR_EXTENSION_DECIDED):
            services.extension_decide(request=late, by=None, approve=True)
    request.refresh_from_db()
    assert request.status == ExtensionStatus.REFUSED
    assert Occurrence.objects.get(pk=request.occurrence_id).due == request.old_due


def test_a_confirm_that_loses_the_race_inside_the_save_finds_the_winners_plan(monkeypatch):
    """The other request commits between this one's check and its INSERT: the unique token
    refuses the second plan and the loser is pointed at the winner's."""
    fields = services.PlanFields(organization_id=Organization.objects.get(code="bp-stnmt").pk, year=2026,
                                 kind="annual", title=TITLE)  # fmt: skip
    from parindex.plans.appendix import TaskDraft

    drafts = [TaskDraft(line=1, number="1", group="", content="Việc", timing="Quý III/2026",
                        deadline_rule={"kind": "period", "start": ["quarter", 3], "end": ["quarter", 3], "year": 2026})]  # fmt: skip
    winner = {}
    calendar = services.working_calendar

    def meanwhile(*args, **kwargs):
        winner["plan"] = Plan.objects.create(import_token="t-race", **fields.__dict__)
        return calendar(*args, **kwargs)

    monkeypatch.setattr(services, "working_calendar", meanwhile)
    with pytest.raises(services.PlanAlreadyImported) as lost:
        services.plan_import(fields=fields, drafts=drafts, unit_choices={}, by=None, import_token="t-race")
    assert lost.value.plan == winner["plan"]
    assert Plan.objects.filter(title=TITLE).count() == 1
    assert not winner["plan"].tasks.exists()
