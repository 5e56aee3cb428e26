"""A set's bonus and penalty areas and its declared rounding, in the stored totals, the sheet,
the appraisal range and the what-if."""

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from parindex.assessments.models import State
from parindex.assessments.selectors import leaf_ranges, sheet_for
from parindex.assessments.tests.test_services import fill_all, open_round, save, step, user
from parindex.assessments.tests.test_totals import answer, appraise, assert_fresh, stored
from parindex.core.errors import ApplicationError
from parindex.criteria.models import CriteriaSet, Criterion

pytestmark = pytest.mark.usefixtures("demo")


def declare(**areas):
    """Give dn-sct-2019's top-level criteria the areas named (code → area) and, for a penalty
    area, no maximum: the source sets no limit."""
    for code, area in areas.items():
        Criterion.objects.filter(criteria_set__code="dn-sct-2019", code=code).update(area=area)
        if area == "penalty":
            Criterion.objects.filter(criteria_set__code="dn-sct-2019", code__startswith=code).update(max_points=0)


def appraising(**areas):
    declare(**areas)
    assessment = open_round().assessments.get()
    fill_all(assessment)
    for state in (State.SUBMITTED, State.APPRAISAL_1):
        step(assessment, state)
    return assessment


def test_a_bonus_area_stays_out_of_the_denominator_and_the_totals_follow():
    assessment = appraising(**{"9": "bonus"})
    row = stored(assessment)
    assert row["max_total"] == 97  # 100 less the bonus area's 3
    assert_fresh(assessment)
    with_bonus = row["round1_total"]  # every self-scored point: the bonus area's 3 among them
    appraise(assessment, "9.1", 1, D(-3))  # 9.1 −3 + 9.2 3: the bonus area gives 0
    after = stored(assessment)
    assert with_bonus - after["round1_total"] == 3
    assert after["round1_index"] == (after["round1_total"] / 97 * 100).quantize(D("0.01"))
    out = StringIO()
    call_command("rebuild_assessment_totals", "--round", str(assessment.round_id), stdout=out)
    assert out.getvalue().strip().endswith("1 assessments checked, 0 updated.")


def test_a_penalty_area_without_a_maximum_takes_any_deduction_and_never_adds():
    assessment = appraising(**{"9": "penalty"})
    appraise(assessment, "9.1", 1, D(-7))
    assert assert_fresh(assessment)
    sheet = sheet_for(assessment=assessment)
    assert sheet.rollups["round1"].points["9"] == -7  # not clamped at the area's maximum of 0
    assert sheet.rollups["round1"].by_area["penalty"] == -7
    with pytest.raises(ApplicationError, match="Điểm không được lớn hơn 0"):
        appraise(assessment, "9.1", 1, D("0.5"))
    low, high = leaf_ranges(sheet)[answer(assessment, "9.1").criterion_id][1:]
    assert (low, high) == (None, 0)


def test_points_keep_four_decimals_and_a_fifth_is_refused():
    assessment = appraising()
    appraise(assessment, "1.1.2", 1, D("1.275"))
    assert answer(assessment, "1.1.2").appraised_1 == D("1.275")
    with pytest.raises(ApplicationError, match="tối đa 4 chữ số thập phân"):
        appraise(assessment, "1.1.2", 1, D("1.27555"))
    assert_fresh(assessment)


def test_a_set_rounding_at_the_criterion_rounds_the_sheet_and_the_stored_totals_alike():
    CriteriaSet.objects.filter(code="dn-sct-2019").update(rounding_decimals=2, rounding_at="criterion")
    assessment = appraising()
    appraise(assessment, "1.1.2", 1, D("1.275"))
    assert sheet_for(assessment=assessment).rollups["round1"].points["1.1.2"] == D("1.28")
    assert_fresh(assessment)


def test_the_what_if_refuses_a_positive_penalty_and_takes_a_deep_one(client):
    assessment = appraising(**{"9": "penalty"})
    client.force_login(user("dn.vanphong"))
    leaf = answer(assessment, "9.1").criterion_id
    url = reverse("assessments:what_if", args=[assessment.pk])
    refused = client.post(url, {f"c{leaf}": "1"}).content.decode()
    assert "9.1: 1 lớn hơn 0" in refused
    taken = client.post(url, {f"c{leaf}": "-9"})
    assert taken.status_code == 200
    assert "9.1: -9" not in taken.content.decode()


def test_a_negative_stage_is_saved_shown_and_totalled_as_minus_three(client):
    assessment = open_round().assessments.get()
    deducted = answer(assessment, "9.2.1")
    save(deducted, {"stage": "deducted_30_plus"})
    deducted = answer(assessment, "9.2.1")
    assert deducted.self_points == -3
    assert sheet_for(assessment=assessment).rollups["self"].points["9.2"] == -3
    assert_fresh(assessment)
    client.force_login(user("dn.vanphong"))
    html = client.get(reverse("assessments:answer_panel", args=[deducted.pk])).content.decode()
    assert '<span class="fs-6 fw-semibold">−3</span>' in html
