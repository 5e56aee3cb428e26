"""A criteria set as a document: read from and written to YAML (the canonical, human-editable
format, see library/FORMAT.md) and XLSX (one row per node). Reading never drops or changes
a row: what cannot be understood is kept and reported as an issue."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
import yaml
from openpyxl.styles import Alignment, Font, PatternFill

from parindex.core.spreadsheets import workbook_bytes
from parindex.core.uploads import MAX_TABLE_ROWS, UploadRefused, check_office_package, sheet_rows
from parindex.engine.criteria_check import ERROR, WARNING, Issue, Row
from parindex.engine.numbers import to_decimal

SCORINGS = ("self", "survey", "appraiser")
SCOPES = ("department", "unit", "province")
ERR_NOT_YAML = "Tệp không phải YAML hợp lệ: {detail}"
ERR_NOT_XLSX = "Không đọc được tệp Excel (.xlsx): {detail}"
ERR_NO_CRITERIA = "Tệp không có danh sách tiêu chí (“criteria” / trang “Tiêu chí”)."
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

XLSX_COLUMNS = [
    ("code", "Mã"),
    ("title", "Tên tiêu chí"),
    ("max", "Điểm tối đa"),
    ("scoring", "Cách chấm (self/survey/appraiser)"),
    ("kind", "Loại quy tắc"),
    ("params", "Tham số (JSON)"),
    ("rule_text", "Cách tính điểm (nguyên văn)"),
    ("evidence", "Tài liệu kiểm chứng"),
    ("lead", "Chủ trì"),
    ("coordinating", "Phối hợp"),
    ("timing", "Thời gian"),
    ("note", "Ghi chú"),
    ("signed", "Điểm cộng/trừ (có)"),
]
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
    ("note", "Ghi chú"),
]
LIST_SEPARATOR = "; "
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

    def to_check_row(self) -> Row:
        return Row(self.code, self.max_points, self.rule, self.signed)


@dataclass
class SetDocument:
    header: dict[str, Any]
    rows: list[CriterionRow]
    issues: list[Issue] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------


def read_yaml(text: str) -> SetDocument:
    try:
        refusal = _yaml_refusal(text)
        data = None if refusal else yaml.safe_load(text)
    except yaml.YAMLError as error:
        return SetDocument({}, [], [Issue("", ERROR, ERR_NOT_YAML.format(detail=str(error).splitlines()[0]))])
    if refusal:
        return SetDocument({}, [], [Issue("", ERROR, refusal)])
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


def _too_deep(value: Any, limit: int = MAX_NESTING) -> bool:
    """True when lists / dicts nest deeper than `limit` (walked without recursion)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            pending += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
    return False


def read_xlsx(content: bytes, *, name: str = "bộ tiêu chí.xlsx") -> SetDocument:
    try:
        check_office_package(content, name=name, kind="xlsx")  # before openpyxl unpacks anything
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        info = sheet_rows(book["Thông tin"], max_columns=20) if "Thông tin" in book.sheetnames else []
        criteria_rows = sheet_rows(book["Tiêu chí"], max_columns=40) if "Tiêu chí" in book.sheetnames else None
    except UploadRefused as refusal:
        return SetDocument({}, [], [Issue("", ERROR, ERR_NOT_XLSX.format(detail=refusal.message))])
    except Exception as error:  # openpyxl raises many unrelated types for a bad file
        return SetDocument({}, [], [Issue("", ERROR, ERR_NOT_XLSX.format(detail=error))])
    issues: list[Issue] = []
    raw_header: dict[str, Any] = {}
    labels = {label: key for key, label in HEADER_FIELDS}
    for label, value, *_ in ((*row, None, None) for row in info):
        if label in labels:
            raw_header[labels[label]] = value
    if isinstance(raw_header.get("bands"), str):
        try:
            raw_header["bands"] = json.loads(raw_header["bands"])
        except json.JSONDecodeError:
            issues.append(Issue("", ERROR, "Ô “Xếp loại (JSON)” không phải JSON hợp lệ."))
            raw_header["bands"] = []
    header = _header(raw_header, issues)
    if criteria_rows is None:
        return SetDocument(header, [], [*issues, Issue("", ERROR, ERR_NO_CRITERIA)])
    lines = iter(criteria_rows)
    titles = [str(t or "").strip() for t in next(lines, [])]
    keys = {label: key for key, label in XLSX_COLUMNS}
    index = {keys[t]: i for i, t in enumerate(titles) if t in keys}
    if "code" not in index:
        return SetDocument(header, [], [*issues, Issue("", ERROR, "Trang “Tiêu chí” thiếu cột “Mã”.")])
    rows = []
    for position, values in enumerate(lines, start=1):
        cell = {key: values[i] if i < len(values) else None for key, i in index.items()}
        if all(v in (None, "") for v in cell.values()):
            continue
        item = {k: cell.get(k) for k in ("code", "title", "max", "scoring", "rule_text", "evidence", "timing", "note")}
        item["lead"] = _split(cell.get("lead"))
        item["coordinating"] = _split(cell.get("coordinating"))
        item["signed"] = str(cell.get("signed") or "").strip().lower() in {"có", "x", "1", "true", "yes"}
        kind = str(cell.get("kind") or "").strip()
        if kind:
            params: Any = {}
            if cell.get("params"):
                try:
                    params = json.loads(str(cell["params"]))
                    if _too_deep(params):
                        raise RecursionError
                except RecursionError:
                    params = None
                    issues.append(Issue(str(cell.get("code") or ""), ERROR, ERR_NESTING.format(limit=MAX_NESTING)))
                except json.JSONDecodeError:
                    params = None
                    issues.append(
                        Issue(str(cell.get("code") or ""), ERROR, "Ô “Tham số (JSON)” không phải JSON hợp lệ.")
                    )
            item["rule"] = {"kind": kind, **params} if isinstance(params, dict) else {"kind": kind}
        rows.append(_row(item, position + 1, issues))
    return SetDocument(header, rows, issues)


def _split(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [part.strip() for part in str(value).replace("\n", ";").split(";") if part.strip()]


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
    return header


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
    criteria = []
    for row in document.rows:
        item: dict[str, Any] = {"code": row.code, "title": row.title}
        if row.max_points is not None:
            item["max"] = _decimal_text(row.max_points)
        optional = {
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


def write_xlsx(document: SetDocument) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tiêu chí"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    sheet.append([label for _, label in XLSX_COLUMNS])
    for cell in sheet[1]:
        cell.font, cell.fill = bold, fill
    for row in document.rows:
        rule = dict(row.rule or {})
        kind = rule.pop("kind", "")
        sheet.append(
            [
                row.code,
                row.title,
                float(row.max_points) if row.max_points is not None else None,
                row.scoring,
                kind,
                json.dumps(rule, ensure_ascii=False) if rule else "",
                row.rule_text,
                row.evidence,
                LIST_SEPARATOR.join(row.lead),
                LIST_SEPARATOR.join(row.coordinating),
                row.timing,
                row.note,
                "có" if row.signed else "",
            ]
        )
    widths = [9, 60, 10, 12, 16, 40, 60, 40, 30, 30, 25, 30, 10]
    for column, width in zip(sheet.columns, widths, strict=True):
        sheet.column_dimensions[column[0].column_letter].width = width
        for cell in column[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "C2"

    info = book.create_sheet("Thông tin")
    header = document.header
    for key, label in HEADER_FIELDS:
        value = header.get(key)
        if key == "bands":
            value = json.dumps(value or [], ensure_ascii=False)
        elif key == "max_total" and value is not None:
            value = float(value)
        elif key == "source_date" and value:
            value = value.strftime("%d/%m/%Y")
        info.append([label, value])
    info.column_dimensions["A"].width = 40
    info.column_dimensions["B"].width = 80
    return workbook_bytes(book)
