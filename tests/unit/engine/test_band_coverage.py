"""Holes and overlaps of band lists, as the set's validation report names them."""

import itertools
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.engine.band_coverage import NON_NEGATIVE, PERCENT, Domain, holes, overlaps
from parindex.engine.bands import first_band, parse_bands
from parindex.engine.rules import compile_rule
from tests.unit.engine.test_shape_properties import any_band


def issues(rule, max_points="2"):
    return compile_rule(rule, max_points).issues()


def ratio(*bands):
    return {"kind": "bands", "measure": "ratio", "bands": list(bands)}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            ratio({"at_least": "80", "points": "2"}, {"at_least": "50", "below": "70", "points": "1"}, {"points": "0"}),
            "Không có mức điểm cho giá trị từ 70 % đến dưới 80 %, rơi vào mức còn lại (0 điểm).",
        ),
        (
            ratio({"above": "90", "points": "2"}, {"at_least": "70", "at_most": "90", "points": "1"}),
            "Không có mức điểm cho giá trị từ 0 % đến dưới 70 %, được 0 điểm.",
        ),
        (
            ratio({"at_least": "90", "points": "2"}, {"above": "50", "below": "90", "points": "1"}),
            "Không có mức điểm cho giá trị từ 0 % đến 50 %, được 0 điểm.",
        ),
        (
            {
                "kind": "bands",
                "measure": "delay_months",
                "bands": [{"at_most": "1", "points": "2"}, {"above": "2", "at_most": "3", "points": "1"}],
            },
            "Không có mức điểm cho giá trị trên 1 tháng đến 2 tháng, được 0 điểm.",
        ),
        (
            {"kind": "bands", "measure": "delay_days", "bands": [{"at_most": "2", "points": "2"}]},
            "Không có mức điểm cho giá trị từ 3 ngày trở lên, được 0 điểm.",
        ),
        (
            {
                "kind": "count_bands",
                "bands": [{"at_least": "5", "points": "2"}, {"at_least": "1", "below": "3", "points": "1"}],
            },
            "Không có mức điểm cho giá trị 0 (số lượng), được 0 điểm.",
        ),
        (
            {
                "kind": "survey",
                "mode": "bands",
                "bands": [{"at_least": "80", "points": "2"}, {"below": "60", "points": "0"}],
            },
            "Không có mức điểm cho giá trị từ 60 % đến dưới 80 %, được 0 điểm.",
        ),
        (
            {
                "kind": "comparison",
                "unit": "percent",
                "bands": [{"above": "5", "points": "2"}, {"below": "0", "points": "-1"}],
            },
            "Không có mức điểm cho giá trị từ 0 % đến 5 %, được 0 điểm.",
        ),
    ],
)
def test_a_hole_is_named_with_its_bounds_as_written(rule, message):
    assert message in issues(rule)


def test_count_holes_are_whole_numbers_and_the_otherwise_band_says_where_they_go():
    rule = {"kind": "count_bands", "value_label": "Số sáng kiến", "bands": [
        {"at_least": "7", "points": "2"}, {"at_least": "1", "at_most": "1", "points": "1"}, {"points": "0"}]}  # fmt: skip
    assert issues(rule) == ["Không có mức điểm cho giá trị từ 2 đến 6 (số sáng kiến), rơi vào mức còn lại (0 điểm)."]
    # Between 1 and 2 there is no whole number: no hole.
    rule["bands"][0]["at_least"] = "1.5"
    assert issues(rule) == []


@pytest.mark.parametrize(
    "bands",
    [
        [{"at_least": "80", "points": "2"}, {"at_least": "50", "points": "1"}, {"points": "0"}],  # top down
        [
            {"above": "90", "points": "2"},
            {"at_least": "70", "at_most": "90", "points": "1"},
            {"below": "70", "points": "0"},
        ],
        [{"at_least": "100", "points": "1"}, {"at_least": "95", "below": "100", "points": "0.5"}, {"points": "0"}],
    ],
)
def test_bands_covering_every_value_once_report_nothing(bands):
    assert issues(ratio(*bands), max(band["points"] for band in bands)) == []


def test_a_band_partly_inside_an_earlier_one_is_reported_with_the_values_taken_twice():
    rule = ratio({"at_least": "85", "points": "2"}, {"at_least": "70", "at_most": "90", "points": "1"}, {"points": "0"})
    assert issues(rule) == [
        "Mức ≥ 70 % và ≤ 90 % trùng một phần với mức trước ở giá trị từ 85 % đến 90 %: "
        "các giá trị này được tính theo mức trước."
    ]
    touching = ratio({"at_least": "90", "points": "2"}, {"at_least": "70", "at_most": "90", "points": "1"})
    assert "giá trị đúng 90 %" in issues(touching)[0]


def test_a_wholly_covered_band_is_reported_once_as_never_reached_not_as_an_overlap():
    rule = ratio({"at_least": "50", "points": "2"}, {"at_least": "60", "at_most": "70", "points": "1"}, {"points": "0"})
    assert [m for m in issues(rule) if "mức ≥ 60 %" in m.lower()] == [
        "Các mức không theo thứ tự: mức ≥ 60 % và ≤ 70 % sẽ không bao giờ được xét (các mức trước đã gồm hết)."
    ]


# --- properties -----------------------------------------------------------------------------

DOMAINS = {
    "percent": Domain(PERCENT, " %"),
    "number": Domain(NON_NEGATIVE),
    "count": Domain(NON_NEGATIVE, integer=True),
}


def candidates(parsed, extra, domain):
    bounds = sorted({b.value for band in parsed for b in (band.low, band.high) if b is not None} | {D(0), D(100)})
    values = [*bounds, *((x + y) / 2 for x, y in itertools.pairwise(bounds)), bounds[-1] + 1, *extra]
    values = [v for v in values if domain.interval.matches(v)]
    return [v for v in values if v == v.to_integral_value()] if domain.integer else values


@given(st.lists(any_band(), min_size=1, max_size=6), st.lists(st.decimals(0, 150, places=2), max_size=5),
       st.sampled_from(sorted(DOMAINS)))  # fmt: skip
def test_a_value_lies_in_a_reported_hole_exactly_when_no_band_takes_it(bands, extra, domain_name):
    domain = DOMAINS[domain_name]
    bands = [band for band in bands if any(key != "points" for key in band)]  # no otherwise band
    if not bands:
        return
    parsed = parse_bands({"bands": bands}, signed=True)
    found = holes(parsed, domain)
    for value in candidates(parsed, extra, domain):
        assert (first_band(parsed, value) is None) == any(hole.matches(value) for hole in found), value


@given(st.lists(any_band(), min_size=2, max_size=6), st.lists(st.decimals(0, 150, places=2), max_size=5))
def test_every_reported_overlap_holds_values_an_earlier_band_takes_too(bands, extra):
    parsed = parse_bands({"bands": bands}, signed=True)
    for band, common in overlaps(parsed, DOMAINS["number"]):
        earlier = parsed[: next(i for i, b in enumerate(parsed) if b is band)]
        inside = [v for v in candidates(parsed, extra, DOMAINS["number"]) if common.matches(v)]
        assert inside
        assert all(band.matches(v) and first_band(earlier, v) is not None for v in inside)
