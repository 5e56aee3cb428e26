"""The compact parameter syntax of the Excel template: strict, and written back unchanged."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parindex.criteria.parameters import ParamError, parse, to_text


def test_bands_are_written_as_the_official_text_says():
    assert parse("bands", "đo: tỷ lệ\ntrên 90 %: 2\ntừ 70 % đến 90 %: 1\ntừ 50 đến dưới 70: 0,5\ncòn lại: 0") == {
        "measure": "ratio",
        "bands": [
            {"above": "90", "points": "2"},
            {"at_least": "70", "at_most": "90", "points": "1"},
            {"at_least": "50", "below": "70", "points": "0.5"},
            {"points": "0"},
        ],
    }


def test_keyed_lines_settings_and_json():
    assert parse("stages", "[trinh] Đã trình: 1\nTrừ từ 30 % trở lên: −3") == {
        "stages": [{"key": "trinh", "label": "Đã trình", "points": "1"},
                   {"key": "m2", "label": "Trừ từ 30 % trở lên", "points": "-3"}]
    }  # fmt: skip
    assert parse("yes_no", "có: 0,5\nkhông: 0") == {"yes": "0.5", "no": "0"}
    assert parse("not_applicable", '{"substitute": null, "rule": {"kind": "yes_no"}}') == {
        "substitute": None,
        "rule": {"kind": "yes_no"},
    }


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("bands", "khoảng 90: 2", "dòng 1 (“khoảng 90: 2”): mức phải viết"),
        ("bands", "trên 90", "thiếu “: điểm”"),
        ("yes_no", "có: 1\ncó: 2", "dòng 2 (“có: 2”): “có” được ghi hai lần."),
        ("deduction", "mỗi lỗi: 1", "không hiểu; loại “deduction” nhận: “mỗi vi phạm: …”"),
        ("bands", "đo: cân nặng", "“đo” là một trong: tỷ lệ, số"),
        ("composite", "phần 1: 2", "hãy ghi tham số dạng JSON"),
        ("yes_no", '{"kind": "bands"}', "“kind” trong JSON khác cột"),
        ("yes_no", "{" * 40 + "}" * 40, "không phải JSON hợp lệ"),
    ],
)
def test_what_is_not_understood_is_an_error_naming_the_line(kind, text, message):
    with pytest.raises(ParamError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(kind, text)


NUMBERS = st.decimals(min_value=-1000, max_value=1000, places=2).map(lambda d: f"{d.normalize():f}")
BOUND_KEYS = st.sampled_from([(), ("at_least",), ("above",), ("at_most",), ("below",), ("at_least", "below"),
                              ("above", "at_most"), ("at_least", "at_most")])  # fmt: skip
BANDS = st.lists(st.tuples(BOUND_KEYS, st.lists(NUMBERS, min_size=2, max_size=2), NUMBERS), max_size=6).map(
    lambda items: [{**dict(zip(keys, bounds, strict=False)), "points": p} for keys, bounds, p in items]
)


@given(BANDS, st.sampled_from(["ratio", "number", "delay_days"]))
def test_any_bands_written_to_a_cell_read_back_unchanged(bands, measure):
    rule = {"kind": "bands", "measure": measure, "bands": bands}
    assert parse("bands", to_text(rule)) == {k: v for k, v in rule.items() if k != "kind"}


@given(st.lists(st.tuples(st.text(min_size=1, max_size=30), NUMBERS), max_size=5))
def test_any_checklist_reads_back_unchanged_in_compact_form_or_json(items):
    rule = {"kind": "checklist", "items": [{"key": f"k{i}", "label": t, "points": p} for i, (t, p) in enumerate(items)]}
    params = {k: v for k, v in rule.items() if k != "kind"}
    assert parse("checklist", to_text(rule)) == params


def test_judgement_categories_are_written_with_their_cap_and_read_back():
    text = "[cai_tien] Cải tiến: tối đa 3\n[tien_phong] Tiên phong: tối đa 6"
    params = {"categories": [{"key": "cai_tien", "label": "Cải tiến", "max": "3"},
                             {"key": "tien_phong", "label": "Tiên phong", "max": "6"}]}  # fmt: skip
    assert parse("judgement", text) == params
    assert to_text({"kind": "judgement", **params}) == text
    assert parse("judgement", "Cải tiến: 2,5") == {"categories": [{"key": "m1", "label": "Cải tiến", "max": "2.5"}]}
    assert parse("judgement", "") == {}
    with pytest.raises(ParamError, match="dòng 1"):
        parse("judgement", "[x] Cải tiến: tối đa ba")
