from decimal import Decimal as D

from parindex.engine.criteria_check import ERROR, WARNING, Row, check_set, parent_code


def rows(*items):
    return [Row(code, None if m is None else D(m), rule) for code, m, rule in items]


def messages(issues):
    return [(i.code, i.message) for i in issues]


def test_parent_is_the_longest_known_prefix():
    assert parent_code("3.4.4", {"3", "3.4"}) == "3.4"
    assert parent_code("3.4.4", {"3"}) == "3"
    assert parent_code("3", {"3"}) is None


def test_a_clean_set_has_no_issues():
    assert check_set(rows(("1", "1", None), ("1.1", "0.5", None), ("1.2", "0.5", None)), D(1)) == []


def test_it_reports_a_parent_whose_max_differs_from_its_children():
    issues = check_set(rows(("1", "4", None), ("1.1", "1", None), ("1.2", "2.5", None)))
    assert messages(issues) == [("1", "Điểm tối đa 4 khác tổng điểm tối đa các tiêu chí con (1.1, 1.2) là 3,5.")]


def test_it_reports_duplicate_codes_as_errors():
    issues = check_set(rows(("1", "1", None), ("1", "1", None)))
    assert [(i.code, i.level) for i in issues if "trùng" in i.message] == [("1", ERROR)]


def test_it_reports_numbering_gaps_like_seed_003():
    issues = check_set(rows(("3", None, None), ("3.4", None, None), ("3.4.4", None, None), ("3.4.5", None, None)))
    assert ("3.4", "Đánh số bị thiếu: 3.4.1, 3.4.2, 3.4.3.") in messages(issues)


def test_it_reports_a_rule_that_can_exceed_max():
    rule = {"kind": "count_bands", "bands": [{"at_least": 7, "points": 8}, {"points": 0}]}
    issues = check_set(rows(("1", "7", rule)))
    assert messages(issues) == [("1", "Quy tắc có thể cho 8 điểm, vượt điểm tối đa 7.")]


def test_it_reports_an_unusable_rule_as_an_error():
    issues = check_set(rows(("1", "1", {"kind": "ratio_threshold"})))
    assert [(i.level, i.message) for i in issues] == [(ERROR, "Quy tắc thiếu tham số “threshold”.")]


def test_it_reports_a_total_that_differs_from_the_published_total():
    issues = check_set(rows(("1", "60", None), ("2", "39", None)), D(100))
    assert messages(issues) == [("", "Tổng điểm các lĩnh vực là 99, khác tổng điểm công bố 100.")]


def test_it_reports_missing_maxima_and_keeps_every_row():
    issues = check_set(rows(("1", None, None)))
    assert [(i.code, i.level) for i in issues] == [("1", WARNING)]


def test_it_reports_a_level_skipped_between_parent_and_child():
    issues = check_set(rows(("2", "2", None), ("2.3.1", "2", None)))
    assert ("2.3.1", "Không có tiêu chí “2.3” đứng trên “2.3.1”.") in messages(issues)


def test_numbering_gaps_are_named_in_the_siblings_own_scheme():
    from parindex.engine.criteria_check import missing_numbers

    assert missing_numbers(["I", "II", "IV"]) == ["III"]
    assert missing_numbers(["a", "b", "d"]) == ["c"]
    assert missing_numbers(["a", "b", "c", "d", "đ", "g"]) == ["e"]  # Vietnamese points skip f
    assert missing_numbers(["1", "2", "4"]) == ["3"]
    assert missing_numbers(["I", "V"]) == ["II", "III", "IV"]
    assert missing_numbers(["c", "d"]) == ["a", "b"]  # letters, not Roman 100 and 500
    assert missing_numbers(["1", "b"]) == []  # mixed: nothing to say


def test_a_roman_numbered_set_reports_the_missing_area():
    issues = check_set(rows(("I", "1", None), ("II", "1", None), ("IV", "1", None)))
    assert messages(issues) == [("", "Đánh số bị thiếu: III.")]
    issues = check_set(rows(("1", "2", None), ("1.a", "1", None), ("1.b", "0.5", None), ("1.d", "0.5", None)))
    assert ("1", "Đánh số bị thiếu: 1.c.") in messages(issues)


def test_stated_counts_and_totals_that_disagree_with_the_rows_are_each_reported():
    table = [
        Row("1", D(10), stated={"criteria": 3, "total": "12"}),
        Row("1.1", D(4)),
        Row("1.2", D(6)),
        Row("2", D(90)),
        Row("2.1", D(90)),
        Row("3", D(5), area="bonus"),
        Row("3.1", D(5)),
    ]
    issues = messages(check_set(table, D(100), stated={"criteria": 5, "total": "100"}))
    assert ("1", "Tiêu chí “1” nêu 3 tiêu chí con, bảng có 2.") in issues
    assert ("1", "Tiêu chí “1” nêu tổng 12 điểm, tổng điểm các tiêu chí con là 10.") in issues
    assert ("1", "Tiêu chí “1” nêu tổng 12 điểm, điểm tối đa ghi 10.") in issues
    assert ("", "Văn bản nêu 5 tiêu chí (dưới các lĩnh vực), bảng có 4.") in issues
    # the bonus area stays out of the standard total: 10 + 90 = 100 as stated
    assert not any("tổng điểm công bố" in m or "lĩnh vực tính điểm chuẩn là" in m for _, m in issues)


def test_a_rule_that_can_never_reach_its_maximum_is_reported():
    issues = check_set(rows(("1", "2", {"kind": "yes_no", "yes": "1.5"})))
    assert messages(issues) == [("1", "Quy tắc cho nhiều nhất 1,5 điểm: không bao giờ đạt điểm tối đa 2.")]
    assert check_set(rows(("1", "2", {"kind": "yes_no"}))) == []
