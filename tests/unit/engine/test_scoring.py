from decimal import Decimal as D

from parindex.engine.scoring import ClassBand, LeafScore, Node, aggregate, classify, index_percent, rank


def area(code, max_points, *children, signed=False):
    return Node(code, D(max_points), tuple(children), signed)


def leaf(code, max_points):
    return Node(code, D(max_points))


TREE = [
    area("1", "4", leaf("1.1", "1"), leaf("1.2", "3")),
    area("2", "3", leaf("2.1", "2"), leaf("2.2", "2")),  # children add to 4 > 3: capped
    area("9", "3", leaf("9.1", "3"), leaf("9.2", "3"), signed=True),
]


def test_a_parent_is_the_sum_of_its_children():
    rollup = aggregate(TREE, {"1.1": D("0.5"), "1.2": D("2.55")})
    assert rollup.points["1"] == D("3.05")


def test_a_parent_is_capped_at_its_max():
    assert aggregate(TREE, {"2.1": D(2), "2.2": D(2)}).points["2"] == 3


def test_a_signed_area_can_go_negative_but_not_below_minus_max():
    rollup = aggregate(TREE, {"9.1": D(-2), "9.2": D(-3)})
    assert rollup.points["9"] == -3
    assert aggregate(TREE, {"9.1": D(-2), "9.2": D(1)}).points["9"] == -1


def test_unscored_leaves_count_as_zero_and_are_listed_as_pending():
    rollup = aggregate(TREE, {"1.1": D(1)})
    assert rollup.total == 1
    assert rollup.pending == {"1.2", "2.1", "2.2", "9.1", "9.2"}


def test_the_maximum_is_the_sum_of_top_level_maxima():
    assert aggregate(TREE, {}).maximum == 10


def test_an_excluded_leaf_is_removed_from_the_denominator():
    rollup = aggregate(TREE, {"1.1": D(1), "1.2": LeafScore(D(0), excluded=True), "2.1": D(2), "2.2": D(1)})
    assert rollup.excluded_max == 3
    assert rollup.index == index_percent(D(4), D(7))
    assert rollup.index == D("57.14")


def test_index_is_total_over_maximum_in_percent():
    assert index_percent(D("85.5"), D("100")) == D("85.50")
    assert index_percent(D("1"), D("3")) == D("33.33")
    assert index_percent(D("0"), D("0")) == 0


BANDS = [ClassBand("Tốt", D(90)), ClassBand("Khá", D(80)), ClassBand("Trung bình", D(70)), ClassBand("Yếu")]


def test_classification_takes_the_first_band_reached():
    assert classify(D("90"), BANDS) == "Tốt"
    assert classify(D("89.99"), BANDS) == "Khá"
    assert classify(D("12"), BANDS) == "Yếu"


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    ranks = rank({"A": D("91.2"), "B": D("88"), "C": D("88"), "D": D("75.5"), "E": D("91.2")})
    assert ranks == {"A": 1, "E": 1, "B": 3, "C": 3, "D": 5}


def test_ranking_nothing_gives_nothing():
    assert rank({}) == {}
