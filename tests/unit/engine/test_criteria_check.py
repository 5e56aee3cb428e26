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
