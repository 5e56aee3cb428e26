"""Marking done, progress and extension decisions use conditional update() calls (atomic version
and status checks), which bypass django-auditlog's save signal; the services write the entries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from parindex.accounts.models import User
from parindex.core.errors import ApplicationError
from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import ExtensionRequest, Occurrence, PlanKind, Task
from parindex.plans.services import PlanFields

pytestmark = pytest.mark.usefixtures("demo")
TODAY = date(2025, 6, 16)


def occurrence(due: date) -> Occurrence:
    plan = services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk, year=2025, kind=PlanKind.ANNUAL,
            title="Kế hoạch thử",
        )
    )  # fmt: skip
    task = Task.objects.create(
        plan=plan, position=1, number="1", content="Báo cáo", deadline_rule={"kind": "fixed", "date": due.isoformat()}
    )
    services.task_units_set(task=task, lead=[Organization.objects.get(code="bp-stnmt-tt").pk], coordinating=[])
    services.occurrences_generate(task=task, year=2025)
    return Occurrence.objects.select_related("task__plan").get(task=task)


def updates_of(instance) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(instance),
            object_pk=str(instance.pk),
            action=LogEntry.Action.UPDATE,
        ).order_by("timestamp", "pk")
    )


def test_marking_done_is_audited_with_the_actor_and_the_organization():
    user = User.objects.get(username="chuyenvien")
    target = occurrence(TODAY - timedelta(days=2))
    services.occurrence_mark_done(
        occurrence=target, by=user, done_on=TODAY, product="CV 12/BC", expected_version=0, today=TODAY
    )
    (entry,) = updates_of(target)
    assert entry.actor == user
    assert entry.changes_dict == {
        "done_on": ["None", "2025-06-16"],
        "done_product": ["", "CV 12/BC"],
        "percent": ["0", "100"],
    }
    assert entry.additional_data["organization_id"] == Organization.objects.get(code="bp-stnmt").pk
    assert entry.additional_data["task_id"] == target.task_id


def test_a_refused_stale_mark_done_writes_no_entry():
    target = occurrence(TODAY + timedelta(days=5))
    services.progress_add(occurrence=target, by=None, text="x", percent=30)
    assert [e.changes_dict for e in updates_of(target)] == [{"percent": ["0", "30"]}]
    with pytest.raises(ApplicationError, match="Người khác vừa cập nhật"):
        services.occurrence_mark_done(
            occurrence=target, by=None, done_on=TODAY, product="x", expected_version=0, today=TODAY
        )
    assert len(updates_of(target)) == 1


def test_approving_an_extension_audits_the_decision_and_the_new_due_date(login_as):
    target = occurrence(TODAY + timedelta(days=5))
    request = services.extension_request(
        occurrence=target, by=None, new_due=TODAY + timedelta(days=20), reason="Chờ số liệu", today=TODAY
    )
    client = login_as("vanphong")
    client.post(reverse("plans:extension_decide", args=[request.pk]), {"decision": "approve", "note": "Đồng ý"})
    coordinator = User.objects.get(username="vanphong")
    (decision,) = updates_of(request)
    assert decision.actor == coordinator
    assert decision.changes_dict == {
        "status": ["pending", "approved"],
        "decided_by": ["None", str(coordinator.pk)],
        "decision_note": ["", "Đồng ý"],
    }
    (due,) = updates_of(target)
    assert due.actor == coordinator
    assert due.changes_dict == {"due": ["2025-06-21", "2025-07-06"]}
    assert ExtensionRequest.objects.get(pk=request.pk).status == "approved"
    page = login_as("admin").get(reverse("audit_log")).content.decode()  # the department's audit page shows them
    assert "Đã đồng ý" in page  # the status change, with its choice label
    assert "2025-07-06" in page


def test_refusing_an_extension_audits_the_decision_only():
    target = occurrence(TODAY + timedelta(days=5))
    request = services.extension_request(
        occurrence=target, by=None, new_due=TODAY + timedelta(days=20), reason="r", today=TODAY
    )
    services.extension_decide(request=request, by=None, approve=False)
    (decision,) = updates_of(request)
    assert decision.changes_dict == {"status": ["pending", "refused"]}
    assert updates_of(target) == []
