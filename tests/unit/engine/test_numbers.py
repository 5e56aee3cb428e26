"""Exact points shown the Vietnamese way, and the rounding a set may declare."""

from decimal import Decimal as D

import pytest

from parindex.engine.numbers import apply_rounding, fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [("1.275", "1,275"), ("2.00", "2"), ("0.50", "0,5"), ("-0.5", "−0,5"), ("10", "10"), ("-0.00", "0")],
)
def test_points_are_shown_exactly_without_trailing_zeros(value, text):
    assert fmt(D(value)) == text


def test_a_quotient_that_never_ends_is_shown_to_six_places():
    assert fmt(D(2) / D(3)) == "0,666667"
    assert fmt(D(1) / D(3), 2) == "0,33"


@pytest.mark.parametrize(("decimals", "expected"), [(None, "1.275"), (2, "1.28"), (1, "1.3"), (0, "1"), (4, "1.2750")])
def test_a_declared_rounding_rounds_half_away_from_zero(decimals, expected):
    assert apply_rounding(D("1.275"), decimals) == D(expected)
    assert apply_rounding(D("-1.275"), decimals) == -D(expected)


@pytest.mark.parametrize("decimals", [-1, 21, "2", 1.5, True])
def test_a_rounding_that_is_not_a_number_of_places_is_refused(decimals):
    with pytest.raises(ValueError, match="decimals"):
        apply_rounding(D(1), decimals)
