"""Reading the timing column of Vietnamese plans ("Tiến độ", "Thời gian thực hiện") into a
deadline rule (see deadlines.py). What cannot be read is said so, with the text."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

ROMAN_NUMBERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
QUARTER = r"(iv|iii|ii|i|[1-4])"
OPEN_MARKERS = (
    "thường xuyên",
    "theo yêu cầu",
    "theo chỉ đạo",
    "theo tiến độ",
    "theo định kỳ",
    "theo hướng dẫn",
    "theo thời hạn",
    "khi có yêu cầu",
    "các năm tiếp theo",
)
ERR_UNREADABLE = "Không nhận ra mốc thời gian trong “{text}”."
ERR_EMPTY = "Chưa ghi thời gian thực hiện."


@dataclass
class ParsedTiming:
    rule: dict[str, Any] | None
    text: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.rule is not None


def clean(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text or ""))
    return re.sub(r"\s+", " ", text).strip()


def parse_timing(text: str, plan_year: int) -> ParsedTiming:
    original = clean(text)
    if not original:
        return ParsedTiming(None, original, [ERR_EMPTY])
    lowered = original.lower()
    # "Theo tiến độ được giao tại Kế hoạch số … ngày 25/6/2021": that date is the plan's, not a deadline.
    if lowered.startswith("theo ") and (following := _open(lowered, plan_year)):
        return ParsedTiming(following, original)
    whole = _report_calendar(lowered) or _quarterly(lowered) or _monthly(lowered) or _after_event(lowered)
    if whole:
        return ParsedTiming(whole, original)
    dated = _explicit_dates(lowered)
    ongoing = lowered.startswith("thường xuyên")
    if len(dated) >= 2 or (dated and ongoing):
        rules = [{"kind": "open", "label": "Thường xuyên"}, *dated] if ongoing else dated
        return ParsedTiming({"kind": "all", "rules": rules}, original)
    parts = [p.strip(" .-") for p in re.split(r";|,\s|(?:^|\s)-\s", lowered) if p.strip(" .-")]
    rules, problems = [], []
    for part in parts or [lowered]:
        rule = _part(part, plan_year)
        if rule:
            rules.append(rule)
        else:
            problems.append(ERR_UNREADABLE.format(text=part))
    if not rules:
        return ParsedTiming(None, original, [ERR_UNREADABLE.format(text=original)])
    return ParsedTiming(rules[0] if len(rules) == 1 else {"kind": "all", "rules": rules}, original, problems)


def _part(text: str, plan_year: int) -> dict[str, Any] | None:
    for reader in (_explicit_single_date, _yearly, _period_quarters, _period_month, _period_year, _open):
        rule = reader(text, plan_year)
        if rule:
            return rule
    return None


# --- whole-text readers ------------------------------------------------------------------

_REPORT_SEGMENTS = [
    ("h1", r"0?6 tháng|sáu tháng"),
    ("q3", r"quý (?:iii|3)\b|0?9 tháng"),
    ("q1", r"quý (?:i|1)\b"),
    ("year", r"\bnăm\b"),
]


def _report_calendar(text: str) -> dict[str, Any] | None:
    """ "báo cáo quý I, trước ngày 10/3; 6 tháng … 10/6; quý III … 10/9; năm … 10/12"."""
    found: dict[str, list[int]] = {}
    years = set()
    for segment in re.split(r";|(?=báo cáo )", text):
        date_match = re.search(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", segment)
        if not date_match:
            continue
        head = segment[: date_match.start()]
        key = next((k for k, pattern in _REPORT_SEGMENTS if re.search(pattern, head)), None)
        if key and key not in found:
            found[key] = [int(date_match.group(1)), int(date_match.group(2))]
            years.add(date_match.group(3))
    if len(found) >= 3 or (len(found) == 2 and "báo cáo" in text and {"h1", "year"} <= set(found)):
        rule: dict[str, Any] = {"kind": "report_calendar", "dates": found}
        if len(years) == 1 and None not in years:
            rule["year"] = int(years.pop())
        return rule
    return None


def _quarterly(text: str) -> dict[str, Any] | None:
    match = re.search(r"ngày (\d{1,2}) (?:của )?tháng (cuối|đầu) (?:quý|kỳ)", text)
    if match:
        return {
            "kind": "quarterly",
            "day": int(match.group(1)),
            "month_of_quarter": 3 if match.group(2) == "cuối" else 1,
        }
    return None


def _monthly(text: str) -> dict[str, Any] | None:
    match = re.search(r"ngày (\d{1,2}) (?:hằng|hàng|mỗi) tháng", text)
    if match:
        return {"kind": "monthly", "day": int(match.group(1))}
    if re.search(r"(?:hằng|hàng|mỗi) tháng", text):
        return {"kind": "monthly", "day": None}
    return None


def _after_event(text: str) -> dict[str, Any] | None:
    match = re.search(r"(\d{1,3}) ngày( làm việc)?\s*(?:kể từ|từ khi|sau khi|từ ngày|sau)\s*(.*)", text)
    if not match:
        return None
    event = match.group(3).strip(" .") or "sự kiện"
    return {"kind": "after_event", "days": int(match.group(1)), "working": bool(match.group(2)), "event": event}


_FULL_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"


def _explicit_dates(text: str) -> list[dict[str, Any]]:
    rules = []
    for match in re.finditer(_FULL_DATE, text):
        due = _date(match)
        if due:
            label = text[max(0, match.start() - 60) : match.start()].split(";")[-1].strip(" -.,")
            label = re.sub(r"\s*(trước|chậm nhất|vào|trong)?\s*(ngày)?\s*$", "", label)
            rules.append(
                {"kind": "fixed", "date": due.isoformat(), "label": label[:1].upper() + label[1:] if label else None}
            )
    return rules


# --- part readers ------------------------------------------------------------------------


def _date(match: re.Match) -> date | None:
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def _explicit_single_date(text: str, plan_year: int) -> dict[str, Any] | None:
    match = re.search(_FULL_DATE, text)
    due = _date(match) if match else None
    return {"kind": "fixed", "date": due.isoformat()} if due else None


def _yearly(text: str, plan_year: int) -> dict[str, Any] | None:
    match = re.search(r"(\d{1,2})/(\d{1,2})(?!/)", text)
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    offset = 1 if "năm sau" in text else 0
    return {"kind": "yearly", "day": day, "month": month, "year_offset": offset}


def _period_quarters(text: str, plan_year: int) -> dict[str, Any] | None:
    quarters = [ROMAN_NUMBERS[q] for q in re.findall(r"quý " + QUARTER + r"\b", text)]
    ranged = re.search(r"quý " + QUARTER + r"\s*[-–]\s*" + QUARTER + r"\b", text)
    if ranged:
        quarters = [ROMAN_NUMBERS[ranged.group(1)], ROMAN_NUMBERS[ranged.group(2)]]
    if not quarters:
        return None
    rule = {"kind": "period", "start": ["quarter", min(quarters)], "end": ["quarter", max(quarters)]}
    return _with_year(rule, text, plan_year)


def _period_month(text: str, plan_year: int) -> dict[str, Any] | None:
    match = re.search(r"tháng (\d{1,2})(?:/(\d{4}))?", text)
    if not match or not 1 <= int(match.group(1)) <= 12:
        return None
    rule = {"kind": "period", "start": ["month", int(match.group(1))]}
    if match.group(2):
        rule["year"] = int(match.group(2))
        return rule
    return _with_year(rule, text, plan_year)


def _period_year(text: str, plan_year: int) -> dict[str, Any] | None:
    match = re.search(r"năm (\d{4})", text)
    if not match:
        return None
    if "các năm tiếp theo" in text:
        return {"kind": "open", "label": "Hằng năm", "from_year": int(match.group(1))}
    return {"kind": "period", "start": ["year", 1], "year": int(match.group(1))}


def _with_year(rule: dict[str, Any], text: str, plan_year: int) -> dict[str, Any]:
    explicit = re.search(r"/(\d{4})|năm (\d{4})", text)
    if "năm trước liền kề" in text:
        rule.update(year=None, year_offset=-1)
    elif "các năm tiếp theo" in text or "hằng năm" in text or "hàng năm" in text:
        rule["year"] = None
    elif explicit:
        rule["year"] = int(explicit.group(1) or explicit.group(2))
    else:
        rule["year"] = plan_year
    return rule


def _open(text: str, plan_year: int) -> dict[str, Any] | None:
    for marker in OPEN_MARKERS:
        if marker in text:
            return {"kind": "open", "label": marker.capitalize()}
    return None
