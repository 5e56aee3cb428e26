"""Reading unit names as documents write them, on a tree of plain nodes."""

from parindex.criteria.document import read_yaml
from parindex.criteria.models import AssignmentRole
from parindex.criteria.units import Resolution, UnitResolver, initials, roles_by_precedence
from parindex.engine.criteria_check import WARNING
from parindex.organizations.tree import OrgTree, TreeNode

LEAD, COORDINATING = AssignmentRole.LEAD, AssignmentRole.COORDINATING


def node(org_id, name, short="", kind="unit", unit_type="office", parent=1):
    return TreeNode(org_id, f"o{org_id}", kind, name, short, parent, 2019, None, False, unit_type)


def resolver(*units):
    tree = OrgTree(2024, [node(1, "Sở Thử", kind="department", unit_type="", parent=None), *units])
    return UnitResolver(tree, 1)


def test_a_shortened_abbreviation_stands_for_the_one_unit_it_begins():
    units = resolver(node(2, "Chi cục Bảo vệ môi trường", "CCBVMT"), node(3, "Văn phòng Đăng ký đất đai"))
    assert units.read("CCBVM") == Resolution([2], reading="“CCBVM” là Chi cục Bảo vệ môi trường (CCBVMT)")
    assert units.read("VPĐK").org_ids == [3]  # from the initials when the unit has no abbreviation
    assert units.resolve("VPĐK") is None  # a caller that cannot say how it read the name asks instead


def test_an_abbreviation_two_units_begin_with_stands_for_none():
    units = resolver(node(2, "Chi cục Bảo vệ môi trường", "CCBVMT"), node(3, "Chi cục Bảo vệ thực vật", "CCBVTV"))
    assert units.read("CCBV") is None
    assert units.read("ccbvm") is None  # not written as an abbreviation


def test_a_person_in_brackets_is_the_official_not_part_of_the_name():
    units = resolver(node(2, "Văn phòng Sở", "VP"))
    assert units.read("Văn phòng Sở (Thiều Thị Nga)") == Resolution([2], official="Thiều Thị Nga")
    assert units.read("Văn phòng Sở (KHTC)") is None


def test_a_group_is_the_units_of_its_type_and_nothing_while_no_unit_has_the_type():
    units = resolver(node(2, "Văn phòng Sở"), node(3, "Trung tâm Quan trắc", unit_type="public_service"))
    assert units.read("Các đơn vị sự nghiệp trực thuộc") == Resolution([3], group=True)
    assert units.read("Các phòng, đơn vị trực thuộc") == Resolution([2, 3], group=True)
    untyped = resolver(node(2, "Văn phòng Sở"))
    assert untyped.resolve("Các đơn vị sự nghiệp trực thuộc") is None
    assert untyped.hint("Các đơn vị sự nghiệp trực thuộc") == (
        "chưa có đơn vị nào thuộc loại “Đơn vị sự nghiệp”: hãy chọn “Loại đơn vị” của các đơn vị ở trang Cơ cấu tổ chức"
    )


def test_a_level_qualifier_is_read_off_and_said():
    units = resolver(node(2, "Bộ phận một cửa", "BPMC"))
    found = units.read("Bộ phận một cửa cấp tỉnh, cấp huyện")
    assert found.org_ids == [2]
    assert found.reading == "“Bộ phận một cửa cấp tỉnh, cấp huyện” là Bộ phận một cửa (BPMC)"


def test_a_unit_named_on_its_own_takes_its_role_over_its_groups():
    group, office, desk = Resolution([2, 3, 4], group=True), Resolution([2]), Resolution([4])
    assert roles_by_precedence([(LEAD, group), (COORDINATING, office)]) == {LEAD: [3, 4], COORDINATING: [2]}
    assert roles_by_precedence([(COORDINATING, group), (LEAD, desk)]) == {LEAD: [4], COORDINATING: [2, 3]}
    assert roles_by_precedence([(LEAD, office), (COORDINATING, office)]) == {LEAD: [2], COORDINATING: []}


def test_initials_keep_vietnamese_letters():
    assert initials("Văn phòng Đăng ký đất đai") == "VPĐKĐĐ"


def test_points_a_title_states_are_its_maximum_and_a_different_maximum_is_reported():
    document = read_yaml(
        """
set: {code: x, title: X, year: 2024}
criteria:
  - {code: "1", title: "Thực hiện cơ chế một cửa: 1 điểm"}
  - {code: "2", title: "Tài sản công: 5 điểm", max: "4"}
  - {code: "3", title: "Số hóa: 1,5 điểm", max: "1.5"}
"""
    )
    assert [r.max_points for r in document.rows] == [1, 4, 1.5]
    assert [(i.code, i.level, i.message) for i in document.issues] == [
        ("2", WARNING, "Tên tiêu chí ghi 5 điểm, khác điểm tối đa 4.")
    ]
