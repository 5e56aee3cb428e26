import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from parindex.notifications.models import Notification
from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import PlanKind, Task
from parindex.plans.services import PlanFields

pytestmark = pytest.mark.usefixtures("demo")
TODAY = date(2025, 3, 3)


@pytest.fixture
def task():
    plan = services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk,
            year=2025,
            kind=PlanKind.ANNUAL,
            title="KH nhắc việc",
        ),
    )
    rules = [{"kind": "fixed", "date": (TODAY + timedelta(days=d)).isoformat()} for d in (7, 1, -4, 30)]
    task = Task.objects.create(
        plan=plan, position=1, content="Báo cáo quý", deadline_rule={"kind": "all", "rules": rules}
    )
    services.task_units_set(task=task, lead=[Organization.objects.get(code="bp-stnmt-tt").pk], coordinating=[])
    services.occurrences_generate(task=task, year=2025)
    return task


def test_it_notifies_every_member_of_the_lead_unit_once_per_kind(task):
    out = io.StringIO()
    call_command("send_deadline_reminders", today=TODAY.isoformat(), stdout=out)
    assert out.getvalue().startswith("03/03/2025: 2 nhắc 7 ngày, 2 nhắc 1 ngày,")
    mine = Notification.objects.filter(occurrence__task=task)
    assert set(mine.values_list("user__username", flat=True)) == {"truongphong", "chuyenvien"}
    assert sorted(mine.values_list("kind", flat=True)) == ["due_1", "due_1", "due_7", "due_7", "overdue", "overdue"]
    overdue = mine.filter(kind="overdue", user__username="chuyenvien").get()
    assert overdue.message.startswith("Quá hạn 4 ngày (hạn 27/02/2025)")


def test_running_it_again_sends_nothing_twice(task):
    call_command("send_deadline_reminders", today=TODAY.isoformat(), stdout=io.StringIO())
    out = io.StringIO()
    call_command("send_deadline_reminders", today=TODAY.isoformat(), stdout=out)
    assert "0 nhắc 7 ngày, 0 nhắc 1 ngày, 0 quá hạn" in out.getvalue()
    assert Notification.objects.filter(occurrence__task=task).count() == 6


def test_done_occurrences_are_not_reminded(task):
    for occurrence in task.occurrences.all():
        occurrence.done_on = TODAY
        occurrence.save()
    call_command("send_deadline_reminders", today=TODAY.isoformat(), stdout=io.StringIO())
    assert not Notification.objects.filter(occurrence__task=task).exists()


def test_the_bell_shows_unread_notices_and_they_can_be_marked_read(task, login_as):
    call_command("send_deadline_reminders", today=TODAY.isoformat(), stdout=io.StringIO())
    client = login_as("chuyenvien")
    unread = Notification.objects.filter(user__username="chuyenvien", read_at__isnull=True).count()
    assert unread >= 3
    assert f"{unread} chưa đọc" in client.get(reverse("dashboard")).content.decode()
    assert "Quá hạn 4 ngày" in client.get(reverse("notifications:list")).content.decode()
    client.post(reverse("notifications:read_all"))
    assert "0 chưa đọc" in client.get(reverse("dashboard")).content.decode()
