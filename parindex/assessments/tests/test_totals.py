"""The totals stored on each assessment: every write that changes a point refreshes them in its
own transaction, so they always equal a fresh roll-up of the score tree; the rebuild command
gives the same figures; the ranking reads them."""

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command

from parindex.assessments import services
from parindex.assessments.models import Answer, Assessment, State
from parindex.assessments.selectors import round_results, sheet_for
from parindex.assessments.tests.test_services import TODAY, answer, fill_all, open_round, save, step, user
from parindex.assessments.totals import STORED_FIELDS
from parindex.surveys import services as survey_services

pytestmark = pytest.mark.usefixtures("demo")


def stored(assessment) -> dict:
    return Assessment.objects.values(*STORED_FIELDS, "scores_version").get(pk=assessment.pk)


def fresh(assessment) -> dict:
    """What the score tree gives now, the way the assessment page computes it."""
    sheet = sheet_for(assessment=Assessment.objects.get(pk=assessment.pk))
    result = {f"{column}_total": sheet.rollups[column].total for column in ("self", "round1", "final")}
    result |= {f"{column}_index": sheet.index(column) for column in ("self", "round1", "final")}
    return result | {"max_total": sheet.rollups["final"].maximum}


def assert_fresh(assessment) -> int:
    row = stored(assessment)
    assert {name: row[name] for name in STORED_FIELDS} == fresh(assessment)
    return row["scores_version"]


def appraise(assessment, code, round_number, points):
    a = answer(assessment, code)
    services.appraisal_save(
        answer=a, round_number=round_number, points=points, note="", request_explanation=round_number == 1,
        expected_version=a.version, by=user("dn.thamdinh"),
    )  # fmt: skip


def test_every_write_that_changes_a_point_leaves_the_stored_totals_equal_to_the_tree():
    assessment = open_round().assessments.get()
    versions = [assert_fresh(assessment)]  # opened (and prefilled): nothing scored yet
    save(answer(assessment, "1.1.2"), {"a": 20, "b": 18})
    versions.append(assert_fresh(assessment))
    assert stored(assessment)["self_total"] > 0
    services.prefill_refresh(assessment=assessment, by=user("dn.vanphong"), today=TODAY)
    versions.append(assert_fresh(assessment))
    fill_all(assessment)
    for state in (State.SUBMITTED, State.APPRAISAL_1):
        step(assessment, state)
        versions.append(assert_fresh(assessment))
    appraise(assessment, "1.1.2", 1, D("1.5"))
    versions.append(assert_fresh(assessment))
    appraise(assessment, "9.1", 1, D(-2))  # a signed (bonus/penalty) leaf
    versions.append(assert_fresh(assessment))
    assert stored(assessment)["round1_index"] < stored(assessment)["self_index"]
    step(assessment, State.EXPLANATION)
    a = answer(assessment, "1.1.2")
    services.reply_save(answer=a, reply="Bổ sung báo cáo", expected_version=a.version, by=user("dn.vanphong"),
                        today=TODAY)  # fmt: skip
    versions.append(assert_fresh(assessment))
    step(assessment, State.APPRAISAL_2)
    appraise(assessment, "1.1.2", 2, D(3))
    versions.append(assert_fresh(assessment))
    for state in (State.FINALIZED, State.PUBLISHED):
        step(assessment, state)
        versions.append(assert_fresh(assessment))
    assert versions == sorted(set(versions)), "each write counts a new version"


def test_survey_points_refresh_the_totals():
    assessment = Assessment.objects.get(organization__code="dn-sct")
    before = assert_fresh(assessment)
    survey_services.survey_points_apply(assessment=assessment, by=user("dn.vanphong"))
    assert assert_fresh(assessment) > before


def test_the_rebuild_equals_the_incremental_state_and_repairs_rows_written_around_the_services():
    assessment_round = open_round("dn-sct", "bp-stnmt", "qb-stnmt")
    for assessment in assessment_round.assessments.all():
        fill_all(assessment, D("0.25") if assessment.organization.code == "qb-stnmt" else None)
    incremental = {a.pk: stored(a) for a in assessment_round.assessments.all()}
    out = StringIO()
    call_command("rebuild_assessment_totals", stdout=out)
    assert ", 0 updated" in out.getvalue()
    assert {a.pk: stored(a) for a in assessment_round.assessments.all()} == incremental

    drifted = assessment_round.assessments.get(organization__code="bp-stnmt")
    Answer.objects.filter(assessment=drifted).update(self_points=0)  # a bulk load, bypassing the services
    Assessment.objects.filter(pk=drifted.pk).update(final_index=D(1))
    call_command("rebuild_assessment_totals", "--round", str(assessment_round.pk), stdout=out)
    assert out.getvalue().strip().endswith("3 assessments checked, 1 updated.")
    assert_fresh(drifted)


def test_the_ranking_reads_the_stored_index_and_rolls_up_rows_never_computed():
    assessment_round = open_round("dn-sct", "bp-stnmt")
    for assessment in assessment_round.assessments.all():
        fill_all(assessment, None if assessment.organization.code == "dn-sct" else D(0))
    never = assessment_round.assessments.get(organization__code="bp-stnmt")
    Assessment.objects.filter(pk=never.pk).update(scores_version=0, final_index=D(99))  # loaded in bulk
    results = {r.assessment.organization.code: r for r in round_results(assessment_round=assessment_round)}
    for code, row in results.items():
        assert row.index == sheet_for(assessment=row.assessment).index(), code
    assert results["dn-sct"].rank == 1
