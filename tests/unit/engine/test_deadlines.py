"""Deadline rules and the timing texts of the seed plans (every distinct text in seeds 000–004)."""

from datetime import date

import pytest

from parindex.engine.deadlines import (
    WorkingCalendar,
    completion_ratio,
    days_late,
    describe,
    due_after_event,
    expand,
    has_deadline,
    internal_working_days,
    occurrence_status,
    with_internal_deadline,
)
from parindex.engine.timing_parser import parse_timing

# (timing text as printed, how the rule reads back, occurrences in 2024) — reviewed line by line.
SEED_TIMINGS = [
    ("Xây dựng ban hành Kế hoạch trước ngày 15/01 hằng năm", "Ngày 15/01 hằng năm", 1),
    (
        "báo cáo quý I, trước ngày 05/3; báo cáo 6 tháng đầu năm, trước ngày 05/6; quý III, trước ngày 05/9; báo cáo năm, trước ngày 05/12",
        "quý I trước 05/03; 6 tháng trước 05/06; quý III trước 05/09; năm trước 05/12",
        4,
    ),
    (
        "báo cáo quý I, trước ngày 10/3; báo cáo 6 tháng đầu năm, trước ngày 10/6; quý III, trước ngày 10/9; báo cáo năm, trước ngày 10/12",
        "quý I trước 10/03; 6 tháng trước 10/06; quý III trước 10/09; năm trước 10/12",
        4,
    ),
    ("- Trước ngày 01 tháng cuối quý.", "Ngày 1 của tháng cuối mỗi quý", 4),
    ("31/12 hàng năm", "Ngày 31/12 hằng năm", 1),
    (
        "Kế hoạch trong quý IV năm trước liền kề năm kế hoạch; Báo cáo trước ngày 20/12.",
        "Quý IV hằng năm; Ngày 20/12 hằng năm",
        2,
    ),
    ("Quý IV/2021 và các năm tiếp theo", "Quý IV hằng năm", 1),
    ("Theo tiến độ được giao tại Kế hoạch số 1107/KH-UBND ngày 25/6/2021.", "Theo tiến độ (rà soát hằng tháng)", 12),
    ("Theo yêu cầu nhiệm vụ", "Theo yêu cầu (rà soát hằng tháng)", 12),
    ("Thường xuyên trong năm", "Thường xuyên (rà soát hằng tháng)", 12),
    ("Thực hiện thường xuyên hoặc theo chỉ đạo của UBND tỉnh (nếu có)", "Thường xuyên (rà soát hằng tháng)", 12),
    ("Trong năm 2021 và các", "Năm 2021", 0),
    ("Trong năm 2021 và các năm tiếp theo", "Hằng năm (rà soát hằng tháng)", 12),
    ("Trong tháng 1 của năm trước liền kề", "Tháng 1 hằng năm", 1),
    (
        "Trong thời hạn 30 ngày kể từ ngày nhận được kết luận kiểm tra",
        "30 ngày kể từ ngày nhận được kết luận kiểm tra",
        1,
    ),
    ("Trước ngày 25/12 hàng năm", "Ngày 25/12 hằng năm", 1),
    ("Trước ngày 31/01 năm sau", "Ngày 31/01 năm sau", 1),
    ("Đến hết năm 2021 giải ngân từ 95% đến 100% và các năm tiếp theo", "Hằng năm (rà soát hằng tháng)", 12),
    (
        "- Kế hoạch biên chế công chức năm tiếp theo gửi Sở Nội vụ trước ngày 15/5/2024. - Kế hoạch số lượng người làm việc năm tiếp theo gửi Sở Nội vụ trước ngày 01/4/2024.",
        "Hạn 15/05/2024; Hạn 01/04/2024",
        2,
    ),
    (
        "Báo cáo 06 tháng trước ngày 15/6/2024 Báo cáo năm trước ngày 15/11/2024",
        "6 tháng trước 15/06; năm trước 15/11",
        2,
    ),
    (
        "Báo cáo của Sở TNMT gửi trên hệ thống báo cáo Chính phủ chậm nhất vào ngày 18 của tháng cuối quý thuộc kỳ báo cáo",
        "Ngày 18 của tháng cuối mỗi quý",
        4,
    ),
    ("Báo cáo gửi Sở Nội vụ trong ngày 14 của tháng cuối kỳ báo cáo", "Ngày 14 của tháng cuối mỗi quý", 4),
    (
        "Chậm nhất 02 ngày làm việc từ khi văn bản trả lời PAKN được ban hành",
        "2 ngày làm việc kể từ văn bản trả lời pakn được ban hành",
        1,
    ),
    ("Ngày 15/12/2024", "Hạn 15/12/2024", 1),
    ("Năm 2024", "Năm 2024", 1),
    ("Theo hướng dẫn của Sở Nội vụ", "Theo hướng dẫn (rà soát hằng tháng)", 12),
    ("Thường xuyên", "Thường xuyên (rà soát hằng tháng)", 12),
    (
        "Thường xuyên Riêng báo cáo rà soát và đề xuất phương án đơn giản hóa TTHC năm 2024 gửi Văn phòng UBND tỉnh trước ngày 25/7/2024",
        "Thường xuyên (rà soát hằng tháng); Hạn 25/07/2024",
        13,
    ),
    ("Trong năm 2024", "Năm 2024", 1),
    ("Trong quý III và quý IV năm 2024", "Quý III–IV/2024", 1),
    ("Trong quý IV năm 2024", "Quý IV/2024", 1),
    ("Trong vòng 05 ngày kể từ ngày thay đổi thông tin", "5 ngày kể từ ngày thay đổi thông tin", 1),
    ("Trong vòng 30 ngày sau khi có hướng dẫn của UBND tỉnh", "30 ngày kể từ có hướng dẫn của ubnd tỉnh", 1),
    ("Trước ngày 05/12/2024", "Hạn 05/12/2024", 1),
    ("Trước ngày 10/12/2024", "Hạn 10/12/2024", 1),
    ("Trước ngày 15/12/2024", "Hạn 15/12/2024", 1),
    ("Định kỳ hàng tháng", "Cuối mỗi tháng", 12),
    (
        "Báo cáo quý 1, trước ngày 25/02; 6 tháng, trước 20/5; 9 tháng, trước 20/8; năm, trước 10/11/2019",
        "quý I trước 25/02; 6 tháng trước 20/05; quý III trước 20/08; năm trước 10/11",
        4,
    ),
    ("Chậm nhất trong quý III/2018", "Quý III/2018", 0),
    ("Hàng tháng", "Cuối mỗi tháng", 12),
    ("Quý I/2018", "Quý I/2018", 0),
    ("Quý I/2019", "Quý I/2019", 0),
    ("Quý II-III/2019", "Quý II–III/2019", 0),
    ("Quý II/2018", "Quý II/2018", 0),
    ("Quý II/2019", "Quý II/2019", 0),
    ("Quý III/2019", "Quý III/2019", 0),
    ("Theo thời hạn đã đăng ký với UBND tỉnh", "Theo thời hạn (rà soát hằng tháng)", 12),
    ("Theo tiến độ Kế hoạch", "Theo tiến độ (rà soát hằng tháng)", 12),
    ("Theo tiến độ phê duyệt", "Theo tiến độ (rà soát hằng tháng)", 12),
    ("Theo định kỳ", "Theo định kỳ (rà soát hằng tháng)", 12),
    ("Tháng 01/2019", "Tháng 1/2019", 0),
    ("Tháng 10/2019", "Tháng 10/2019", 0),
    ("Tháng 9/2019", "Tháng 9/2019", 0),
    ("Thường xuyên", "Thường xuyên (rà soát hằng tháng)", 12),
    ("Xây dựng Kế hoạch Tháng 01/2019, thực hiện Quý II-III/2019", "Tháng 1/2019; Quý II–III/2019", 0),
]


@pytest.mark.parametrize(("text", "described", "count"), SEED_TIMINGS, ids=[t[0][:50] for t in SEED_TIMINGS])
def test_every_seed_timing_text_is_understood(text, described, count):
    parsed = parse_timing(text, 2024)
    assert parsed.ok, parsed.problems
    assert describe(parsed.rule) == described
    assert len(expand(parsed.rule, 2024)) == count


def test_a_text_with_no_timing_is_reported_with_the_text():
    parsed = parse_timing("Theo dõi hoạt động Tổng đài dịch vụ công 1022 tỉnh", 2019)
    assert not parsed.ok
    assert parsed.problems == [
        "Không nhận ra mốc thời gian trong “Theo dõi hoạt động Tổng đài dịch vụ công 1022 tỉnh”."
    ]


def test_an_empty_timing_cell_is_reported():
    assert parse_timing("  ", 2024).problems == ["Chưa ghi thời gian thực hiện."]


def test_the_report_calendar_of_seed_000_gives_four_reports_a_year():
    rule = parse_timing(
        "báo cáo quý I, trước ngày 10/3; báo cáo 6 tháng đầu năm, trước ngày 10/6; quý III, trước ngày 10/9; "
        "báo cáo năm, trước ngày 10/12",
        2024,
    ).rule
    assert [(o.label, o.due) for o in expand(rule, 2024)] == [
        ("Báo cáo quý I 2024", date(2024, 3, 10)),
        ("Báo cáo 6 tháng 2024", date(2024, 6, 10)),
        ("Báo cáo quý III 2024", date(2024, 9, 10)),
        ("Báo cáo năm 2024", date(2024, 12, 10)),
    ]


def test_units_report_five_days_before_the_department_by_cascade():
    department = parse_timing(
        "báo cáo quý I, trước ngày 10/3; 6 tháng trước 10/6; quý III trước 10/9; năm trước 10/12", 2024
    )
    units = {"kind": "cascade", "rule": department.rule, "days_before": 5}
    assert [o.due for o in expand(units, 2024)] == [
        date(2024, 3, 5),
        date(2024, 6, 5),
        date(2024, 9, 5),
        date(2024, 12, 5),
    ]


def test_an_internal_deadline_wraps_a_rule_once_and_reads_back():
    department = {"kind": "monthly", "day": 25}
    units = with_internal_deadline(department, 5)
    assert units == {"kind": "cascade", "rule": department, "days_before": 5, "working": True}
    assert with_internal_deadline(units, 2)["rule"] == department  # never a cascade of a cascade
    assert with_internal_deadline(units, None) == department
    assert (internal_working_days(units), internal_working_days(department), internal_working_days(None)) == (
        5,
        None,
        None,
    )
    assert not has_deadline({"kind": "open"})
    assert has_deadline({"kind": "all", "rules": [{"kind": "open"}, department]})
    # Sat 25/01/2025 less 5 working days, from Fri 24/01 back: Mon 20/01; 25/02 (Tue) skips a weekend: 18/02.
    assert [o.due for o in expand(units, 2025)[:2]] == [date(2025, 1, 20), date(2025, 2, 18)]


def test_monthly_reports_on_the_25th_give_twelve_occurrences():
    occurrences = expand({"kind": "monthly", "day": 25}, 2024)
    assert len(occurrences) == 12
    assert occurrences[1].due == date(2024, 2, 25)
    assert occurrences[1].label == "Tháng 2/2024"


def test_day_31_of_a_short_month_is_its_last_day():
    assert expand({"kind": "monthly", "day": 31}, 2024)[1].due == date(2024, 2, 29)


def test_a_quarter_range_is_due_at_the_end_of_its_last_quarter():
    [occurrence] = expand(parse_timing("Trong quý III và quý IV năm 2024", 2024).rule, 2024)
    assert (occurrence.starts, occurrence.due, occurrence.label) == (
        date(2024, 7, 1),
        date(2024, 12, 31),
        "Quý III–IV/2024",
    )


def test_a_dated_rule_has_no_occurrence_in_another_year():
    assert expand(parse_timing("Quý III/2021", 2024).rule, 2024) == []
    assert len(expand(parse_timing("Quý III/2021", 2021).rule, 2021)) == 1


def test_open_ended_tasks_get_monthly_review_points():
    occurrences = expand(parse_timing("Thường xuyên", 2024).rule, 2024)
    assert len(occurrences) == 12
    assert all(o.review for o in occurrences)
    assert occurrences[0].due == date(2024, 1, 31)


def test_working_days_skip_weekends_and_tet():
    calendar = WorkingCalendar()
    # Friday 2/2/2024 + 5 working days: Tết holidays 8–14/2 are skipped → Friday 16/2.
    assert calendar.add_working_days(date(2024, 2, 2), 5) == date(2024, 2, 16)
    assert not calendar.is_working_day(date(2024, 2, 10))
    assert calendar.holiday_name(date(2024, 9, 2)) is not None


def test_admin_days_off_and_make_up_saturdays_count():
    calendar = WorkingCalendar(extra_days_off=[date(2024, 5, 2)], extra_workdays=[date(2024, 5, 4)])
    assert not calendar.is_working_day(date(2024, 5, 2))
    assert calendar.is_working_day(date(2024, 5, 4))
    assert calendar.holiday_name(date(2024, 5, 2)) == "Ngày nghỉ bù"


def test_an_event_deadline_in_working_days_of_seed_002():
    rule = parse_timing("Chậm nhất 02 ngày làm việc từ khi văn bản trả lời PAKN được ban hành", 2024).rule
    assert due_after_event(rule, date(2024, 4, 26)) == date(2024, 5, 3)  # 29/4–1/5 are holidays, then Thursday 2/5


def test_an_event_deadline_in_calendar_days():
    rule = parse_timing("Trong vòng 30 ngày sau khi có hướng dẫn của UBND tỉnh", 2024).rule
    assert due_after_event(rule, date(2024, 3, 1)) == date(2024, 3, 31)


@pytest.mark.parametrize(
    ("due", "done", "today", "status"),
    [
        (date(2024, 3, 10), date(2024, 3, 9), date(2024, 4, 1), "done_on_time"),
        (date(2024, 3, 10), date(2024, 3, 12), date(2024, 4, 1), "done_late"),
        (date(2024, 3, 10), None, date(2024, 3, 11), "overdue"),
        (date(2024, 3, 10), None, date(2024, 3, 3), "due_soon"),
        (date(2024, 3, 10), None, date(2024, 3, 1), "not_due"),
        (None, None, date(2024, 3, 1), "no_deadline"),
    ],
)
def test_occurrence_status(due, done, today, status):
    assert occurrence_status(due, done, today) == status


def test_days_late_counts_calendar_days_until_done_or_today():
    assert days_late(date(2024, 3, 10), None, date(2024, 3, 25)) == 15
    assert days_late(date(2024, 3, 10), date(2024, 3, 12), date(2024, 3, 25)) == 2
    assert days_late(date(2024, 3, 10), None, date(2024, 3, 1)) == 0


def test_completion_ratio_counts_done_over_due():
    assert completion_ratio(["done_on_time", "done_late", "overdue", "not_due", "due_soon"]) == (2, 3)


def test_five_working_days_from_22_04_2025_count_the_make_up_saturday_26_04():
    # 2025: Friday 02/05 is a day off swapped for Saturday 26/04, a working day for civil servants.
    rule = parse_timing("05 ngày làm việc kể từ ngày nhận văn bản", 2025).rule
    calendar = WorkingCalendar()
    assert calendar.is_working_day(date(2025, 4, 26))
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert not calendar.is_working_day(date(2025, 4, 27))
    assert due_after_event(rule, date(2025, 4, 22)) == date(2025, 4, 28)
    assert calendar.subtract_working_days(date(2025, 4, 28), 1) == date(2025, 4, 26)


def test_an_organizations_own_day_off_wins_over_a_national_make_up_saturday():
    calendar = WorkingCalendar(extra_days_off=[date(2025, 4, 26)])
    assert not calendar.is_working_day(date(2025, 4, 26))
    assert calendar.add_working_days(date(2025, 4, 22), 5) == date(2025, 4, 29)
    # Saturdays of other years stay weekends unless the package lists them for that year.
    assert not WorkingCalendar().is_working_day(date(2024, 4, 27))
