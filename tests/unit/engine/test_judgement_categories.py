"""A judgement with categories, each with its own cap: "cải tiến: tối đa 3; tiên phong: tối đa 6"."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.engine.errors import RuleError
from parindex.engine.numbers import fmt
from parindex.engine.rules import compile_rule

CATEGORIES = [
    {"key": "cai_tien", "label": "Cải tiến", "max": "3"},
    {"key": "tien_phong", "label": "Tiên phong", "max": "6"},
]
RULE = {"kind": "judgement", "categories": CATEGORIES}


def judged(inputs, max_points="6"):
    return compile_rule(RULE, max_points).evaluate(inputs)


def test_the_appraiser_scores_within_the_chosen_categorys_cap_and_the_explanation_names_it():
    result = judged({"category": "tien_phong", "points": "5"})
    assert (result.points, result.explanation) == (5, "Tiên phong (tối đa 6): 5 điểm")
    assert judged({"category": "cai_tien", "points": "2,5"}).explanation == "Cải tiến (tối đa 3): 2,5 điểm"


@pytest.mark.parametrize(
    ("inputs", "error"),
    [
        ({"category": "cai_tien", "points": "4"}, "Điểm chấm loại “Cải tiến” phải từ 0 đến 3."),
        ({"category": "tien_phong", "points": "-1"}, "“Điểm chấm” không được âm."),
        ({"category": "khac", "points": "1"}, "“khac” không phải là lựa chọn hợp lệ của “Loại”."),
        ({"points": "1"}, "Chọn loại trước khi chấm điểm (Cải tiến, Tiên phong)."),
        ({"category": "cai_tien"}, "Thiếu số liệu “Điểm chấm”."),
    ],
)
def test_a_bad_category_or_points_outside_its_cap_are_refused_in_vietnamese(inputs, error):
    result = judged(inputs)
    assert (result.points, result.error) == (None, error)


def test_the_form_asks_for_a_category_then_the_points():
    category, points = compile_rule(RULE, "6").fields()
    assert (category.key, category.type, points.key, points.type) == ("category", "choice", "points", "number")
    assert category.choices == (("cai_tien", "Cải tiến (tối đa 3)"), ("tien_phong", "Tiên phong (tối đa 6)"))


def test_the_range_is_0_to_the_largest_cap_and_a_criterion_max_off_it_is_reported():
    rule = compile_rule(RULE, "6")
    assert (rule.minimum(), rule.upper_bound(), rule.issues()) == (0, 6, [])
    assert compile_rule(RULE, "7").issues() == ["Quy tắc cho nhiều nhất 6 điểm: không bao giờ đạt điểm tối đa 7."]
    assert compile_rule(RULE, "5").issues() == ["Quy tắc có thể cho 6 điểm, vượt điểm tối đa 5."]


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        ([], "danh sách “categories”"),
        ([{"key": "a", "max": "1"}, {"key": "a", "max": "2"}], "bị trùng"),
        ([{"key": "a", "max": "-1"}], "không được âm"),
        ([{"key": "a"}], "thiếu tham số “max”"),
    ],
)
def test_bad_categories_are_refused(categories, message):
    with pytest.raises(RuleError, match=message):
        compile_rule({"kind": "judgement", "categories": categories}, "3")


def test_a_judgement_without_categories_is_unchanged():
    rule = compile_rule({"kind": "judgement"}, "2")
    assert [f.key for f in rule.fields()] == ["points"]
    assert rule.evaluate({"points": "1,5"}).explanation == "Chấm theo đánh giá: 1,5/2 điểm"
    assert rule.evaluate({"points": "3"}).error == "Điểm chấm phải từ 0 đến 2."


@given(
    st.lists(st.decimals(min_value=0, max_value=10, places=2), min_size=1, max_size=4),
    st.data(),
)
def test_accepted_points_are_as_entered_within_the_categorys_cap_and_the_rules_range(caps, data):
    categories = [{"key": f"k{i}", "label": f"Loại {i}", "max": str(cap)} for i, cap in enumerate(caps)]
    rule = compile_rule({"kind": "judgement", "categories": categories}, str(max(caps)))
    index = data.draw(st.integers(0, len(caps) - 1))
    points = data.draw(st.decimals(min_value=0, max_value=12, places=2))
    result = rule.evaluate({"category": f"k{index}", "points": str(points)})
    if points <= caps[index]:
        assert result.points == points
        assert rule.minimum() <= points <= rule.upper_bound() == max(caps)
    else:
        assert result.points is None
        assert result.error == f"Điểm chấm loại “Loại {index}” phải từ 0 đến {fmt(caps[index])}."
