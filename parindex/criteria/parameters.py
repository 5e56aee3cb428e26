"""The rule parameters as a coordinator types them in one spreadsheet cell (see the
"Hướng dẫn" sheet of the template): one line per setting or per band/item, e.g.

    đo: tỷ lệ
    trên 90 %: 2
    từ 70 % đến 90 %: 1
    còn lại: 0

Parsing is strict: a line that is not understood is an error naming it, never skipped.
A cell that starts with "{" is JSON (the parameters as in FORMAT.md), for the shapes that
nest a rule in a rule. `to_text` writes the compact form only when reading it back gives
the same parameters, and JSON otherwise, so a written cell always reads back unchanged."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from parindex.criteria.document import MAX_NESTING
from parindex.engine.numbers import to_decimal

NUMBER, TEXT, BOOL = "number", "text", "bool"
BOUNDS, KEYED = "bounds", "keyed"


class ParamError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Setting:
    key: str  # the parameter in the rule (FORMAT.md)
    name: str  # what the coordinator writes before ":"
    type: str = NUMBER
    choices: tuple[tuple[str, str], ...] = ()  # (written, stored)


MEASURES = (("tỷ lệ", "ratio"), ("số", "number"), ("số ngày chậm", "delay_days"), ("số tháng chậm", "delay_months"),
            ("số lượng", "count"))  # fmt: skip
SOURCES = tuple((s, s) for s in ("sipas", "access", "procedure", "staff", "result", "feedback", "overall", "external"))
SETTINGS = {
    s.key: s
    for s in (
        Setting("yes", "có"),
        Setting("no", "không"),
        Setting("threshold", "ngưỡng"),
        Setting("a_label", "a", TEXT),
        Setting("b_label", "b", TEXT),
        Setting("value_label", "tên số liệu", TEXT),
        Setting("measure", "đo", TEXT, MEASURES),
        Setting("integer", "số nguyên", BOOL),
        Setting("per_violation", "mỗi vi phạm"),
        Setting("floor", "thấp nhất"),
        Setting("bonus_per_item", "cộng mỗi việc"),
        Setting("penalty_per_item", "trừ mỗi việc"),
        Setting("cap", "giới hạn"),
        Setting("unit", "đơn vị", TEXT, (("điểm", "points"), ("%", "percent"))),
        Setting("mode", "cách tính", TEXT, (("tỷ lệ hài lòng", "share"), ("theo mức", "bands"))),
        Setting("source", "nguồn", TEXT, SOURCES),
        Setting("then_per_unit", "mỗi đơn vị tiếp theo"),
        Setting("points", "điểm"),
        Setting("label", "nội dung", TEXT),
    )
}


@dataclass(frozen=True)
class Shape:
    settings: tuple[str, ...] = ()
    list_key: str = ""  # the parameter the other lines make up
    list_style: str = ""  # BOUNDS: "trên 90: 2"; KEYED: "[key] Nhãn: 0,5"
    value_key: str = "points"  # what a keyed line's number is
    value_word: str = ""  # written before a keyed line's number: "[tien_phong] Tiên phong: tối đa 6"


SHAPES = {
    "yes_no": Shape(("yes", "no")),
    "checklist": Shape((), "items", KEYED),
    "ratio_threshold": Shape(("threshold", "a_label", "b_label")),
    "all_or_nothing": Shape(("a_label", "b_label")),
    "bands": Shape(("measure", "integer", "a_label", "b_label", "value_label"), "bands", BOUNDS),
    "count_bands": Shape(("value_label",), "bands", BOUNDS),
    "stages": Shape((), "stages", KEYED),
    "grade": Shape((), "grades", KEYED, "percent"),
    "deduction": Shape(("per_violation", "floor")),
    "bonus_penalty": Shape(("bonus_per_item", "penalty_per_item", "cap")),
    "comparison": Shape(("unit",), "bands", BOUNDS),
    "survey": Shape(("mode", "source"), "bands", BOUNDS),
    "judgement": Shape((), "categories", KEYED, "max", "tối đa"),
    "late_penalty": Shape(("measure", "then_per_unit", "cap"), "steps", BOUNDS),
    "fixed_penalty": Shape(("points", "label")),
}
JSON_ONLY = ("composite", "not_applicable", "nothing_found", "formula", "condition")  # a rule inside a rule

_NUM = r"[+\-−]?\d+(?:[.,]\d+)?"
_UNIT = r"(?:\s*(?:%|ngày|tháng))?"
_LOWER = rf"(?P<lower>từ|trên)\s+(?P<low>{_NUM}){_UNIT}"
_UPPER = rf"(?P<upper>đến dưới|đến|dưới)\s+(?P<high>{_NUM}){_UNIT}"
BOUND = re.compile(rf"(?:{_LOWER})?\s*(?:{_UPPER})?")
LOWER_KEYS = {"từ": "at_least", "trên": "above"}
UPPER_KEYS = {"đến": "at_most", "dưới": "below", "đến dưới": "below"}
KEYED_LINE = re.compile(r"(?:\[(?P<key>[A-Za-z0-9_]+)\]\s*)?(?P<label>.*\S)")
OTHERWISE = "còn lại"
BOUND_WORDS = {"at_least": "từ", "above": "trên", "at_most": "đến", "below": "dưới"}


def number(text: str) -> str:
    """ "0,5", "−3" or "+1" as the exact string rules store ("0.5", "-3", "1")."""
    try:
        value = to_decimal(text.strip().replace("−", "-").lstrip("+").replace(" ", ""))
    except (InvalidOperation, ValueError) as error:
        raise ParamError(f"“{text.strip()}” không phải là số (ví dụ 2 hoặc 0,5).") from error
    return decimal_text(value)


def decimal_text(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def written(value: str) -> str:
    """A stored number as the coordinator writes it: decimal comma, the minus sign."""
    return value.replace(".", ",").replace("-", "−")


# --- reading -------------------------------------------------------------------------------


def parse(kind: str, text: str) -> dict[str, Any]:
    """The parameters (without "kind") of a rule of `kind` written as `text`."""
    text = (text or "").strip()
    if text.startswith("{"):
        return _parse_json(kind, text)
    if kind in JSON_ONLY and text:
        raise ParamError(f"Loại “{kind}” chứa quy tắc lồng bên trong: hãy ghi tham số dạng JSON {{…}}.")
    shape = SHAPES.get(kind)
    if shape is None:
        return {}  # an unknown kind is reported once, by the rule check
    params: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    names = {SETTINGS[key].name: SETTINGS[key] for key in shape.settings}
    for number_, line in enumerate(_lines(text), start=1):
        try:
            name, _, value = line.partition(":")
            setting = names.get(name.strip().lower()) or names.get(name.strip())
            if setting and value.strip():
                if setting.key in params:
                    raise ParamError(f"“{setting.name}” được ghi hai lần.")
                params[setting.key] = _setting_value(setting, value.strip())
            elif shape.list_style == BOUNDS:
                items.append(bound_line(line, "points", number))
            elif shape.list_style == KEYED:
                items.append(_keyed_line(line, shape, len(items) + 1))
            else:
                allowed = ", ".join(f"“{SETTINGS[k].name}: …”" for k in shape.settings) or "không có tham số"
                raise ParamError(f"không hiểu; loại “{kind}” nhận: {allowed}.")
        except ParamError as error:
            raise ParamError(f"dòng {number_} (“{line}”): {error.message}") from error
    if items:
        params[shape.list_key] = items
    return params


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]


def _parse_json(kind: str, text: str) -> dict[str, Any]:
    try:
        params = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ParamError("không phải JSON hợp lệ.") from error
    if not isinstance(params, dict):
        raise ParamError("JSON phải là một đối tượng {…}.")
    if too_deep(params):
        raise ParamError(f"JSON lồng nhau quá sâu (hơn {MAX_NESTING} cấp).")
    if params.pop("kind", kind) != kind:
        raise ParamError("“kind” trong JSON khác cột “Loại quy tắc”.")
    return params


def too_deep(value: Any, limit: int = MAX_NESTING) -> bool:
    """True when lists / dicts nest deeper than `limit` (walked without recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            pending += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
    return False


def _setting_value(setting: Setting, value: str) -> Any:
    if setting.type == NUMBER:
        return number(value)
    if setting.type == BOOL:
        if value.lower() not in ("có", "không"):
            raise ParamError(f"“{setting.name}” là “có” hoặc “không”.")
        return value.lower() == "có"
    if setting.choices:
        stored = dict(setting.choices) | {s: s for _, s in setting.choices}
        if value.lower() not in stored:
            listed = ", ".join(w for w, _ in setting.choices)
            raise ParamError(f"“{setting.name}” là một trong: {listed}.")
        return stored[value.lower()]
    return value


def bound_line(line: str, value_key: str, value_of) -> dict[str, Any]:
    """ "trên 90 %: 2" → {"above": "90", "points": "2"}; "còn lại: 0" → {"points": "0"}."""
    head, colon, value = line.rpartition(":")
    if not colon or not value.strip():
        raise ParamError("thiếu “: điểm” ở cuối dòng (ví dụ “từ 70 đến 90: 1”).")
    head = head.strip().lower()
    item: dict[str, Any] = {}
    if head != OTHERWISE:
        match = BOUND.fullmatch(head)
        if not head or match is None or not (match["lower"] or match["upper"]):
            raise ParamError("mức phải viết “trên X”, “từ X”, “đến Y”, “dưới Y”, “từ X đến Y” hoặc “còn lại”.")
        if match["lower"]:
            item[LOWER_KEYS[match["lower"]]] = number(match["low"])
        if match["upper"]:
            item[UPPER_KEYS[match["upper"]]] = number(match["high"])
    item[value_key] = value_of(value)
    return item


def _keyed_line(line: str, shape: Shape, position: int) -> dict[str, Any]:
    head, colon, value = line.rpartition(":")
    if not colon or not value.strip():
        raise ParamError("thiếu “: điểm” ở cuối dòng (ví dụ “[dung_han] Đúng thời hạn: 0,5”).")
    match = KEYED_LINE.fullmatch(head.strip())
    if match is None:
        raise ParamError("thiếu nội dung trước “:”.")
    value = value.strip()
    if shape.value_word and value.lower().startswith(shape.value_word):
        value = value[len(shape.value_word) :]
    return {"key": match["key"] or f"m{position}", "label": match["label"], shape.value_key: number(value)}


# --- writing -------------------------------------------------------------------------------


def to_text(rule: dict[str, Any] | None) -> str:
    """The cell for a rule's parameters: compact when it reads back the same, else JSON."""
    if not rule:
        return ""
    kind, params = rule.get("kind", ""), {k: v for k, v in rule.items() if k != "kind"}
    if not params:
        return ""
    compact = _compact(kind, params)
    try:
        if compact is not None and parse(kind, compact) == params:
            return compact
    except ParamError:
        pass
    return json.dumps(params, ensure_ascii=False)


def _compact(kind: str, params: dict[str, Any]) -> str | None:
    shape = SHAPES.get(kind)
    if shape is None or set(params) - {*shape.settings, shape.list_key}:
        return None
    lines = []
    for key in shape.settings:
        if key in params:
            lines.append(f"{SETTINGS[key].name}: {_written_setting(SETTINGS[key], params[key])}")
    for item in params.get(shape.list_key) or []:
        if not isinstance(item, dict):
            return None
        if shape.list_style == BOUNDS:
            lines.append(f"{bound_text(item)}: {written(str(item.get('points', '')))}")
        else:
            value = written(str(item.get(shape.value_key, "")))
            word = f"{shape.value_word} " if shape.value_word else ""
            lines.append(f"[{item.get('key', '')}] {item.get('label', '')}: {word}{value}")
    return "\n".join(lines)


def _written_setting(setting: Setting, value: Any) -> str:
    if setting.type == BOOL:
        return "có" if value else "không"
    if setting.type == NUMBER:
        return written(str(value))
    return next((w for w, s in setting.choices if s == value), str(value))


def bound_text(item: dict[str, Any]) -> str:
    """{"at_least": "50", "below": "80"} → "từ 50 đến dưới 80"."""
    lower = next((f"{BOUND_WORDS[k]} {written(str(item[k]))}" for k in ("at_least", "above") if k in item), "")
    upper = next((k for k in ("at_most", "below") if k in item), "")
    if not upper:
        return lower or OTHERWISE
    word = "đến dưới" if upper == "below" and lower else BOUND_WORDS[upper]
    return f"{lower} {word} {written(str(item[upper]))}".strip()
