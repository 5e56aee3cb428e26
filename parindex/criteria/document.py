"""A criteria set as a document: read from and written to YAML (the canonical, human-editable
format, see library/FORMAT.md); the Excel template (spreadsheet.py) is read through the same
`document_from_data`. Reading never drops or changes a row: what cannot be understood is kept
and reported as an issue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from parindex.core.uploads import MAX_TABLE_ROWS
from parindex.engine.criteria_check import ERROR, WARNING, Issue, Row
from parindex.engine.numbers import to_decimal

SCORINGS = ("self", "survey", "appraiser")
AREAS = ("standard", "bonus", "penalty")
ROUNDING_AT = ("criterion", "total")
MAX_ROUNDING_DECIMALS = 4  # points are stored with 4 decimals
ERR_ROUNDING = (
    f"Làm tròn (“rounding”) phải có dạng {{decimals: null hoặc 0–{MAX_ROUNDING_DECIMALS}, at: criterion hoặc total}}."
)
ERR_STATED = 'Số liệu công bố (“stated”) phải có dạng {criteria: số tiêu chí, total: "tổng điểm"}.'
ERR_AREA = "Loại điểm (“area”) “{area}” không hợp lệ (standard, bonus hoặc penalty)."
SCOPES = ("department", "unit", "province")
ERR_NOT_YAML = "Tệp không phải YAML hợp lệ: {detail}"
ERR_NO_CRITERIA = "Tệp không có danh sách tiêu chí (“criteria”)."
ERR_HEADER = "Thiếu thông tin bộ tiêu chí: {field}."
# A criteria set nests a handful of levels and repeats nothing by alias; a 433-byte YAML of
# aliases expands to billions of items and 500 nested brackets overflow the parser's stack.
MAX_YAML_NODES = 200_000  # the largest seed set has about 5 000
MAX_NESTING = 30
ERR_YAML_ALIASES = (
    "Tệp YAML dùng tham chiếu (alias “*”) nở ra hơn {limit} phần tử, không phải một bộ tiêu chí. "
    "Hãy viết đầy đủ từng tiêu chí."
)
ERR_NESTING = "Tệp lồng nhau quá sâu (hơn {limit} cấp), không phải một bộ tiêu chí."
ERR_TOO_MANY_CRITERIA = f"Tệp có hơn {MAX_TABLE_ROWS} tiêu chí, quá giới hạn một lần nhập."

HEADER_FIELDS = [
    ("code", "Mã bộ tiêu chí"),
    ("title", "Tên bộ tiêu chí"),
    ("year", "Năm"),
    ("scope", "Áp dụng cho (department/unit/province)"),
    ("organization", "Mã cơ quan sử dụng"),
    ("source_number", "Số văn bản"),
    ("source_date", "Ngày văn bản (dd/mm/yyyy)"),
    ("source_note", "Nguồn"),
    ("max_total", "Tổng điểm tối đa"),
    ("bands", "Xếp loại (JSON)"),
    ("rounding", "Làm tròn (JSON)"),
    ("stated", "Số liệu công bố (JSON)"),
    ("note", "Ghi chú"),
]
# "TC 3.3 - Thực hiện cơ chế một cửa, một cửa liên thông: 1 điểm": the source's maximum.
_STATED_POINTS = re.compile(r":\s*(\d+(?:[.,]\d+)?)\s*điểm\s*$", re.IGNORECASE)


@dataclass
class CriterionRow:
    code: str
    title: str = ""
    max_points: Decimal | None = None
    scoring: str = "self"
    rule: dict | None = None
    rule_text: str = ""
    evidence: str = ""
    lead: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    timing: str = ""
    note: str = ""
    signed: bool = False
    area: str = "standard"
    stated: dict[str, Any] = field(default_factory=dict)

    def to_check_row(self) -> Row:
        return Row(self.code, self.max_points, self.rule, self.signed, self.area, self.stated)


@dataclass
class SetDocument:
    header: dict[str, Any]
    rows: list[CriterionRow]
    issues: list[Issue] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # code → row of the spreadsheet it was read from


# --- reading -------------------------------------------------------------------------------


def read_yaml(text: str) -> SetDocument:
    try:
        refusal = _yaml_refusal(text)
        data = None if refusal else yaml.safe_load(text)
    except yaml.YAMLError as error:
        return SetDocument({}, [], [Issue("", ERROR, ERR_NOT_YAML.format(detail=str(error).splitlines()[0]))])
    if refusal:
        return SetDocument({}, [], [Issue("", ERROR, refusal)])
    return document_from_data(data)


def document_from_data(data: Any) -> SetDocument:
    """The document of a parsed file, `{"set": {...}, "criteria": [...]}` as in FORMAT.md:
    YAML and the Excel template both come through here, so both are read the same way."""
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        return SetDocument({}, [], [Issue("", ERROR, ERR_NO_CRITERIA)])
    if len(data["criteria"]) > MAX_TABLE_ROWS:
        return SetDocument({}, [], [Issue("", ERROR, ERR_TOO_MANY_CRITERIA)])
    issues: list[Issue] = []
    header = _header(data.get("set") or {}, issues)
    rows = [_row(item, position, issues) for position, item in enumerate(data["criteria"], start=1)]
    return SetDocument(header, rows, issues)


def _yaml_refusal(text: str) -> str:
    """Why the YAML is refused before it is built (it expands beyond MAX_YAML_NODES through
    aliases, or nests deeper than MAX_NESTING), or "". Counted on the parser's events, which
    neither expand aliases nor recurse."""
    sizes: dict[str, int] = {}  # anchor → number of nodes it stands for
    stack: list[list] = [[None, 0]]  # open collections: [anchor, nodes so far]
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            stack[-1][1] += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1][1] += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
            if len(stack) > MAX_NESTING:
                return ERR_NESTING.format(limit=MAX_NESTING)
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, nodes = stack.pop()
            if anchor:
                sizes[anchor] = nodes
            stack[-1][1] += nodes
        if sum(nodes for _, nodes in stack) > MAX_YAML_NODES:  # everything read so far, aliases expanded
            return ERR_YAML_ALIASES.format(limit=MAX_YAML_NODES)
    return ""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _decimal(value: Any, what: str, code: str, issues: list[Issue]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return to_decimal(value)
    except (InvalidOperation, ValueError):
        issues.append(Issue(code, ERROR, f"{what} “{value}” không phải là số."))
        return None


def _header(raw: dict[str, Any], issues: list[Issue]) -> dict[str, Any]:
    header = {key: raw.get(key) for key, _ in HEADER_FIELDS}
    for key in ("code", "title", "source_number", "source_note", "note", "organization"):
        header[key] = _text(header[key])
    for key, label in (("code", "mã bộ tiêu chí"), ("title", "tên bộ tiêu chí"), ("year", "năm")):
        if not header[key]:
            issues.append(Issue("", ERROR, ERR_HEADER.format(field=label)))
    try:
        header["year"] = int(header["year"]) if header["year"] not in (None, "") else None
    except (TypeError, ValueError):
        issues.append(Issue("", ERROR, f"Năm “{header['year']}” không hợp lệ."))
        header["year"] = None
    header["scope"] = _text(header["scope"]) or "department"
    if header["scope"] not in SCOPES:
        issues.append(Issue("", ERROR, f"Phạm vi áp dụng “{header['scope']}” không hợp lệ."))
    header["max_total"] = _decimal(header["max_total"], "Tổng điểm tối đa", "", issues)
    header["source_date"] = _date(header["source_date"], issues)
    bands = header["bands"] or []
    if not isinstance(bands, list) or not all(isinstance(b, dict) and b.get("label") for b in bands):
        issues.append(Issue("", ERROR, "Xếp loại phải là danh sách các mức có “label” (và “at_least”)."))
        bands = []
    header["bands"] = [
        {"label": str(b["label"]), **({"at_least": str(b["at_least"])} if b.get("at_least") is not None else {})}
        for b in bands
    ]
    header["rounding"] = _rounding(header["rounding"], issues)
    header["stated"] = _stated(header["stated"], "", issues)
    return header


def _rounding(value: Any, issues: list[Issue]) -> dict[str, Any]:
    """{"decimals": None | n, "at": "criterion" | "total"}; absent: exact points."""
    exact = {"decimals": None, "at": "total"}
    if value in (None, "", {}):
        return exact
    decimals = value.get("decimals") if isinstance(value, dict) else "?"
    at = (_text(value.get("at")) or "total") if isinstance(value, dict) else "?"
    if decimals in ("", "null"):
        decimals = None
    valid_decimals = decimals is None or (
        isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= MAX_ROUNDING_DECIMALS
    )
    if not valid_decimals or at not in ROUNDING_AT or set(value) - {"decimals", "at"}:
        issues.append(Issue("", ERROR, ERR_ROUNDING))
        return exact
    return {"decimals": decimals, "at": at}


def _stated(value: Any, code: str, issues: list[Issue]) -> dict[str, Any]:
    """What a heading states ({"criteria": n, "total": "x"}, either optional), kept as written
    for the validation to compare with the rows."""
    if value in (None, "", {}):
        return {}
    stated: dict[str, Any] = {}
    ok = isinstance(value, dict) and not set(value) - {"criteria", "total"}
    if ok and value.get("criteria") is not None:
        count = value["criteria"]
        ok = isinstance(count, int) and not isinstance(count, bool) and count >= 0
        stated["criteria"] = count
    if ok and value.get("total") is not None:
        try:
            stated["total"] = _decimal_text(to_decimal(value["total"]))
        except (InvalidOperation, ValueError):
            ok = False
    if not ok:
        issues.append(Issue(code, ERROR, ERR_STATED))
        return {}
    return stated


def _date(value: Any, issues: list[Issue]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        issues.append(Issue("", ERROR, f"Ngày văn bản “{value}” phải có dạng dd/mm/yyyy."))
        return None


def _row(item: Any, position: int, issues: list[Issue]) -> CriterionRow:
    if not isinstance(item, dict):
        code = f"dòng {position}"
        issues.append(Issue(code, ERROR, f"Dòng {position} không phải là một tiêu chí."))
        return CriterionRow(code=code)
    code = _text(item.get("code"))
    if not code:
        code = f"dòng {position}"
        issues.append(Issue(code, ERROR, f"Dòng {position} thiếu mã tiêu chí."))
    if not _text(item.get("title")):
        issues.append(Issue(code, ERROR, "Thiếu tên tiêu chí."))
    scoring = _text(item.get("scoring")) or "self"
    if scoring not in SCORINGS:
        issues.append(Issue(code, ERROR, f"Cách chấm “{scoring}” không hợp lệ (self, survey hoặc appraiser)."))
    rule = item.get("rule")
    if rule is not None and not (isinstance(rule, dict) and rule.get("kind")):
        issues.append(Issue(code, ERROR, "Quy tắc phải có “kind”."))
        rule = None
    lead, coordinating = item.get("lead") or [], item.get("coordinating") or []
    area = _text(item.get("area")) or "standard"
    if area not in AREAS:
        issues.append(Issue(code, ERROR, ERR_AREA.format(area=area[:30])))
        area = "standard"
    title = _text(item.get("title"))
    return CriterionRow(
        code=code,
        title=title,
        max_points=_max_points(item.get("max"), title, code, issues),
        scoring=scoring,
        rule=_plain(rule) if rule else None,
        rule_text=_text(item.get("rule_text")),
        evidence=_text(item.get("evidence")),
        lead=[_text(x) for x in (lead if isinstance(lead, list) else [lead])],
        coordinating=[_text(x) for x in (coordinating if isinstance(coordinating, list) else [coordinating])],
        timing=_text(item.get("timing")),
        note=_text(item.get("note")),
        signed=bool(item.get("signed")),
        area=area,
        stated=_stated(item.get("stated"), code, issues),
    )


def _max_points(value: Any, title: str, code: str, issues: list[Issue]) -> Decimal | None:
    """The maximum as given, else as the title states it; a title stating another maximum
    than the one given is reported, neither is changed."""
    given = _decimal(value, "Điểm tối đa", code, issues)
    stated = _STATED_POINTS.search(title)
    if stated is None:
        return given
    points = to_decimal(stated[1].replace(",", "."))
    if given is None and value in (None, ""):
        return points
    if given is not None and given != points:
        issues.append(
            Issue(code, WARNING, f"Tên tiêu chí ghi {stated[1]} điểm, khác điểm tối đa {_decimal_text(given)}.")
        )
    return given


def _plain(value: Any) -> Any:
    """JSON-safe rule parameters: numbers become exact decimal strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return _decimal_text(to_decimal(value))
    return str(value)


def _decimal_text(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- writing -------------------------------------------------------------------------------


class _BlockDumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _str_presenter)


def write_yaml(document: SetDocument) -> str:
    header = {k: v for k, v in document.header.items() if v not in (None, "", [])}
    if header.get("max_total") is not None:
        header["max_total"] = _decimal_text(header["max_total"])
    if header.get("source_date"):
        header["source_date"] = header["source_date"].strftime("%d/%m/%Y")
    if (header.get("rounding") or {}).get("decimals") is None:
        header.pop("rounding", None)  # exact points: the default, not written
    if not header.get("stated"):
        header.pop("stated", None)
    criteria = []
    for row in document.rows:
        item: dict[str, Any] = {"code": row.code, "title": row.title}
        if row.max_points is not None:
            item["max"] = _decimal_text(row.max_points)
        optional = {
            "area": row.area if row.area != "standard" else None,
            "stated": row.stated,
            "signed": row.signed,
            "scoring": row.scoring if row.scoring != "self" else None,
            "lead": row.lead,
            "coordinating": row.coordinating,
            "timing": row.timing,
            "rule_text": row.rule_text,
            "rule": row.rule,
            "evidence": row.evidence,
            "note": row.note,
        }
        item.update({k: v for k, v in optional.items() if v})
        criteria.append(item)
    return yaml.dump(
        {"set": header, "criteria": criteria}, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100
    )
