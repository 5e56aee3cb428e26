"""Plan write ownership: the services themselves refuse a user of another department (or one
without the role), so a management command or a future API cannot do what the pages refuse.
A Đồng Nai coordinator calling the services on Bình Phước's plan changes nothing."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest

from parindex.accounts.models import User
from parindex.core.errors import ApplicationError
from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import ExtensionRequest, ExtensionStatus, Occurrence, Plan, ProgressUpdate, Task

pytestmark = pytest.mark.usefixtures("demo")
TODAY = date(2026, 1, 5)


@contextmanager
def refused(constant: str):
    """Expect a refusal with the services' message `constant` (looked up after the call, so a
    call that is not refused at all fails as such)."""
    with pytest.raises(ApplicationError) as refusal:
        yield
    assert refusal.value.message == getattr(services, constant)


def person(username: str) -> User:
    return User.objects.get(username=username)


def bp_occurrence() -> Occurrence:
    """A not-yet-due occurrence whose lead unit is Bình Phước's Thanh tra."""
    return (
        Occurrence.objects.select_related("task__plan")
        .filter(
            task__plan__organization__code="bp-stnmt",
            task__plan__year=2026,
            review=False,
            done_on=None,
            due__gt=TODAY,
            task__units__organization__code="bp-stnmt-tt",
            task__units__role="lead",
        )
        .first()
    )


def bp_fields() -> services.PlanFields:
    return services.PlanFields(
        organization_id=Organization.objects.get(code="bp-stnmt").pk, year=2026, kind="annual", title="KH lạ"
    )


def test_another_departments_coordinator_cannot_create_a_plan_for_it():
    with refused("ERR_NOT_PLAN_MANAGER"):
        services.plan_create(fields=bp_fields(), by=person("dn.vanphong"))
    assert not Plan.objects.filter(title="KH lạ").exists()
    assert services.plan_create(fields=bp_fields(), by=person("vanphong")).pk  # its own coordinator may


def test_another_departments_coordinator_cannot_touch_its_tasks():
    occurrence = bp_occurrence()
    task = occurrence.task
    stranger = person("dn.vanphong")
    with refused("ERR_NOT_PLAN_MANAGER"):
        services.task_update(
            task=task, by=stranger, expected_version=task.version, number=task.number, group=task.group,
            content="Sửa trộm", product="", timing_text=task.timing_text, lead=[], coordinating=[], responsible="",
            criteria_codes=[], known_codes=None,
        )  # fmt: skip
    with refused("ERR_NOT_PLAN_MANAGER"):
        services.task_delete(task=task, by=stranger)
    with refused("ERR_NOT_PLAN_MANAGER"):
        services.task_create(
            plan=task.plan, by=stranger, number="99", group="", content="Thêm trộm", product="",
            timing_text="Quý IV/2026", lead=[], coordinating=[], responsible="", criteria_codes=[], known_codes=None,
        )  # fmt: skip
    assert Task.objects.get(pk=task.pk).content == task.content
    assert not Task.objects.filter(content="Thêm trộm").exists()


def test_another_department_cannot_report_finish_or_extend_its_work():
    occurrence = bp_occurrence()
    stranger = person("dn.vanphong")
    with refused("ERR_NOT_LEAD"):
        services.occurrence_mark_done(
            occurrence=occurrence, by=stranger, done_on=TODAY, product="x", expected_version=occurrence.version,
            today=TODAY,
        )  # fmt: skip
    with refused("ERR_NOT_LEAD"):
        services.extension_request(occurrence=occurrence, by=stranger, new_due=date(2027, 1, 31), reason="x",
                                   today=TODAY)  # fmt: skip
    with refused("ERR_NOT_ASSIGNED"):
        services.progress_add(occurrence=occurrence, by=stranger, text="x", percent=90)
    current = Occurrence.objects.get(pk=occurrence.pk)
    assert (current.done_on, current.percent) == (None, occurrence.percent)
    assert not ProgressUpdate.objects.filter(occurrence=occurrence, text="x").exists()
    assert not ExtensionRequest.objects.filter(occurrence=occurrence).exists()
    # The lead unit's own staff may.
    services.progress_add(occurrence=occurrence, by=person("chuyenvien"), text="Đang làm", percent=50)


def test_another_department_cannot_decide_its_extensions():
    occurrence = bp_occurrence()
    request = services.extension_request(
        occurrence=occurrence, by=person("truongphong"), new_due=date(2027, 1, 31), reason="Chờ số liệu", today=TODAY
    )
    with refused("ERR_NOT_DECIDER"):
        services.extension_decide(request=request, by=person("dn.vanphong"), approve=True)
    with refused("ERR_NOT_DECIDER"):
        services.extension_decide(request=request, by=person("chuyenvien"), approve=True)  # no role to decide
    assert ExtensionRequest.objects.get(pk=request.pk).status == ExtensionStatus.PENDING
    assert Occurrence.objects.get(pk=occurrence.pk).due == occurrence.due
    services.extension_decide(request=request, by=person("vanphong"), approve=True)


def test_unit_staff_cannot_edit_the_plan_itself():
    task = bp_occurrence().task
    with refused("ERR_NOT_PLAN_MANAGER"):
        services.task_delete(task=task, by=person("chuyenvien"))
    assert Task.objects.filter(pk=task.pk).exists()


# Found by the hostile review: only the form's choices kept a task to the plan's own units.
def test_a_task_is_never_handed_to_another_departments_unit_even_by_a_direct_call():
    from parindex.accounts.models import User
    from parindex.organizations.models import Organization
    from parindex.plans import services
    from parindex.plans.models import Plan

    plan = Plan.objects.get(organization__code="bp-stnmt", year=2026)
    with pytest.raises(services.ApplicationError, match="đơn vị của chính cơ quan"):
        services.task_create(
            plan=plan, by=User.objects.get(username="vanphong"), number="X", group="", content="Việc",
            product="", timing_text="Quý III/2026", lead=[Organization.objects.get(code="dn-sct-vp").pk],
            coordinating=[], responsible="", criteria_codes=[], known_codes=None,
        )  # fmt: skip
    assert not plan.tasks.filter(number="X").exists()
