"""Deadline rules: data (`{"kind": ..., params}`) that expand to concrete occurrences in a year.

Kinds:
- fixed         {"date": "2024-12-15"}                               one deadline
- yearly        {"day": 25, "month": 12, "year_offset": 0}           every year (offset: "năm sau" = 1)
- monthly       {"day": 25}  (day None: the last day of the month)   twelve deadlines
- quarterly     {"day": 18, "month_of_quarter": 3}                   four deadlines
- report_calendar {"dates": {"q1": [10, 3], "h1": [10, 6], "q3": [10, 9], "year": [10, 12]}}
- period        {"start": ["quarter", 3], "end": ["quarter", 4], "year": 2024 | None, "year_offset": 0}
                due at the end of `end`; year None recurs every year
- after_event   {"days": 5, "working": true, "event": "…"}           due N (working) days after an event
- open          {"label": "Thường xuyên"}                            no deadline; a review point each month
- cascade       {"rule": {…}, "days_before": 5, "working": false}    an internal deadline ahead of another
- all           {"rules": [{…}, …]}                                  several deadlines in one text
Dates printed as "trước ngày 15/12" are taken as due on 15/12 (the day the office must have it).
`today` is always passed in; nothing here reads the clock.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import holidays

from parindex.engine.errors import RuleError

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
REPORT_PERIODS = {"q1": "Báo cáo quý I", "h1": "Báo cáo 6 tháng", "q3": "Báo cáo quý III", "year": "Báo cáo năm"}
DUE_SOON_DAYS = 7

STATUS_LABELS = {
    "done_on_time": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
    "due_soon": "Sắp đến hạn",
    "not_due": "Chưa đến hạn",
    "no_deadline": "Không có hạn",
}


@dataclass(frozen=True)
class Occurrence:
    key: str  # stable within a task and year: "2024", "2024-q1", "2024-m03", "2024-r1-…"
    label: str
    due: date | None  # None: waits for its event (after_event)
    starts: date | None = None
    review: bool = False  # a monthly review point of an open-ended task, not a deadline


class WorkingCalendar:
    """Vietnamese working days: Monday–Friday minus public holidays (Tết by the lunar calendar,
    from the `holidays` package), plus the national make-up working Saturdays the same package
    knows (26/04/2025 for the 02/05/2025 bridge day), then an organization's own days off and
    make-up days on top."""

    def __init__(self, extra_days_off: Iterable[date] = (), extra_workdays: Iterable[date] = ()) -> None:
        self.extra_days_off = frozenset(extra_days_off)
        self.extra_workdays = frozenset(extra_workdays)

    def holiday_name(self, day: date) -> str | None:
        if day in self.extra_days_off:
            return "Ngày nghỉ bù"
        return _public_holidays(day.year).get(day)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day in self.extra_days_off:
            return False
        if day in _public_workdays(day.year):
            return True
        return day.weekday() < 5 and day not in _public_holidays(day.year)

    def add_working_days(self, start: date, days: int) -> date:
        """The day `days` working days after `start` (start itself not counted)."""
        current, remaining = start, days
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def subtract_working_days(self, end: date, days: int) -> date:
        current, remaining = end, days
        while remaining > 0:
            current -= timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> Mapping[date, str]:
    return dict(holidays.country_holidays("VN", years=year, language="vi"))


@lru_cache(maxsize=64)
def _public_workdays(year: int) -> frozenset[date]:
    # The package keeps weekend workdays of a few special years regardless of `years`: keep this year's.
    calendar_year = holidays.country_holidays("VN", years=year)
    return frozenset(d for d in calendar_year.weekend_workdays if d.year == year)


DEFAULT_CALENDAR = WorkingCalendar()


# --- expansion ---------------------------------------------------------------------------


def expand(rule: Mapping[str, Any], year: int, cal: WorkingCalendar = DEFAULT_CALENDAR) -> list[Occurrence]:
    """The occurrences of `rule` that fall in `year`, in date order (events last)."""
    occurrences = _expand(rule, year, cal)
    return sorted(occurrences, key=lambda o: (o.due is None, o.due or date.max, o.key))


def _expand(rule: Mapping[str, Any], year: int, cal: WorkingCalendar) -> list[Occurrence]:
    kind = rule.get("kind")
    if kind == "fixed":
        due = date.fromisoformat(rule["date"])
        return [Occurrence(str(due.year), rule.get("label") or f"Hạn {due:%d/%m/%Y}", due)] if due.year == year else []
    if kind == "yearly":
        due = _safe_date(year + int(rule.get("year_offset", 0)), int(rule["month"]), int(rule["day"]))
        return [Occurrence(str(year), rule.get("label") or f"Năm {year}", due)]
    if kind == "monthly":
        return [
            Occurrence(f"{year}-m{m:02d}", f"Tháng {m}/{year}", _safe_date(year, m, rule.get("day")))
            for m in range(1, 13)
        ]
    if kind == "quarterly":
        offset = int(rule.get("month_of_quarter", 3)) - 1
        return [
            Occurrence(
                f"{year}-q{q}", f"Quý {ROMAN[q]}/{year}", _safe_date(year, 3 * (q - 1) + 1 + offset, rule.get("day"))
            )
            for q in range(1, 5)
        ]
    if kind == "report_calendar":
        if rule.get("year") and int(rule["year"]) != year:
            return []
        result = []
        for period, (day, month) in rule["dates"].items():
            due = _safe_date(year, int(month), int(day))
            result.append(Occurrence(f"{year}-{period}", f"{REPORT_PERIODS[period]} {year}", due))
        return result
    if kind == "period":
        return _expand_period(rule, year)
    if kind == "after_event":
        return [Occurrence(f"{year}-event", rule.get("label") or "Theo sự kiện", None)]
    if kind == "open":
        if rule.get("from_year") and year < int(rule["from_year"]):
            return []
        return [
            Occurrence(f"{year}-m{m:02d}", f"Rà soát tháng {m}/{year}", _safe_date(year, m, None), review=True)
            for m in range(1, 13)
        ]
    if kind == "cascade":
        shifted = []
        for occurrence in _expand(rule["rule"], year, cal):
            # Events get their date later (shifted then, see shift_before); review points are no deadlines.
            if occurrence.due is None or occurrence.review:
                shifted.append(occurrence)
                continue
            due = shift_before(occurrence.due, rule, cal)
            shifted.append(Occurrence(occurrence.key, f"{occurrence.label} (nội bộ)", due, occurrence.starts))
        return shifted
    if kind == "all":
        result = []
        for index, part in enumerate(rule["rules"], start=1):
            for occurrence in _expand(part, year, cal):
                result.append(
                    Occurrence(
                        f"{occurrence.key}-r{index}",
                        occurrence.label,
                        occurrence.due,
                        occurrence.starts,
                        occurrence.review,
                    )
                )
        return result
    raise RuleError(f"Loại mốc thời gian “{kind}” không tồn tại.")


def _expand_period(rule: Mapping[str, Any], year: int) -> list[Occurrence]:
    base = rule.get("year")
    if base is not None and int(base) + int(rule.get("year_offset", 0)) != year:
        return []
    target = year if base is not None else year + int(rule.get("year_offset", 0))
    start_unit, start_n = rule["start"]
    end_unit, end_n = rule.get("end") or rule["start"]
    starts = _unit_bounds(target, start_unit, int(start_n))[0]
    due = _unit_bounds(target, end_unit, int(end_n))[1]
    label = _period_label(target, (start_unit, int(start_n)), (end_unit, int(end_n)))
    return [Occurrence(f"{year}-{start_unit[0]}{start_n}-{end_unit[0]}{end_n}", label, due, starts)]


def _unit_bounds(year: int, unit: str, n: int) -> tuple[date, date]:
    if unit == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if unit == "quarter":
        first = 3 * (n - 1) + 1
        return date(year, first, 1), _safe_date(year, first + 2, None)
    if unit == "month":
        return date(year, n, 1), _safe_date(year, n, None)
    raise RuleError(f"Đơn vị thời gian “{unit}” không hợp lệ.")


def _period_label(year: int, start: tuple[str, int], end: tuple[str, int]) -> str:
    def one(unit: str, n: int) -> str:
        return {"year": "Năm", "quarter": f"Quý {ROMAN.get(n, n)}", "month": f"Tháng {n}"}[unit]

    if start == end:
        return f"Năm {year}" if start[0] == "year" else f"{one(*start)}/{year}"
    if start[0] == end[0] == "quarter":
        return f"Quý {ROMAN[start[1]]}–{ROMAN[end[1]]}/{year}"
    return f"{one(*start)} – {one(*end)}/{year}"


def _safe_date(year: int, month: int, day: int | None) -> date:
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last if day is None else min(int(day), last))


def due_after_event(rule: Mapping[str, Any], event: date, cal: WorkingCalendar = DEFAULT_CALENDAR) -> date:
    days = int(rule["days"])
    return cal.add_working_days(event, days) if rule.get("working") else event + timedelta(days=days)


def shift_before(due: date, cascade: Mapping[str, Any], cal: WorkingCalendar = DEFAULT_CALENDAR) -> date:
    """The internal deadline a cascade rule sets ahead of the department's `due`."""
    days = int(cascade.get("days_before", 0))
    return cal.subtract_working_days(due, days) if cascade.get("working") else due - timedelta(days=days)


# --- internal deadlines (cascade) ----------------------------------------------------------


def with_internal_deadline(rule: Mapping[str, Any], working_days: int | None) -> dict[str, Any]:
    """`rule` as the department's deadline, the units' own `working_days` working days ahead of it
    (none: the rule itself). A rule that already is a cascade is unwrapped first, never nested."""
    inner = dict(rule["rule"]) if rule.get("kind") == "cascade" else dict(rule)
    if not working_days:
        return inner
    return {"kind": "cascade", "rule": inner, "days_before": int(working_days), "working": True}


def internal_working_days(rule: Mapping[str, Any] | None) -> int | None:
    """The N of a cascade counted in working days, as the task form shows it."""
    if rule and rule.get("kind") == "cascade" and rule.get("working"):
        return int(rule.get("days_before", 0)) or None
    return None


def has_deadline(rule: Mapping[str, Any]) -> bool:
    """False for open-ended rules (review points only), which no internal deadline can precede."""
    kind = rule.get("kind")
    if kind == "open":
        return False
    if kind == "all":
        return any(has_deadline(part) for part in rule["rules"])
    if kind == "cascade":
        return has_deadline(rule["rule"])
    return True


# --- status ------------------------------------------------------------------------------


def occurrence_status(due: date | None, done_on: date | None, today: date) -> str:
    if done_on is not None:
        return "done_late" if due is not None and done_on > due else "done_on_time"
    if due is None:
        return "no_deadline"
    if due < today:
        return "overdue"
    if (due - today).days <= DUE_SOON_DAYS:
        return "due_soon"
    return "not_due"


def days_late(due: date | None, done_on: date | None, today: date) -> int:
    if due is None:
        return 0
    return max(0, ((done_on or today) - due).days)


def completion_ratio(statuses: Iterable[str]) -> tuple[int, int]:
    """(b, a) for the scoring engine: b tasks done (on time or late) out of a tasks due."""
    done = due = 0
    for status in statuses:
        if status in {"done_on_time", "done_late"}:
            done += 1
            due += 1
        elif status == "overdue":
            due += 1
    return done, due


# --- description ---------------------------------------------------------------------------


def describe(rule: Mapping[str, Any]) -> str:
    kind = rule.get("kind")
    if kind == "fixed":
        return f"Hạn {date.fromisoformat(rule['date']):%d/%m/%Y}"
    if kind == "yearly":
        suffix = {0: "hằng năm", 1: "năm sau", -1: "năm trước"}[int(rule.get("year_offset", 0))]
        return f"Ngày {int(rule['day']):02d}/{int(rule['month']):02d} {suffix}"
    if kind == "monthly":
        return f"Ngày {rule['day']} hằng tháng" if rule.get("day") else "Cuối mỗi tháng"
    if kind == "quarterly":
        which = "cuối" if int(rule.get("month_of_quarter", 3)) == 3 else "đầu"
        return f"Ngày {rule.get('day') or 'cuối'} của tháng {which} mỗi quý"
    if kind == "report_calendar":
        return "; ".join(
            f"{REPORT_PERIODS[p].replace('Báo cáo ', '')} trước {int(d):02d}/{int(m):02d}"
            for p, (d, m) in rule["dates"].items()
        )
    if kind == "period":
        year = rule.get("year")
        label = _period_label(year or 0, tuple(rule["start"]), tuple(rule.get("end") or rule["start"]))
        return label.replace("/0", " hằng năm") if year is None else label
    if kind == "after_event":
        unit = "ngày làm việc" if rule.get("working") else "ngày"
        return f"{rule['days']} {unit} kể từ {rule.get('event') or 'sự kiện'}"
    if kind == "open":
        return f"{rule.get('label') or 'Thường xuyên'} (rà soát hằng tháng)"
    if kind == "cascade":
        unit = "ngày làm việc" if rule.get("working") else "ngày"
        return f"{describe(rule['rule'])} (hạn của Sở) — hạn nội bộ của đơn vị: trước {rule['days_before']} {unit}"
    if kind == "all":
        return "; ".join(describe(part) for part in rule["rules"])
    return str(kind)
