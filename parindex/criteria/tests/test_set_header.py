"""A set's declared rounding, stated counts and areas: read, saved, written back."""

import importlib

import pytest

from parindex.criteria import services
from parindex.criteria.document import ERR_AREA, ERR_ROUNDING, ERR_STATED, read_yaml, write_yaml
from parindex.criteria.models import CriteriaSet, Criterion
from parindex.criteria.selectors import document_from_set
from parindex.criteria.spreadsheet import read_workbook, write_workbook

AREAS = """
set:
  code: thuong-2025
  title: Bộ có điểm thưởng 2025
  year: 2025
  organization: dn-sct
  rounding: {decimals: 2, at: criterion}
  stated: {criteria: 3, total: "100"}
criteria:
  - {code: "1", title: Điểm chuẩn, max: "100", stated: {criteria: 1, total: "100"}}
  - {code: "1.1", title: Tỷ lệ, max: "100", rule: {kind: ratio_threshold, threshold: "0"}}
  - {code: "2", title: Điểm thưởng, max: "5", area: bonus}
  - {code: "2.1", title: Sáng kiến, max: "5", area: penalty}
  - {code: "3", title: Điểm trừ, max: "0", area: penalty}
  - code: "3.1"
    title: Chậm báo cáo
    max: "3"
    rule: {kind: bonus_penalty, bonus_per_item: "1", penalty_per_item: "1", cap: "3"}
"""


def test_the_header_and_areas_are_read_and_round_trip():
    document = read_yaml(AREAS)
    assert document.header["rounding"] == {"decimals": 2, "at": "criterion"}
    assert document.header["stated"] == {"criteria": 3, "total": "100"}
    assert [r.area for r in document.rows] == ["standard", "standard", "bonus", "penalty", "penalty", "standard"]
    assert document.rows[0].stated == {"criteria": 1, "total": "100"}
    for again in (read_yaml(write_yaml(document)), read_workbook(write_workbook(document))):
        assert again.header == document.header
        assert again.rows == document.rows


def test_a_set_that_declares_nothing_keeps_exact_points_and_writes_no_rounding():
    document = read_yaml(AREAS.replace("  rounding: {decimals: 2, at: criterion}\n", ""))
    assert document.header["rounding"] == {"decimals": None, "at": "total"}
    assert "rounding" not in write_yaml(document)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("rounding: {decimals: 7}", ERR_ROUNDING),
        ("rounding: {decimals: 2, at: area}", ERR_ROUNDING),
        ("rounding: two", ERR_ROUNDING),
        ('stated: {criteria: "ba", total: "100"}', ERR_STATED),
        ('stated: {total: "một trăm"}', ERR_STATED),
    ],
)
def test_a_malformed_header_key_is_reported(line, message):
    written = (
        '  stated: {criteria: 3, total: "100"}'
        if line.startswith("stated")
        else "  rounding: {decimals: 2, at: criterion}"
    )
    assert written in AREAS
    text = AREAS.replace(written, "  " + line)
    assert message in [i.message for i in read_yaml(text).issues]


def test_an_unknown_area_is_reported():
    document = read_yaml(AREAS.replace("area: bonus", "area: thuong"))
    assert ERR_AREA.format(area="thuong") in [i.message for i in document.issues]


@pytest.mark.django_db
def test_import_saves_the_header_and_areas_and_warns_about_an_area_below_the_top(demo):
    plan = services.criteria_set_plan_import(document=read_yaml(AREAS), by=None)
    assert [(i.code, i.message) for i in plan.warnings if "loại điểm" in i.message] == [
        ("2.1", "Chỉ tiêu chí cấp 1 mới khai báo được loại điểm; “điểm trừ” ở tiêu chí con này bị bỏ qua.")
    ]
    criteria_set = services.criteria_set_import(plan=plan, by=None)
    criteria_set = CriteriaSet.objects.get(pk=criteria_set.pk)
    assert (criteria_set.rounding_decimals, criteria_set.rounding_at) == (2, "criterion")
    assert criteria_set.stated == {"criteria": 3, "total": "100"}
    saved = {c.code: c for c in criteria_set.criteria.all()}
    assert {code: c.area for code, c in saved.items()} == {
        "1": "standard", "1.1": "standard", "2": "bonus", "2.1": "standard", "3": "penalty", "3.1": "standard",
    }  # fmt: skip
    assert saved["3.1"].signed, "a rule that can give fewer than 0 points keeps them"
    exported = document_from_set(criteria_set=criteria_set)
    assert exported.header["rounding"] == {"decimals": 2, "at": "criterion"}
    assert exported.rows[0].stated == {"criteria": 1, "total": "100"}


@pytest.mark.django_db
def test_the_migration_signs_criteria_imported_before_a_negative_rule_made_them_signed(demo):
    from django.apps import apps

    migration = importlib.import_module("parindex.criteria.migrations.0004_set_rounding_stated_areas")
    stage = Criterion.objects.filter(criteria_set__code="dn-sct-2019", code="9.2.1")
    stage.update(signed=False)
    migration.sign_by_rule(apps, None)
    assert stage.get().signed
    assert not Criterion.objects.get(criteria_set__code="dn-sct-2019", code="1.1.2").signed
