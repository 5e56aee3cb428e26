import pytest

from parindex.core.errors import ApplicationError
from parindex.criteria import services
from parindex.criteria.document import read_yaml
from parindex.criteria.models import AssignmentRole, CriteriaSet, Criterion, CriterionAssignment
from parindex.criteria.selectors import criteria_set_diff, document_from_set
from parindex.criteria.spreadsheet import read_workbook, write_workbook
from parindex.organizations.models import Organization

pytestmark = pytest.mark.usefixtures("demo")

SMALL = """
set: {code: thu-2025, title: Bộ thử 2025, year: 2025, organization: dn-sct, max_total: "2"}
criteria:
  - {code: "1", title: Lĩnh vực một, max: "2", lead: [Văn phòng], coordinating: ["Các phòng, đơn vị thuộc Sở"]}
  - code: "1.1"
    title: Tỷ lệ hoàn thành
    max: "1.5"
    lead: ["Phòng QL Thương mại"]
    rule: {kind: ratio_threshold, threshold: "85"}
  - {code: "1.2", title: Báo cáo, max: "0.5", lead: ["Phòng Không Có"], rule: {kind: yes_no}}
"""


def assignments(criteria_set):
    return sorted(
        (a.criterion.code, a.organization.code, a.role)
        for a in CriterionAssignment.objects.filter(criterion__criteria_set=criteria_set).select_related(
            "criterion", "organization"
        )
    )


def test_it_resolves_unit_names_abbreviations_and_all_units():
    plan = services.criteria_set_plan_import(document=read_yaml(SMALL), by=None)
    units = {o.pk: o.code for o in Organization.objects.filter(code__startswith="dn-sct")}
    assert [units[i] for i in plan.resolved["1"][AssignmentRole.LEAD]] == ["dn-sct-vp"]
    others = {o.pk for o in Organization.objects.filter(code__startswith="dn-sct-").exclude(code="dn-sct-vp")}
    assert set(plan.resolved["1"][AssignmentRole.COORDINATING]) == others  # the lead is not also coordinating
    assert [units[i] for i in plan.resolved["1.1"][AssignmentRole.LEAD]] == ["dn-sct-qltm"]
    assert plan.unresolved["1.2"][AssignmentRole.LEAD] == ["Phòng Không Có"]
    assert any("Phòng Không Có" in i.message for i in plan.warnings)


def test_it_saves_the_tree_with_parents_levels_and_assignments():
    plan = services.criteria_set_plan_import(document=read_yaml(SMALL), by=None)
    criteria_set = services.criteria_set_import(plan=plan, by=None)
    child = Criterion.objects.get(criteria_set=criteria_set, code="1.1")
    assert child.parent.code == "1"
    assert child.level == 2
    assert ("1", "dn-sct-vp", "lead") in assignments(criteria_set)
    assert ("1", "dn-sct-vp", "coordinating") not in assignments(criteria_set)
    assert Criterion.objects.get(criteria_set=criteria_set, code="1.2").unresolved_lead == ["Phòng Không Có"]


def test_it_refuses_a_plan_with_errors_and_saves_nothing():
    document = read_yaml(SMALL.replace('threshold: "85"', 'threshold: "abc"'))
    plan = services.criteria_set_plan_import(document=document, by=None)
    with pytest.raises(ApplicationError, match="còn 1 lỗi"):
        services.criteria_set_import(plan=plan, by=None)
    assert not CriteriaSet.objects.filter(code="thu-2025").exists()


def test_it_refuses_to_overwrite_an_active_set():
    plan = services.criteria_set_plan_import(document=read_yaml(SMALL.replace("thu-2025", "dn-sct-2019")), by=None)
    assert any("Đã có bộ tiêu chí mã “dn-sct-2019”" in i.message for i in plan.errors)


def test_it_replaces_a_draft_when_asked():
    services.criteria_set_import(plan=services.criteria_set_plan_import(document=read_yaml(SMALL), by=None), by=None)
    document = read_yaml(SMALL.replace("Báo cáo", "Báo cáo mới"))
    plan = services.criteria_set_plan_import(document=document, replace=True, by=None)
    criteria_set = services.criteria_set_import(plan=plan, by=None)
    assert criteria_set.criteria.get(code="1.2").title == "Báo cáo mới"


def test_export_to_xlsx_reimports_to_an_identical_set():
    original = CriteriaSet.objects.get(code="dn-sct-2019")
    criterion = original.criteria.get(code="1.1.2")
    qlcn = Organization.objects.get(code="dn-sct-qlcn")
    services.assignment_set(criterion=criterion, organization=qlcn, role="lead", by=None)
    exported = document_from_set(criteria_set=original)
    document = read_workbook(write_workbook(exported))
    document.header["code"] = "dn-sct-2019-ban-sao"
    copy = services.criteria_set_import(plan=services.criteria_set_plan_import(document=document, by=None), by=None)
    assert document_from_set(criteria_set=copy).rows == exported.rows
    assert assignments(copy) == assignments(original)


def test_clone_copies_tree_rules_and_assignments_to_next_year():
    source = CriteriaSet.objects.get(code="dn-sct-2019")
    clone = services.criteria_set_clone(source=source, year=2020, code="dn-sct-2020", by=None)
    assert clone.year == 2020
    assert clone.title.endswith("2020")
    assert clone.criteria.count() == source.criteria.count()
    assert assignments(clone) == assignments(source)
    assert clone.criteria.get(code="1.1.2").parent.criteria_set == clone
    with pytest.raises(ApplicationError, match="đã được dùng"):
        services.criteria_set_clone(source=source, year=2021, code="dn-sct-2020", by=None)


def test_diff_lists_added_removed_and_changed_criteria():
    source = CriteriaSet.objects.get(code="dn-sct-2019")
    clone = services.criteria_set_clone(source=source, year=2020, code="dn-sct-2020", by=None)
    clone.criteria.filter(code="1.1.2").update(max_points="2.5")
    clone.criteria.filter(code="8").delete()
    Criterion.objects.create(criteria_set=clone, code="11", title="Mới", position=999, max_points=1)
    diff = criteria_set_diff(old=source, new=clone)
    assert [c.code for c in diff.added] == ["11"]
    assert [c.code for c in diff.removed] == ["8"]
    assert [(a.code, what) for a, _, what in diff.changed] == [("1.1.2", ["điểm tối đa"])]


def test_assignment_set_switches_and_clears_a_role():
    criterion = CriteriaSet.objects.get(code="dn-sct-2019").criteria.get(code="1.1.1")
    unit = Organization.objects.get(code="dn-sct-tt")
    services.assignment_set(criterion=criterion, organization=unit, role="coordinating", by=None)
    services.assignment_set(criterion=criterion, organization=unit, role="lead", by=None)
    assert CriterionAssignment.objects.get(criterion=criterion, organization=unit).role == "lead"
    services.assignment_set(criterion=criterion, organization=unit, role=None, by=None)
    assert not CriterionAssignment.objects.filter(criterion=criterion, organization=unit).exists()
