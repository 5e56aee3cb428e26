"""A coordinator adds a task to an existing plan and deletes one, with everything hanging off it."""

from __future__ import annotations

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import Occurrence, PlanKind, ProgressUpdate, Task
from parindex.plans.services import PlanFields

pytestmark = pytest.mark.usefixtures("demo")


def empty_plan(year=2025):
    return services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk,
            year=year,
            kind=PlanKind.ANNUAL,
            title="Kế hoạch trống",
        ),
    )


def unit(code):
    return Organization.objects.get(code=code).pk


def test_a_coordinator_adds_a_task_with_its_units_and_occurrences(login_as):
    plan = empty_plan()
    client = login_as("vanphong")
    assert "Thêm nhiệm vụ" in client.get(plan.get_absolute_url()).content.decode()
    form = {
        "number": "1",
        "content": "Báo cáo CCHC hằng tháng",
        "timing_text": "Ngày 25 hằng tháng",
        "lead": [unit("bp-stnmt-tt")],
        "coordinating": [unit("bp-stnmt-vp")],
        "criteria_codes": "",
    }
    response = client.post(reverse("plans:task_create", args=[plan.pk]), form)
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    task = plan.tasks.get()
    assert task.position == 1
    assert task.deadline_rule == {"kind": "monthly", "day": 25}
    assert dict(task.units.values_list("organization__code", "role")) == {
        "bp-stnmt-tt": "lead",
        "bp-stnmt-vp": "coordinating",
    }
    assert task.occurrences.count() == 12
    assert task.occurrences.order_by("due").first().due == date(2025, 1, 25)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Báo cáo CCHC hằng tháng" in page
    assert "Tháng 1/2025" in page

    second = client.post(
        reverse("plans:task_create", args=[plan.pk]),
        {**form, "number": "2", "content": "Kiểm tra", "timing_text": "Quý III/2025", "coordinating": []},
    )
    assert second.status_code == 302
    added = plan.tasks.get(number="2")
    assert added.position == 2
    assert added.occurrences.get().due == date(2025, 9, 30)


def test_an_unreadable_timing_adds_nothing_and_keeps_the_input(login_as):
    plan = empty_plan()
    html = (
        login_as("vanphong")
        .post(
            reverse("plans:task_create", args=[plan.pk]),
            {"content": "Nhiệm vụ mới", "timing_text": "lúc nào rảnh", "lead": [unit("bp-stnmt-tt")]},
        )
        .content.decode()
    )
    assert "Không hiểu thời gian “lúc nào rảnh”" in html
    assert "Nhiệm vụ mới</textarea>" in html
    assert not plan.tasks.exists()


def test_units_of_another_department_cannot_be_chosen(login_as):
    plan = empty_plan()
    html = (
        login_as("vanphong")
        .post(
            reverse("plans:task_create", args=[plan.pk]),
            {"content": "X", "timing_text": "Quý IV/2025", "lead": [unit("kh-stnmt-tt")]},
        )
        .content.decode()
    )
    assert "is-invalid" in html or "invalid-feedback" in html
    assert not plan.tasks.exists()


def test_deleting_a_task_removes_its_occurrences_and_progress_and_is_audited(login_as):
    plan = empty_plan()
    services.task_create(
        by=None,
        plan=plan, number="1", group="", content="Báo cáo sẽ xóa", product="", timing_text="Ngày 25 hằng tháng",
        lead=[unit("bp-stnmt-tt")], coordinating=[], responsible="", criteria_codes=[], known_codes=None,
    )  # fmt: skip
    keep = services.task_create(
        by=None,
        plan=plan, number="2", group="", content="Giữ lại", product="", timing_text="Quý IV/2025",
        lead=[unit("bp-stnmt-tt")], coordinating=[], responsible="", criteria_codes=[], known_codes=None,
    )  # fmt: skip
    task = plan.tasks.get(number="1")
    worked = task.occurrences.order_by("due").first()
    services.progress_add(occurrence=worked, by=None, text="đã làm", percent=50)
    occurrence_ids = list(task.occurrences.values_list("pk", flat=True))
    client = login_as("vanphong")
    confirm = client.get(reverse("plans:task_delete", args=[task.pk])).content.decode()
    assert "12</strong> kỳ thực hiện" in confirm
    assert "1</strong> lần cập nhật tiến độ" in confirm
    assert Task.objects.filter(pk=task.pk).exists()  # GET only asks

    response = client.post(reverse("plans:task_delete", args=[task.pk]))
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()
    assert not Task.objects.filter(pk=task.pk).exists()
    assert not Occurrence.objects.filter(pk__in=occurrence_ids).exists()
    assert not ProgressUpdate.objects.filter(occurrence_id__in=occurrence_ids).exists()
    assert list(plan.tasks.all()) == [keep]
    deleted = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Task), object_pk=str(task.pk), action=LogEntry.Action.DELETE
    ).get()
    assert deleted.actor.username == "vanphong"
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Giữ lại" in page
    assert "Báo cáo sẽ xóa" not in page


def test_a_leader_may_neither_add_nor_delete(login_as):
    plan = empty_plan()
    client = login_as("lanhdao")
    assert client.get(reverse("plans:task_create", args=[plan.pk])).status_code == 403
    assert "Thêm nhiệm vụ" not in client.get(plan.get_absolute_url()).content.decode()
