from parindex.organizations.tree import OrgTree, TreeNode


def node(org_id, parent_id=None, kind="unit", name=None):
    return TreeNode(org_id, f"o{org_id}", kind, name or f"Đơn vị {org_id}", "", parent_id, 2019, None)


def small_tree():
    return OrgTree(
        2024,
        [
            node(1, kind="province", name="Tỉnh"),
            node(2, 1, "department", "Sở A"),
            node(3, 1, "department", "Sở B"),
            node(4, 2, name="Phòng A1"),
            node(5, 2, name="Phòng A2"),
            node(6, 4, name="Tổ A1a"),
        ],
    )


def test_subtree_holds_the_node_and_every_descendant():
    assert small_tree().subtree_ids(2) == {2, 4, 5, 6}


def test_subtree_of_an_unknown_organization_is_empty():
    assert small_tree().subtree_ids(99) == set()


def test_ancestors_run_from_parent_to_root():
    assert [n.org_id for n in small_tree().ancestors(6)] == [4, 2, 1]


def test_nearest_finds_the_enclosing_department():
    assert small_tree().nearest(6, "department").org_id == 2
    assert small_tree().nearest(2, "department").org_id == 2
    assert small_tree().nearest(1, "department") is None


def test_walk_is_depth_first_with_depths():
    assert [(n.org_id, d) for n, d in small_tree().walk()] == [(1, 0), (2, 1), (4, 2), (6, 3), (5, 2), (3, 1)]


def test_walk_with_a_filter_lifts_visible_descendants_of_hidden_nodes():
    assert [(n.org_id, d) for n, d in small_tree().walk(only={4, 6, 5})] == [(4, 0), (6, 1), (5, 0)]


def test_a_node_whose_parent_is_absent_that_year_becomes_a_root():
    tree = OrgTree(2024, [node(7, parent_id=42)])
    assert [n.org_id for n in tree.children(None)] == [7]
