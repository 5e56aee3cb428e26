"""Standard, bonus and penalty areas, and a set's declared rounding, in the roll-up."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from parindex.engine.scoring import BONUS, PENALTY, LeafScore, Node, Rounding, aggregate

points = st.decimals(min_value=0, max_value=10, places=3)
penalties = st.decimals(min_value=-20, max_value=0, places=3)


def leaf(code, max_points):
    return Node(code, D(max_points))


def tree(bonus_max="5", penalty_max="0"):
    """100 standard points in two areas, a bonus area on top and a penalty area with no stated limit."""
    return [
        Node("1", D(60), (leaf("1.1", "40"), leaf("1.2", "20"))),
        Node("2", D(40), (leaf("2.1", "40"),)),
        Node("B", D(bonus_max), (leaf("B.1", bonus_max),), area=BONUS),
        Node("P", D(penalty_max), (leaf("P.1", penalty_max), leaf("P.2", penalty_max)), area=PENALTY),
    ]


FULL = {"1.1": D(40), "1.2": D(20), "2.1": D(40)}


def test_every_standard_point_earned_is_100_even_with_a_bonus_area():
    rollup = aggregate(tree(), FULL)
    assert rollup.maximum == 100
    assert rollup.index == 100


def test_bonus_goes_above_100_and_penalties_below_without_a_limit():
    assert aggregate(tree(), {**FULL, "B.1": D(3)}).index == D("103.00")
    rollup = aggregate(tree(), {**FULL, "P.1": D(-7), "P.2": D("-0.5")})
    assert rollup.points["P"] == D("-7.5")
    assert rollup.total == D("92.5")
    assert rollup.by_area == {"standard": 100, "bonus": 0, "penalty": D("-7.5")}


def test_a_penalty_area_with_a_maximum_stops_there_and_never_adds():
    rollup = aggregate(tree(penalty_max="2"), {**FULL, "P.1": D(-2), "P.2": D(-2)})
    assert rollup.points["P"] == -2
    assert aggregate(tree(), {"P.1": D(3)}).points["P"] == 0


def test_an_excluded_bonus_leaf_leaves_the_denominator_alone():
    rollup = aggregate(tree(), {**FULL, "B.1": LeafScore(D(0), excluded=True)})
    assert rollup.excluded_max == 0
    assert rollup.index == 100


def test_rounding_at_the_criterion_rounds_each_before_adding():
    leaves = {"1.1": D("1.275"), "1.2": D("1.275")}
    assert aggregate(tree(), leaves).total == D("2.55")  # exact: nothing rounded
    per_criterion = aggregate(tree(), leaves, Rounding(2, "criterion"))
    assert per_criterion.points["1.1"] == D("1.28")
    assert per_criterion.total == D("2.56")
    on_total = aggregate(tree(), {**leaves, "2.1": D("0.004")}, Rounding(2, "total"))
    assert on_total.points["1.1"] == D("1.275")
    assert on_total.total == D("2.55")


@given(st.decimals(min_value=0, max_value=5, places=3), st.decimals(min_value=0, max_value=60, places=3))
def test_a_bonus_never_lowers_the_index(bonus, standard):
    without = aggregate(tree(), {"1.1": min(standard, D(40))})
    with_bonus = aggregate(tree(), {"1.1": min(standard, D(40)), "B.1": bonus})
    assert with_bonus.index >= without.index


@given(penalties, penalties, points)
def test_a_penalty_never_raises_the_index(first, second, standard):
    without = aggregate(tree(), {"2.1": standard})
    with_penalty = aggregate(tree(), {"2.1": standard, "P.1": first, "P.2": second})
    assert with_penalty.index <= without.index
    assert with_penalty.total == without.total + first + second


@given(
    st.lists(points, min_size=3, max_size=3),
    st.sampled_from([None, 0, 1, 2, 3]),
    st.sampled_from(["criterion", "total"]),
)
def test_rounding_moves_the_total_by_less_than_its_step_per_rounded_figure(values, decimals, at):
    leaves = dict(zip(("1.1", "1.2", "2.1"), values, strict=True))
    exact = aggregate(tree(), leaves).total
    rounded = aggregate(tree(), leaves, Rounding(decimals, at)).total
    if decimals is None:
        assert rounded == exact
    else:
        figures = 3 if at == "criterion" else 1  # each leaf, or the total alone
        assert abs(rounded - exact) <= figures * D(1).scaleb(-decimals) / 2


def test_a_signed_leaf_without_a_maximum_keeps_its_deduction_inside_a_standard_area():
    late = Node("1.3", D(0), signed=True)  # "chậm mỗi ngày −1": a rule that can only take points
    area = Node("1", D(10), (leaf("1.1", "10"), late))
    rollup = aggregate([area], {"1.1": D(8), "1.3": D(-5)})
    assert rollup.points["1.3"] == -5
    assert rollup.points["1"] == 3
    assert aggregate([area], {"1.1": D(2), "1.3": D(-5)}).points["1"] == 0  # the area is not signed
