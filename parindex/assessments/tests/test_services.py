from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from parindex.assessments import services
from parindex.assessments.models import Answer, Assessment, State, Transition
from parindex.assessments.selectors import points_lost, round_results, sheet_for
from parindex.core.errors import ApplicationError
from parindex.criteria.models import CriteriaSet
from parindex.organizations.models import Membership, Organization
from parindex.plans import services as plan_services
from parindex.plans.models import PlanKind, Task
from parindex.plans.remediation import remediation_plan_create

pytestmark = pytest.mark.usefixtures("demo")
TODAY = date(2019, 11, 15)


def open_round(*codes, today=TODAY):
    return services.round_open(
        criteria_set=CriteriaSet.objects.get(code="dn-sct-2019"),
        year=2019,
        title="Đợt thử",
        opens_on=today,
        closes_on=today + timedelta(days=20),
        explanation_deadline=today + timedelta(days=40),
        organization_ids=[Organization.objects.get(code=c).pk for c in codes or ("dn-sct",)],
        by=None,
        today=today,
    )


def user(username):
    from parindex.accounts.models import User

    return User.objects.get(username=username)


def head_of(unit_id):
    return Membership.objects.filter(organization_id=unit_id, role="unit_head").select_related("user").first().user


def step(assessment, state, *, by=None):
    """A workflow step by who may take it: the coordinator compiles, the appraiser does the rest
    (confirming what is missing: these tests leave the survey area empty)."""
    actor = by or user("dn.vanphong" if state == State.SUBMITTED else "dn.thamdinh")
    services.assessment_transition(assessment=assessment, to_state=state, by=actor, confirmed=True)


def answer(assessment, code):
    return Answer.objects.select_related("criterion", "assessment__round").get(
        assessment=assessment, criterion__code=code
    )


def save(a, inputs, *, version=None, justification="Báo cáo số 15/BC", reason="", today=TODAY):
    return services.answer_save(
        answer=a,
        raw_inputs=inputs,
        justification=justification,
        override_reason=reason,
        expected_version=a.version if version is None else version,
        by=user("dn.vanphong"),
        today=today,
    )


def test_opening_a_round_creates_one_answer_per_leaf_criterion():
    assessment = open_round().assessments.get()
    assert assessment.answers.count() == 67
    assert assessment.state == State.DRAFT


def test_plan_completion_is_prefilled_with_its_source():
    dn = Organization.objects.get(code="dn-sct")
    plan = plan_services.plan_create(
        by=None,
        fields=plan_services.PlanFields(organization_id=dn.pk, year=2019, kind=PlanKind.ANNUAL, title="KH CCHC 2019"),
    )
    for i in range(4):
        task = Task.objects.create(
            plan=plan, position=i, content=f"Việc {i}", deadline_rule={"kind": "fixed", "date": f"2019-0{i + 3}-10"}
        )
        plan_services.occurrences_generate(task=task, year=2019)
        if i < 3:
            task.occurrences.update(done_on=date(2019, 3, 10))
    a = answer(open_round().assessments.get(), "1.1.2")
    assert a.inputs == {"a": 4, "b": 3}
    assert a.self_points == 0  # 75 % < 85 %
    assert a.prefill_source.startswith("kế hoạch “KH CCHC 2019”: 3/4 kỳ đến hạn đã hoàn thành")
    with pytest.raises(ApplicationError, match="hãy ghi lý do sửa"):
        save(a, {"a": 4, "b": 4})
    save(a, {"a": 4, "b": 4}, reason="Nhiệm vụ 4 hoàn thành nhưng chưa cập nhật", justification="x")
    assert Answer.objects.get(pk=a.pk).self_points == 3


def test_refreshing_known_figures_follows_the_plan_but_never_what_a_person_saved(django_user_model):
    dn = Organization.objects.get(code="dn-sct")
    plan = plan_services.plan_create(
        by=None,
        fields=plan_services.PlanFields(organization_id=dn.pk, year=2019, kind=PlanKind.ANNUAL, title="KH CCHC 2019"),
    )
    tasks = []
    for i in range(4):
        task = Task.objects.create(
            plan=plan, position=i, content=f"Việc {i}", deadline_rule={"kind": "fixed", "date": f"2019-0{i + 3}-10"}
        )
        plan_services.occurrences_generate(task=task, year=2019)
        tasks.append(task)
    assessment = open_round().assessments.get()
    assert answer(assessment, "1.1.2").inputs == {"a": 4, "b": 0}
    for task in tasks:
        task.occurrences.update(done_on=date(2019, 3, 10))
    assert services.prefill_refresh(assessment=assessment, by=user("dn.vanphong"), today=TODAY) >= 1
    assert answer(assessment, "1.1.2").inputs == {"a": 4, "b": 4}
    assert answer(assessment, "1.1.2").self_points == 3
    a = answer(assessment, "1.1.2")
    services.answer_save(
        answer=a, raw_inputs={"a": 4, "b": 3}, justification="x", override_reason="Một việc chưa đạt yêu cầu",
        expected_version=a.version, by=django_user_model.objects.get(username="dn.truongphong"), today=TODAY,
    )  # fmt: skip
    services.prefill_refresh(assessment=assessment, by=user("dn.vanphong"), today=TODAY)
    assert answer(assessment, "1.1.2").inputs == {"a": 4, "b": 3}


def test_a_person_saving_while_known_figures_refresh_is_never_overwritten(django_user_model, monkeypatch):
    assessment = open_round().assessments.get()
    head = django_user_model.objects.get(username="dn.truongphong")
    real = services.known_inputs

    def a_person_saves_meanwhile(*, assessment, criterion, today, occurrences=None):
        if criterion.code == "1.1.2":
            a = answer(assessment, "1.1.2")
            services.answer_save(
                answer=a, raw_inputs={"a": 20, "b": 20}, justification="BC 15", override_reason="",
                expected_version=a.version, by=head, today=TODAY,
            )  # fmt: skip
            return {"a": 4, "b": 1}, "kế hoạch thử"
        return real(assessment=assessment, criterion=criterion, today=today, occurrences=occurrences)

    monkeypatch.setattr(services, "known_inputs", a_person_saves_meanwhile)
    services.prefill_refresh(assessment=assessment, by=user("dn.vanphong"), today=TODAY)
    saved = answer(assessment, "1.1.2")
    assert saved.inputs == {"a": 20, "b": 20}
    assert saved.updated_by == head
    assert saved.prefill_source == ""


def test_saving_scores_with_the_engine_and_refuses_impossible_inputs():
    a = answer(open_round().assessments.get(), "1.1.2")
    save(a, {"a": "20", "b": "17"})
    saved = Answer.objects.get(pk=a.pk)
    assert saved.self_points == D("2.55")
    assert saved.self_explanation == "Tỷ lệ 17/20 = 85,00 % ≥ 85 % → 85,00 % × 3 = 2,55 điểm"
    with pytest.raises(ApplicationError, match="không được lớn hơn tổng số"):
        save(saved, {"a": "20", "b": "21"})
    assert Answer.objects.get(pk=a.pk).self_points == D("2.55")


def test_two_people_editing_the_same_criterion_never_overwrite_silently():
    a = answer(open_round().assessments.get(), "1.1.2")
    first, second = Answer.objects.get(pk=a.pk), Answer.objects.get(pk=a.pk)
    first.assessment = second.assessment = a.assessment
    save(first, {"a": 20, "b": 20})
    with pytest.raises(ApplicationError, match="Người khác vừa lưu"):
        save(second, {"a": 20, "b": 10})
    assert Answer.objects.get(pk=a.pk).self_points == 3


def test_every_score_change_is_in_the_audit_trail_with_its_author(django_user_model):
    from auditlog.models import LogEntry

    author = django_user_model.objects.get(username="dn.truongphong")
    a = answer(open_round().assessments.get(), "1.1.2")
    services.answer_save(
        answer=a, raw_inputs={"a": "20", "b": "17"}, justification="BC 15", override_reason="",
        expected_version=a.version, by=author, today=TODAY,
    )  # fmt: skip
    entry = LogEntry.objects.get_for_object(a).latest("timestamp")
    assert entry.actor == author
    assert entry.changes["self_points"] == ["None", "2.55"]
    assert entry.changes["justification"] == ["", "BC 15"]
    a = answer(a.assessment, "1.1.2")
    save(a, {"a": "20", "b": "17"}, justification="BC 15")  # nothing changed: nothing logged
    assert LogEntry.objects.get_for_object(a).count() == 1


def test_editing_after_the_deadline_is_refused():
    a = answer(open_round().assessments.get(), "1.1.2")
    with pytest.raises(ApplicationError, match="Đã quá hạn tự đánh giá"):
        save(a, {"a": 20, "b": 20}, today=TODAY + timedelta(days=21))


def test_a_unit_submission_needs_every_criterion_and_locks_the_unit():
    assessment = open_round().assessments.get()
    vp = Organization.objects.get(code="dn-sct-vp").pk
    with pytest.raises(ApplicationError, match="chưa chấm"):
        services.unit_submit(assessment=assessment, unit_id=vp, by=head_of(vp), today=TODAY)
    roles = services.effective_assignments(assessment.round.criteria_set)
    for a in assessment.answers.select_related("criterion"):
        if roles.get(a.criterion_id, {}).get(vp) == "lead" and a.criterion.scoring == "self":
            a.self_points, a.justification = D(0), "chưa thực hiện"
            a.save()
    services.unit_submit(assessment=assessment, unit_id=vp, by=head_of(vp), today=TODAY)
    locked = answer(assessment, "1.1.1")
    with pytest.raises(ApplicationError, match="đã khóa"):
        save(locked, {"ticked": ["on_time"]})


def test_a_coordinating_units_submission_does_not_lock_the_lead_units_criterion():
    assessment = open_round().assessments.get()
    inspection = Organization.objects.get(code="dn-sct-tt").pk  # coordinating on 1.1.2, led by Văn phòng
    fill_all(assessment, submit_units=False)
    services.unit_submit(assessment=assessment, unit_id=inspection, by=head_of(inspection), today=TODAY)
    save(answer(assessment, "1.1.2"), {"a": 20, "b": 18}, justification="BC 15")
    assert answer(assessment, "1.1.2").self_points == D("2.7")


def fill_all(assessment, points=None, *, submit_units=True):
    for a in assessment.answers.select_related("criterion"):
        if a.criterion.scoring == "self":
            a.self_points = a.criterion.max_points if points is None else points
            a.justification = "Có tài liệu lưu"
            a.save()
    # Points set straight, as a bulk load would: refresh the stored totals as its rebuild does.
    services.assessment_totals_refresh(assessment_id=assessment.pk)
    if submit_units:
        for unit_id, _ in services.units_not_submitted(assessment):
            services.unit_submit(assessment=assessment, unit_id=unit_id, by=head_of(unit_id), today=TODAY)


def test_the_coordinator_compiles_only_after_every_lead_unit_submitted():
    assessment = open_round().assessments.get()
    fill_all(assessment, submit_units=False)
    waiting = services.units_not_submitted(assessment)
    assert [name for _, name in waiting] == sorted(name for _, name in waiting)
    assert "Văn phòng" in [name for _, name in waiting]
    assert "Phòng Quản lý Thương mại" not in [name for _, name in waiting]  # leads criteria, has no unit head
    with pytest.raises(ApplicationError, match=f"Còn {len(waiting)} đơn vị chưa gửi kết quả tự chấm"):
        step(assessment, State.SUBMITTED)
    for unit_id, _ in waiting:
        services.unit_submit(assessment=assessment, unit_id=unit_id, by=head_of(unit_id), today=TODAY)
    step(assessment, State.SUBMITTED)
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED


def test_points_without_evidence_need_a_justification_before_submission():
    assessment = open_round().assessments.get()
    fill_all(assessment)
    assessment.answers.filter(criterion__code="1.2.1").update(justification="")
    with pytest.raises(ApplicationError, match=r"1\.2\.1 có điểm nhưng chưa có tài liệu kiểm chứng"):
        step(assessment, State.SUBMITTED)


def test_the_workflow_cannot_skip_a_state_and_every_step_is_recorded():
    assessment = open_round().assessments.get()
    fill_all(assessment)
    with pytest.raises(ApplicationError, match="phải đi lần lượt"):
        step(assessment, State.APPRAISAL_1)
    for state in [
        State.SUBMITTED,
        State.APPRAISAL_1,
        State.EXPLANATION,
        State.APPRAISAL_2,
        State.FINALIZED,
        State.PUBLISHED,
    ]:
        step(assessment, state)
    assert Assessment.objects.get(pk=assessment.pk).state == State.PUBLISHED
    assert Transition.objects.filter(assessment=assessment).count() == 6


def test_appraisal_rounds_explanations_and_the_final_column():
    assessment = open_round().assessments.get()
    fill_all(assessment)
    step(assessment, State.SUBMITTED)
    a = answer(assessment, "1.1.2")
    with pytest.raises(ApplicationError, match="vòng 1"):
        services.appraisal_save(
            answer=a,
            round_number=1,
            points=D(1),
            note="",
            request_explanation=False,
            expected_version=a.version,
            by=user("dn.thamdinh"),
        )
    step(assessment, State.APPRAISAL_1)
    a = answer(assessment, "1.1.2")
    with pytest.raises(ApplicationError, match="từ 0 đến 3"):
        services.appraisal_save(
            answer=a,
            round_number=1,
            points=D(4),
            note="",
            request_explanation=False,
            expected_version=a.version,
            by=user("dn.thamdinh"),
        )
    services.appraisal_save(
        answer=a,
        round_number=1,
        points=D("1.5"),
        note="Thiếu kiểm chứng 2 nhiệm vụ",
        request_explanation=True,
        expected_version=a.version,
        by=user("dn.thamdinh"),
    )
    bonus = answer(assessment, "9.1")
    services.appraisal_save(
        answer=bonus,
        round_number=1,
        points=D(-2),
        note="2 nhiệm vụ không đạt",
        request_explanation=False,
        expected_version=bonus.version,
        by=user("dn.thamdinh"),
    )
    step(assessment, State.EXPLANATION)
    a = answer(assessment, "1.1.2")
    with pytest.raises(ApplicationError, match="quá hạn giải trình"):
        services.reply_save(
            answer=a, reply="muộn", expected_version=a.version, by=user("dn.vanphong"), today=TODAY + timedelta(days=41)
        )
    services.reply_save(
        answer=a, reply="Bổ sung báo cáo số 12", expected_version=a.version, by=user("dn.vanphong"), today=TODAY
    )
    with pytest.raises(ApplicationError, match="Người khác vừa lưu"):
        services.reply_save(
            answer=a, reply="ghi đè bản cũ", expected_version=a.version, by=user("dn.vanphong"), today=TODAY
        )
    with pytest.raises(ApplicationError, match="không có yêu cầu giải trình"):
        services.reply_save(
            answer=answer(assessment, "1.2.1"), reply="x", expected_version=0, by=user("dn.vanphong"), today=TODAY
        )
    step(assessment, State.APPRAISAL_2)
    a = answer(assessment, "1.1.2")
    services.appraisal_save(
        answer=a,
        round_number=2,
        points=D("2.5"),
        note="Chấp nhận một phần",
        request_explanation=False,
        expected_version=a.version,
        by=user("dn.thamdinh"),
    )
    sheet = sheet_for(assessment=assessment)
    row = next(r for r in sheet.rows if r.criterion.code == "1.1.2")
    assert (row.points["self"], row.points["round1"], row.points["final"]) == (D(3), D("1.5"), D("2.5"))
    assert row.difference == D("-0.5")
    area9 = next(r for r in sheet.rows if r.criterion.code == "9")
    assert area9.points["final"] < 3
    lost_codes = [r.criterion.code for r in points_lost(sheet)]
    assert "1.1.2" in lost_codes


def test_survey_criteria_wait_for_survey_results():
    sheet = sheet_for(assessment=open_round().assessments.get())
    row = next(r for r in sheet.rows if r.criterion.code == "10.1")
    assert row.survey_pending


def _published(year: int, code: str, points=None, title="Đợt năm trước"):
    assessment = services.round_open(
        criteria_set=CriteriaSet.objects.get(code="dn-sct-2019"), year=year, title=title, opens_on=TODAY,
        closes_on=TODAY + timedelta(days=20), explanation_deadline=TODAY + timedelta(days=40),
        organization_ids=[Organization.objects.get(code=code).pk], by=None, today=TODAY,
    ).assessments.get()  # fmt: skip
    fill_all(assessment, points, submit_units=False)
    # Last year's result, set straight: the organizations' tree (hence anyone's role) starts in 2019.
    Assessment.objects.filter(pk=assessment.pk).update(state=State.FINALIZED)
    return assessment


def test_the_comparison_with_last_year_uses_each_organizations_own_assessment():
    own = _published(2018, "dn-sct", points=D("0.5"))
    _published(2018, "dn-stc", title="Một đợt khác, mở sau")  # must not hide dn-sct's own 2018 result
    this_year = open_round("dn-sct")
    row = next(r for r in round_results(assessment_round=this_year) if r.assessment.organization.code == "dn-sct")
    assert row.previous == sheet_for(assessment=own).index()
    assert row.change == row.index - row.previous


def test_ranking_gives_ties_the_same_rank():
    assessment_round = open_round("dn-sct", "bp-stnmt", "qb-stnmt")
    for assessment in assessment_round.assessments.all():
        fill_all(assessment, D(0) if assessment.organization.code == "qb-stnmt" else None)
    results = round_results(assessment_round=assessment_round)
    assert [(r.assessment.organization.code, r.rank) for r in results] == [
        ("bp-stnmt", 1),
        ("dn-sct", 1),
        ("qb-stnmt", 3),
    ]
    assert results[0].index > results[2].index


def test_points_lost_become_a_remediation_plan_draft_with_lead_units():
    assessment = open_round().assessments.get()
    fill_all(assessment)
    assessment.answers.filter(criterion__code="1.2.1").update(self_points=0)
    lost = points_lost(sheet_for(assessment=assessment))
    plan = remediation_plan_create(assessment=assessment, lost=lost, by=user("dn.vanphong"))
    assert plan.year == 2020
    assert plan.kind == PlanKind.REMEDIATION
    task = next(t for t in plan.tasks.all() if t.criteria_codes == ["1.2.1"])
    assert "mất 1 điểm" in task.content
    assert task.units.filter(role="lead", organization__code="dn-sct-vp").exists()
    assert task.occurrences.get().due == date(2020, 12, 31)


def test_a_criterion_that_branches_on_another_follows_its_points_when_they_change():
    plan = CriteriaSet.objects.get(code="dn-sct-2019").criteria.get(code="1.1.2")
    plan.rule = {
        "kind": "condition",
        "on": {"criterion": "1.1.1"},
        "branches": [{"when": {"above": "0"}, "rule": {"kind": "ratio_threshold", "threshold": "85"}}],
    }
    plan.save()
    assessment = open_round().assessments.get()
    with pytest.raises(ApplicationError, match=r"Chưa có điểm của tiêu chí 1\.1\.1\."):
        save(answer(assessment, "1.1.2"), {"muc_1": {"a": "20", "b": "17"}})
    save(answer(assessment, "1.1.1"), {"ticked": ["on_time", "content_ok"]})
    save(answer(assessment, "1.1.2"), {"muc_1": {"a": "20", "b": "17"}})
    assert answer(assessment, "1.1.2").self_points == D("2.55")

    save(answer(assessment, "1.1.1"), {"ticked": []})
    dependent = answer(assessment, "1.1.2")
    assert dependent.self_points == 0
    assert dependent.self_explanation == "Tiêu chí 1.1.1 được 0 điểm (các trường hợp còn lại) → 0 điểm"
    assessment.refresh_from_db()
    total_without = assessment.self_total

    save(answer(assessment, "1.1.1"), {"ticked": ["on_time"]})
    assert answer(assessment, "1.1.2").self_points == D("2.55")
    assessment.refresh_from_db()
    assert assessment.self_total == total_without + D("0.5") + D("2.55")
