"""Open-ended tasks ("Thường xuyên", "Theo yêu cầu") are worked through their monthly review
points, which never enter the completion ratio nor the reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from parindex.core.errors import ApplicationError
from parindex.notifications.models import Notification
from parindex.notifications.services import reminders_send
from parindex.organizations.models import Organization
from parindex.plans import services
from parindex.plans.models import Occurrence, Plan, PlanKind, Task
from parindex.plans.selectors import my_work, plan_completion_ratio, plan_overview
from parindex.plans.services import PlanFields

pytestmark = pytest.mark.usefixtures("demo")
TODAY = date(2025, 6, 16)
OPEN_AND_DEADLINE = {
    "kind": "all",
    "rules": [{"kind": "open", "label": "Thường xuyên"}, {"kind": "fixed", "date": "2025-06-06"}],
}


def make_plan(rule, *, year=2025, unit="bp-stnmt-tt"):
    plan = services.plan_create(
        by=None,
        fields=PlanFields(
            organization_id=Organization.objects.get(code="bp-stnmt").pk, year=year, kind=PlanKind.ANNUAL,
            title="Kế hoạch thường xuyên",
        )
    )  # fmt: skip
    task = Task.objects.create(plan=plan, position=1, number="1", content="Tuyên truyền CCHC", deadline_rule=rule)
    services.task_units_set(task=task, lead=[Organization.objects.get(code=unit).pk], coordinating=[])
    services.occurrences_generate(task=task, year=year)
    return plan, task


def test_the_plan_shows_the_current_review_point_outside_the_counts_and_the_ratio():
    plan, task = make_plan(OPEN_AND_DEADLINE)
    assert task.occurrences.filter(review=True).count() == 12
    overview = plan_overview(plan=plan, today=TODAY)
    (row,) = overview.tasks
    assert row.review.label == "Rà soát tháng 06/2025"
    assert row.review.status == "to_review"
    assert [r.occurrence.review for r in row.occurrences] == [False]
    # January–May review points are past and not done, yet nothing but the real deadline is overdue.
    assert overview.totals == {"overdue": 1}
    assert overview.ratio == (0, 1)
    assert plan_completion_ratio(plan=plan, today=TODAY) == (0, 1)
    assert overview.reviews == {"to_review": 1}


def test_a_review_point_marked_reviewed_does_not_change_the_ratio():
    plan, task = make_plan(OPEN_AND_DEADLINE)
    june = task.occurrences.get(review=True, due=date(2025, 6, 30))
    services.progress_add(occurrence=june, by=None, text="Đã đăng 3 tin", percent=50)
    services.occurrence_mark_done(
        occurrence=june, by=None, done_on=TODAY, product="3 tin bài", expected_version=1, today=TODAY
    )
    overview = plan_overview(plan=plan, today=TODAY)
    assert overview.tasks[0].review.status == "reviewed"
    assert overview.reviews == {"reviewed": 1}
    assert overview.ratio == (0, 1)
    assert plan_completion_ratio(plan=plan, today=TODAY) == (0, 1)
    assert june.updates.first().text == "Đã rà soát. Kết quả: 3 tin bài"


@pytest.mark.parametrize(
    ("today", "label"),
    [(date(2025, 6, 1), "06/2025"), (date(2026, 3, 1), "12/2025"), (date(2024, 11, 5), "01/2025")],
)
def test_the_current_review_point_is_this_month_else_the_latest_past_else_the_first(today, label):
    plan, _ = make_plan({"kind": "open", "label": "Theo yêu cầu"})
    assert plan_overview(plan=plan, today=today).tasks[0].review.label == f"Rà soát tháng {label}"


def test_the_status_filter_finds_open_ended_tasks_still_to_review():
    plan, _task = make_plan(OPEN_AND_DEADLINE)
    assert len(plan_overview(plan=plan, today=TODAY, status="to_review").tasks) == 1
    assert plan_overview(plan=plan, today=TODAY, status="reviewed").tasks == []
    assert len(plan_overview(plan=plan, today=TODAY, status="overdue").tasks) == 1


def test_my_work_lists_each_open_ended_task_once_with_its_review_point():
    _plan, task = make_plan({"kind": "open", "label": "Thường xuyên"})
    buckets = my_work(unit_ids={Organization.objects.get(code="bp-stnmt-tt").pk}, year=2025, today=TODAY)
    mine = [r for r in buckets["review"] if r.occurrence.task_id == task.pk]
    assert [r.label for r in mine] == ["Rà soát tháng 06/2025"]
    others = [r for k, rows in buckets.items() if k != "review" for r in rows if r.occurrence.task_id == task.pk]
    assert others == []


def test_a_unit_posts_progress_and_marks_the_review_point_from_the_pages(login_as):
    year = date.today().year - 1  # a past year: the current review point is December's
    plan, task = make_plan({"kind": "open", "label": "Thường xuyên"}, year=year)
    december = task.occurrences.get(review=True, due=date(year, 12, 31))
    viewer = login_as("lanhdao")
    page = viewer.get(plan.get_absolute_url()).content.decode()
    assert f"Rà soát tháng 12/{year}" in page
    assert 'data-testid="review-point"' in page
    assert '<span class="badge text-bg-info">Chưa rà soát</span>' in page
    staff = login_as("chuyenvien")
    session = staff.session
    session["working_year"] = year
    session.save()
    work = staff.get(reverse("plans:my_work")).content.decode()
    assert reverse("plans:occurrence_detail", args=[december.pk]) in work
    detail = staff.get(reverse("plans:occurrence_detail", args=[december.pk])).content.decode()
    assert "không tính vào tỷ lệ hoàn thành" in detail
    assert "Đề nghị gia hạn" not in detail
    staff.post(reverse("plans:occurrence_progress", args=[december.pk]), {"text": "Đã rà soát văn bản", "percent": 80})
    response = staff.post(
        reverse("plans:occurrence_done", args=[december.pk]),
        {"done_on": f"31/12/{year}", "product": "Báo cáo rà soát", "version": 1},
    )
    assert response.status_code == 302
    december.refresh_from_db()
    assert december.done_on == date(year, 12, 31)
    follow = staff.get(response.url).content.decode()
    assert f"Đã ghi nhận rà soát Rà soát tháng 12/{year}." in follow
    assert plan_completion_ratio(plan=plan, today=date.today()) == (0, 0)


def test_review_points_take_no_extension_and_no_reminder():
    _plan, task = make_plan({"kind": "open", "label": "Thường xuyên"})
    june = task.occurrences.get(review=True, due=date(2025, 6, 30))
    with pytest.raises(ApplicationError, match="không cần gia hạn"):
        services.extension_request(occurrence=june, by=None, new_due=date(2025, 7, 31), reason="x", today=TODAY)
    reminders_send(today=june.due - timedelta(days=7))
    reminders_send(today=date(2025, 8, 1))
    assert not Notification.objects.filter(occurrence__task=task).exists()


def test_the_quang_binh_demo_plan_shows_a_review_point_for_every_open_ended_task():
    plan = Plan.objects.get(organization__code="qb-stnmt", year=2021)
    today = date(2025, 1, 1)
    overview = plan_overview(plan=plan, today=today)
    open_ended = set(Occurrence.objects.filter(task__plan=plan, review=True).values_list("task_id", flat=True))
    assert len(open_ended) > 40
    assert {r.task.pk for r in overview.tasks if r.review} == open_ended
    assert {r.review.label for r in overview.tasks if r.review} == {"Rà soát tháng 12/2021"}
    assert overview.ratio == plan_completion_ratio(plan=plan, today=today)
    deadlines = Occurrence.objects.filter(task__plan=plan, review=False)
    assert overview.ratio[1] == deadlines.filter(due__lt=today).count()
