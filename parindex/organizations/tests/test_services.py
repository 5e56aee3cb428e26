import pytest

from parindex.core.errors import ApplicationError
from parindex.organizations import services
from parindex.organizations.models import ChangeKind, Organization, OrganizationChange
from parindex.organizations.selectors import organization_tree


def names(year):
    tree = organization_tree(year=year)
    return {node.code: node.name for node in tree.nodes.values()}


def parent_code(year, code):
    tree = organization_tree(year=year)
    org = Organization.objects.get(code=code)
    parent_id = tree.nodes[org.pk].parent_id
    return tree.nodes[parent_id].code if parent_id else None


@pytest.fixture
def dept(db):
    province = services.organization_create(by=None, code="p", kind="province", name="Tỉnh X", parent=None, year=2019)
    sở = services.organization_create(by=None, code="s", kind="department", name="Sở X", parent=province, year=2019)
    for code, name in [("u1", "Phòng Một"), ("u2", "Phòng Hai"), ("u3", "Chi cục Ba")]:
        services.organization_create(by=None, code=code, kind="unit", name=name, parent=sở, year=2019)
    services.organization_create(
        by=None, code="u3a", kind="unit", name="Trạm Ba A", parent=Organization.objects.get(code="u3"), year=2019
    )
    return sở


def test_it_renames_from_a_year_and_keeps_the_old_name_before(dept):
    unit = Organization.objects.get(code="u1")
    services.organization_rename(
        by=None, organization=unit, year=2025, name="Phòng Một Mới", short_name="P1", parent=dept
    )
    assert names(2024)["u1"] == "Phòng Một"
    assert names(2025)["u1"] == "Phòng Một Mới"
    assert names(2030)["u1"] == "Phòng Một Mới"
    assert list(unit.versions.values_list("valid_from", "valid_until")) == [(2019, 2024), (2025, None)]


def test_it_renames_twice_in_the_same_year_without_a_new_version(dept):
    unit = Organization.objects.get(code="u1")
    services.organization_rename(by=None, organization=unit, year=2025, name="Tên A", short_name="", parent=dept)
    services.organization_rename(by=None, organization=unit, year=2025, name="Tên B", short_name="", parent=dept)
    assert unit.versions.count() == 2
    assert names(2025)["u1"] == "Tên B"


def test_it_inserts_a_rename_between_earlier_and_later_ones(dept):
    unit = Organization.objects.get(code="u1")
    services.organization_rename(by=None, organization=unit, year=2025, name="Tên 2025", short_name="", parent=dept)
    services.organization_rename(by=None, organization=unit, year=2022, name="Tên 2022", short_name="", parent=dept)
    assert [names(y)["u1"] for y in (2021, 2022, 2024, 2025)] == [
        "Phòng Một",
        "Tên 2022",
        "Tên 2022",
        "Tên 2025",
    ]


def test_it_moves_a_unit_under_another_from_a_year(dept):
    unit = Organization.objects.get(code="u2")
    services.organization_rename(
        by=None,
        organization=unit,
        year=2024,
        name="Phòng Hai",
        short_name="",
        parent=Organization.objects.get(code="u3"),
    )
    assert parent_code(2023, "u2") == "s"
    assert parent_code(2024, "u2") == "u3"


def test_it_refuses_to_move_a_unit_under_its_own_descendant(dept):
    unit = Organization.objects.get(code="u3")
    with pytest.raises(ApplicationError, match="trực thuộc chính nó"):
        services.organization_rename(
            by=None,
            organization=unit,
            year=2024,
            name="Chi cục Ba",
            short_name="",
            parent=Organization.objects.get(code="u3a"),
        )


def test_it_refuses_a_rename_that_changes_nothing(dept):
    unit = Organization.objects.get(code="u1")
    with pytest.raises(ApplicationError) as error:
        services.organization_rename(
            by=None, organization=unit, year=2024, name="Phòng Một", short_name="", parent=dept
        )
    assert error.value.message == services.ERR_NOTHING_CHANGED


def test_it_merges_a_unit_whose_children_follow_it_into_the_target(dept):
    source, target = Organization.objects.get(code="u3"), Organization.objects.get(code="u1")
    services.organization_merge(by=None, source=source, target=target, year=2025, note="QĐ 12/QĐ-UBND")
    assert "u3" in names(2024)
    assert "u3" not in names(2025)
    assert parent_code(2024, "u3a") == "u3"
    assert parent_code(2025, "u3a") == "u1"
    change = OrganizationChange.objects.get(kind=ChangeKind.MERGED)
    assert (change.organization, change.related, change.year) == (source, target, 2025)


def test_it_refuses_to_merge_into_itself_or_a_descendant(dept):
    u3 = Organization.objects.get(code="u3")
    with pytest.raises(ApplicationError, match="chính nó"):
        services.organization_merge(by=None, source=u3, target=u3, year=2025)
    with pytest.raises(ApplicationError, match="cấp dưới"):
        services.organization_merge(by=None, source=u3, target=Organization.objects.get(code="u3a"), year=2025)


def test_it_refuses_to_merge_a_unit_that_changes_later(dept):
    u2 = Organization.objects.get(code="u2")
    services.organization_rename(by=None, organization=u2, year=2026, name="Phòng Hai Mới", short_name="", parent=dept)
    with pytest.raises(ApplicationError, match="2026"):
        services.organization_merge(by=None, source=u2, target=Organization.objects.get(code="u1"), year=2024)
    assert "u2" in names(2024)


def test_it_splits_a_new_unit_beside_its_source(dept):
    source = Organization.objects.get(code="u1")
    created = services.organization_split(by=None, source=source, year=2025, code="u1b", name="Phòng Một B")
    assert "u1b" not in names(2024)
    assert parent_code(2025, "u1b") == "s"
    assert "u1" in names(2025)
    change = created.changes.get()
    assert (change.kind, change.related) == (ChangeKind.SPLIT, source)


def test_it_refuses_a_duplicate_code_and_changes_nothing(dept):
    before = Organization.objects.count()
    with pytest.raises(ApplicationError, match="đã được dùng"):
        services.organization_create(by=None, code="u1", kind="unit", name="Trùng", parent=dept, year=2024)
    assert Organization.objects.count() == before


def test_it_refuses_a_unit_without_parent_or_with_a_parent_missing_that_year(dept):
    with pytest.raises(ApplicationError, match="phải thuộc"):
        services.organization_create(by=None, code="x", kind="unit", name="Mồ côi", parent=None, year=2024)
    services.organization_merge(
        by=None, source=Organization.objects.get(code="u2"), target=Organization.objects.get(code="u1"), year=2025
    )
    with pytest.raises(ApplicationError, match="2025"):
        services.organization_create(
            by=None, code="y", kind="unit", name="Con", parent=Organization.objects.get(code="u2"), year=2025
        )


def test_it_records_every_change_in_the_audit_log(dept):
    from auditlog.models import LogEntry

    unit = Organization.objects.get(code="u1")
    services.organization_rename(
        by=None, organization=unit, year=2025, name="Phòng Một Mới", short_name="", parent=dept
    )
    entries = LogEntry.objects.filter(additional_data__organization_id=unit.pk)
    new_names = [entry.changes_dict.get("name", [None, None])[1] for entry in entries]
    assert "Phòng Một Mới" in new_names


def test_the_tree_is_built_once_while_nothing_changes_and_anew_after_any_write(dept):
    first = organization_tree(year=2025)
    assert organization_tree(year=2025) is first  # kept: the organizations' stamp is unchanged
    unit = Organization.objects.get(code="u2")
    version = unit.versions.get()
    version.name = "Phòng Hai (sửa thẳng trong CSDL)"  # as another worker's write would arrive
    version.save()
    assert names(2025)["u2"] == "Phòng Hai (sửa thẳng trong CSDL)"
    Organization.objects.get(code="u3a").versions.all().delete()
    assert "u3a" not in names(2025)
