"""Survey maths against hand-computed figures."""

from decimal import Decimal as D

from parindex.engine.survey import cell, sipas, table


def test_index_is_satisfied_plus_very_satisfied_over_valid_answers():
    # 3 very satisfied, 4 satisfied, 2 neutral, 1 unsatisfied, 2 unanswered: 7/10 = 70 %
    result = cell([5, 5, 5, 4, 4, 4, 4, 3, 3, 2, None, None])
    assert (result.n, result.satisfied, result.index) == (10, 7, D("70.00"))


def test_all_neutral_answers_give_zero_not_hidden():
    assert cell([3, 3, 3]).index == D("0.00")


def test_an_empty_cell_is_hidden():
    assert cell([]).index is None
    assert cell([None, None]).hidden


def test_cells_below_the_minimum_are_hidden_but_keep_their_n():
    result = cell([5, 4, 1], min_n=5)
    assert result.hidden
    assert result.n == 3


def test_sipas_is_the_mean_of_the_element_indices():
    assert sipas({"access": D("80"), "procedure": D("90"), "staff": D("70")}) == D("80.00")


def test_sipas_weights():
    # (80×2 + 90×1 + 70×1) / 4 = 80
    assert sipas({"access": D("80"), "procedure": D("90"), "staff": D("70")}, {"access": D(2)}) == D("80.00")
    assert sipas({"access": D("100"), "procedure": D("50")}, {"access": D(3), "procedure": D(1)}) == D("87.50")


def test_sipas_skips_hidden_elements_and_is_none_when_all_are_hidden():
    assert sipas({"access": D("90"), "procedure": None}) == D("90.00")
    assert sipas({"access": None}) is None


def test_table_computes_every_element_and_overall():
    answers = [{"access": 5, "procedure": 3, "overall": 4}, {"access": 4, "procedure": 4, "overall": 2}]
    result = table(answers)
    assert result["access"].index == D("100.00")
    assert result["procedure"].index == D("50.00")
    assert result["overall"].index == D("50.00")
    assert result["staff"].hidden


def test_national_figures_are_plausible_outputs():
    # 2024 national SIPAS 83,94 %: 8394 satisfied of 10000 reproduces it exactly.
    assert cell([5] * 8394 + [3] * 1606).index == D("83.94")


# --- counts give the figures the rows give ------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from parindex.engine.survey import TABLE_KEYS, answer_counts, table_of_counts  # noqa: E402

LEVEL_OR_JUNK = st.one_of(st.none(), st.integers(min_value=-1, max_value=7))
ANSWER = st.dictionaries(st.sampled_from([*TABLE_KEYS, "other"]), LEVEL_OR_JUNK)


@given(
    answers=st.lists(ANSWER, max_size=40),
    min_n=st.integers(min_value=0, max_value=8),
    weights=st.dictionaries(st.sampled_from(TABLE_KEYS[:5]), st.integers(min_value=0, max_value=3).map(D)),
)
def test_counted_table_and_sipas_equal_the_row_based_ones(answers, min_n, weights):
    totals = {key: [0, 0] for key in TABLE_KEYS}
    for answer in answers:
        for key, (valid, satisfied) in answer_counts(answer).items():
            totals[key][0] += valid
            totals[key][1] += satisfied
    counted = table_of_counts({k: tuple(v) for k, v in totals.items()}, min_n=min_n)
    rows = table(answers, min_n=min_n)
    assert counted == rows
    elements = [k for k in TABLE_KEYS if k != "overall"]
    assert sipas({k: counted[k].index for k in elements}, weights) == sipas(
        {k: rows[k].index for k in elements}, weights
    )
