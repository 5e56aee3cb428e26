"""The criteria set as the Excel workbook a coordinator types in: sheet "Bộ tiêu chí" (the
set's header in rows 1–2, the criteria table from row 4) and sheet "Hướng dẫn".

Reading builds the same `{"set": …, "criteria": […]}` data a YAML file holds and hands it to
`document_from_data`, so both formats are read, checked and saved the same way; what only a
cell can get wrong (a number, a choice, the parameters) is reported by row and column."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.core.spreadsheets import workbook_bytes
from parindex.core.uploads import UploadRefused, check_office_package, sheet_rows
from parindex.criteria import template_examples
from parindex.criteria.document import CriterionRow, SetDocument, document_from_data
from parindex.criteria.parameters import ParamError, bound_line, bound_text, decimal_text, number, parse, to_text
from parindex.engine.criteria_check import CODE, ERROR, MAX, RULE, STATED, Issue
from parindex.engine.rules import KIND_LABELS, KINDS

SHEET, GUIDE, LISTS = "Bộ tiêu chí", "Hướng dẫn", "Danh mục"
TABLE_ROW = 4  # the criteria table's header row; the set's header is rows 1 (labels) and 2 (values)
MAX_COLUMNS = 30

HEADER = [
    ("code", "Mã bộ tiêu chí"),
    ("title", "Tên bộ tiêu chí"),
    ("year", "Năm"),
    ("scope", "Phạm vi áp dụng"),
    ("organization", "Mã cơ quan sở hữu"),
    ("source_number", "Số văn bản"),
    ("source_date", "Ngày văn bản (dd/mm/yyyy)"),
    ("source_note", "Nguồn"),
    ("max_total", "Tổng điểm"),
    ("rounding", "Làm tròn"),
    ("stated_criteria", "Số tiêu chí nêu trong văn bản"),
    ("stated_total", "Tổng điểm nêu trong văn bản"),
    ("bands", "Xếp loại"),
    ("note", "Ghi chú bộ tiêu chí"),
]
COLUMNS = [  # (key, label, width)
    ("code", "Mã", 12),
    ("title", "Tên tiêu chí", 50),
    ("max", "Điểm tối đa", 10),
    ("area", "Vùng điểm (chuẩn/thưởng/trừ)", 13),
    ("scoring", "Cách chấm", 14),
    ("kind", "Loại quy tắc", 17),
    ("params", "Tham số", 40),
    ("rule_text", "Cách tính điểm (nguyên văn)", 50),
    ("lead", "Chủ trì", 22),
    ("coordinating", "Phối hợp", 22),
    ("timing", "Thời gian", 16),
    ("evidence", "Tài liệu kiểm chứng", 35),
    ("stated_criteria", "Số tiêu chí con nêu trong văn bản", 13),
    ("stated_total", "Tổng điểm nêu trong văn bản", 13),
    ("signed", "Điểm cộng/trừ (có)", 11),
    ("note", "Ghi chú", 25),
]
LABEL = {key: label for key, label, _ in COLUMNS} | {CODE: "Mã", MAX: "Điểm tối đa", RULE: "Tham số"}
LABEL[STATED] = LABEL["stated_criteria"]
HEADER_LABEL = dict(HEADER)

SCOPES = (("Sở, ban, ngành", "department"), ("Đơn vị thuộc sở", "unit"), ("Tỉnh", "province"))
SCORINGS = (("tự chấm", "self"), ("điều tra XHH", "survey"), ("thẩm định", "appraiser"))
AREAS = (("chuẩn", "standard"), ("thưởng", "bonus"), ("trừ", "penalty"))
YES = ("có", "x", "1", "true", "yes")
ROUNDING = re.compile(r"(?P<n>\d{1,2}) chữ số(?: thập phân)?(?:\s*,\s*(?P<at>từng tiêu chí|tổng điểm))?")
NO_ROUNDING = ("", "không", "không làm tròn")
AT = (("từng tiêu chí", "criterion"), ("tổng điểm", "total"))
LIST_SEPARATOR = "; "
ERR_NOT_XLSX = "Không đọc được tệp Excel (.xlsx): {detail}"
ERR_NO_SHEET = f"Tệp không có trang “{SHEET}” của mẫu nhập bộ tiêu chí; hãy tải mẫu Excel và nhập vào đó."
ERR_NO_TABLE = f"Trang “{SHEET}” thiếu dòng tiêu đề bảng (“Mã”, “Tên tiêu chí”, …) ở dòng {TABLE_ROW}."


def where(issue: Issue, document: SetDocument) -> str:
    """ "Dòng 14, cột “Tham số” (1.2)" for an issue of a row read from a spreadsheet; the code
    for one read from YAML."""
    line = document.lines.get(issue.code)
    if line is None:
        return issue.code
    labels = HEADER_LABEL if issue.code == "" else LABEL
    column = f", cột “{labels[issue.field]}”" if issue.field in labels else ""
    return f"Dòng {line}{column}" + (f" ({issue.code})" if issue.code else "")


# --- reading -------------------------------------------------------------------------------


def read_workbook(content: bytes, *, name: str = "bộ tiêu chí.xlsx") -> SetDocument:
    try:
        check_office_package(content, name=name, kind="xlsx")  # before openpyxl unpacks anything
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = sheet_rows(book[SHEET], max_columns=MAX_COLUMNS, numbered=True) if SHEET in book.sheetnames else None
    except UploadRefused as refusal:
        return SetDocument({}, [], [Issue("", ERROR, ERR_NOT_XLSX.format(detail=refusal.message))])
    except Exception as error:  # openpyxl raises many unrelated types for a bad file
        return SetDocument({}, [], [Issue("", ERROR, ERR_NOT_XLSX.format(detail=error))])
    if rows is None:
        return SetDocument({}, [], [Issue("", ERROR, ERR_NO_SHEET)])
    by_number = dict(rows)
    titles = [_text(t) for t in by_number.get(TABLE_ROW, ())]
    index = {key: titles.index(label) for key, label, _ in COLUMNS if label in titles}
    if "code" not in index or "title" not in index:
        return SetDocument({}, [], [Issue("", ERROR, ERR_NO_TABLE)])
    issues: list[Issue] = []
    header = _read_header(by_number.get(1, ()), by_number.get(2, ()), issues)
    items, lines = [], {"": 2}
    for line, values in rows:
        if line <= TABLE_ROW:
            continue
        cells = {key: values[i] if i < len(values) else None for key, i in index.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        code = _text(cells.get("code")) or f"dòng {len(items) + 1}"
        lines[code] = line
        items.append(_read_row(cells, code, issues))
    document = document_from_data({"set": header, "criteria": items})
    document.issues[:0] = issues
    document.lines = lines
    return document


def _read_header(labels: tuple, values: tuple, issues: list[Issue]) -> dict[str, Any]:
    keys = {label: key for key, label in HEADER}
    raw = {keys[_text(label)]: value for label, value in zip(labels, values, strict=False) if _text(label) in keys}
    header = {k: v for k, v in raw.items() if k not in ("stated_criteria", "stated_total", "rounding", "bands")}
    header["max_total"] = _cell_number(raw.get("max_total"))
    header["scope"] = _choice(raw.get("scope"), SCOPES) or _text(raw.get("scope"))
    for key, parser in (("rounding", _rounding), ("bands", _grading)):
        try:
            header[key] = parser(_text(raw.get(key)))
        except ParamError as error:
            issues.append(Issue("", ERROR, error.message, key))
    stated = _stated(raw, "", issues)
    if stated:
        header["stated"] = stated
    return {k: v for k, v in header.items() if v is not None}


def _read_row(cells: dict[str, Any], code: str, issues: list[Issue]) -> dict[str, Any]:
    def problem(key: str, message: str) -> None:
        issues.append(Issue(code, ERROR, message, key))

    item = {k: _text(cells.get(k)) for k in ("code", "title", "rule_text", "evidence", "timing", "note")}
    item["max"] = _cell_number(cells.get("max"))
    if item["max"] is not None and not _is_number(item["max"]):
        problem("max", f"“{item['max']}” không phải là số.")
        item["max"] = None
    for key, choices, default in (("scoring", SCORINGS, "self"), ("area", AREAS, "standard")):
        value = _text(cells.get(key))
        item[key] = _choice(value, choices) or default
        if value and not _choice(value, choices):
            problem(key, f"“{value}” không hợp lệ; chọn một trong: {', '.join(w for w, _ in choices)}.")
    item["lead"], item["coordinating"] = _split(cells.get("lead")), _split(cells.get("coordinating"))
    item["signed"] = _text(cells.get("signed")).lower() in YES
    stated = _stated(cells, code, issues)
    if stated:
        item["stated"] = stated
    kind = _kind(_text(cells.get("kind")))
    if kind is None:
        problem("kind", f"Loại quy tắc “{_text(cells.get('kind'))}” không tồn tại; xem trang “{GUIDE}”.")
    elif kind:
        try:
            item["rule"] = {"kind": kind, **parse(kind, _text(cells.get("params")))}
        except ParamError as error:
            problem("params", error.message)
    elif _text(cells.get("params")):
        problem("kind", "Có tham số nhưng chưa chọn loại quy tắc.")
    return item


def _kind(value: str) -> str | None:
    """The kind written as its code or its Vietnamese name; "" for none, None if unknown."""
    if not value or value in KINDS:
        return value
    return next((kind for kind, label in KIND_LABELS.items() if label.lower() == value.lower()), None)


def _stated(cells: dict[str, Any], code: str, issues: list[Issue]) -> dict[str, Any]:
    stated: dict[str, Any] = {}
    count, total = _cell_number(cells.get("stated_criteria")), _cell_number(cells.get("stated_total"))
    if count is not None:
        if re.fullmatch(r"\d+", count):
            stated["criteria"] = int(count)
        else:
            issues.append(Issue(code, ERROR, f"“{count}” không phải là số nguyên.", "stated_criteria"))
    if total is not None:
        if _is_number(total):
            stated["total"] = number(total)
        else:
            issues.append(Issue(code, ERROR, f"“{total}” không phải là số.", "stated_total"))
    return stated


def _rounding(text: str) -> dict[str, Any] | None:
    if text.lower() in NO_ROUNDING:
        return None
    match = ROUNDING.fullmatch(text.lower())
    if match is None:
        raise ParamError(
            f"“{text}” không hiểu; ghi “không làm tròn”, “2 chữ số thập phân, từng tiêu chí” hoặc "
            "“2 chữ số thập phân, tổng điểm”."
        )
    return {"decimals": int(match["n"]), "at": dict(AT).get(match["at"] or "", "total")}


def _grading(text: str) -> list[dict[str, Any]]:
    bands = []
    for position, line in enumerate((x.strip() for x in text.splitlines() if x.strip()), start=1):
        try:
            band = bound_line(line, "label", str.strip)
            if set(band) - {"at_least", "label"}:
                raise ParamError("xếp loại chỉ dùng “từ X: Tên mức” hoặc “còn lại: Tên mức”.")
        except ParamError as error:
            raise ParamError(f"dòng {position} (“{line}”): {error.message}") from error
        bands.append(band)
    return bands


def _cell_number(value: Any) -> str | None:
    """A cell as the text of its number: Excel's floats by their shortest repr (0.1, not
    0.1000000000000000055…), typed text as written."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, float):
        return decimal_text(Decimal(repr(value)))
    return _text(value)


def _is_number(text: str) -> bool:
    try:
        number(text)
    except ParamError:
        return False
    return True


def _choice(value: Any, choices: tuple[tuple[str, str], ...]) -> str:
    text = _text(value).lower()
    return next((stored for shown, stored in choices if text in (shown.lower(), stored)), "")


def _split(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).replace("\n", ";").split(";") if part.strip()]


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value).strip()


# --- writing -------------------------------------------------------------------------------

BOLD = Font(bold=True)
HEAD_FILL, TABLE_FILL, EXAMPLE_FILL = (PatternFill("solid", fgColor=c) for c in ("FCE4D6", "DDEBF7", "F2F2F2"))
WRAP = Alignment(wrap_text=True, vertical="top")


def write_workbook(document: SetDocument | None = None) -> bytes:
    """The set as the template (a document), or the blank template with its example rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    header = document.header if document else {}
    sheet.append([label for _, label in HEADER])
    sheet.append([_header_cell(key, header) for key, _ in HEADER])
    sheet.append([])
    sheet.append([label for _, label, _ in COLUMNS])
    rows = document.rows if document else template_examples.rows()
    for row in rows:
        sheet.append(_row_cells(row))
    for cell in sheet[1]:
        cell.font, cell.fill, cell.alignment = BOLD, HEAD_FILL, WRAP
    for cell in sheet[TABLE_ROW]:
        cell.font, cell.fill, cell.alignment = BOLD, TABLE_FILL, WRAP
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = WRAP
            if document is None and cell.row > TABLE_ROW:
                cell.fill = EXAMPLE_FILL
    for position, (_, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(position)].width = width
    sheet.freeze_panes = f"C{TABLE_ROW + 1}"
    _guide(book.create_sheet(GUIDE))
    _validations(book, sheet)
    return workbook_bytes(book)


def _header_cell(key: str, header: dict[str, Any]) -> Any:
    value = header.get(key)
    stated = header.get("stated") or {}
    if key == "scope":
        return next((shown for shown, stored in SCOPES if stored == value), value)
    if key == "source_date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if key in ("max_total", "stated_total"):
        value = value if key == "max_total" else stated.get("total")
        return None if value is None else _number_cell(value)
    if key == "stated_criteria":
        return stated.get("criteria")
    if key == "rounding":
        if not value or value.get("decimals") is None:
            return ""
        at = next(shown for shown, stored in AT if stored == value.get("at", "total"))
        return f"{value['decimals']} chữ số thập phân, {at}"
    if key == "bands":
        return "\n".join(f"{bound_text(b)}: {b['label']}" for b in value or [])
    return value


def _row_cells(row: CriterionRow) -> list[Any]:
    stated = row.stated or {}
    cells = {
        "code": row.code,
        "title": row.title,
        "max": None if row.max_points is None else _number_cell(row.max_points),
        "area": next(shown for shown, stored in AREAS if stored == row.area),
        "scoring": next((shown for shown, stored in SCORINGS if stored == row.scoring), row.scoring),
        "kind": (row.rule or {}).get("kind", ""),
        "params": to_text(row.rule),
        "rule_text": row.rule_text,
        "lead": LIST_SEPARATOR.join(row.lead),
        "coordinating": LIST_SEPARATOR.join(row.coordinating),
        "timing": row.timing,
        "evidence": row.evidence,
        "stated_criteria": stated.get("criteria"),
        "stated_total": _number_cell(stated["total"]) if stated.get("total") is not None else None,
        "signed": "có" if row.signed else "",
        "note": row.note,
    }
    return [cells[key] for key, _, _ in COLUMNS]


def _number_cell(value: Any) -> int | float | str:
    """An exact number Excel shows as a number; a value a float cannot hold stays text."""
    text = decimal_text(Decimal(str(value)))
    as_float = float(text)
    if decimal_text(Decimal(repr(as_float))) != text:
        return text
    return int(text) if "." not in text else as_float


def _validations(book, sheet) -> None:
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    columns = {
        "A": [shown for shown, _ in AREAS],
        "B": [shown for shown, _ in SCORINGS],
        "C": list(KINDS),
        "D": [shown for shown, _ in SCOPES],
    }
    for letter, values in columns.items():
        for position, value in enumerate(values, start=1):
            lists[f"{letter}{position}"] = value
    letter_of = {key: openpyxl.utils.get_column_letter(i) for i, (key, _, _) in enumerate(COLUMNS, start=1)}
    first, last = TABLE_ROW + 1, 2000
    for key, source in (("area", "A"), ("scoring", "B"), ("kind", "C")):
        rule = DataValidation(type="list", formula1=f"='{LISTS}'!${source}$1:${source}${len(columns[source])}")
        rule.error, rule.errorTitle = "Hãy chọn một giá trị trong danh sách.", LABEL[key]
        rule.add(f"{letter_of[key]}{first}:{letter_of[key]}{last}")
        sheet.add_data_validation(rule)
    scope = DataValidation(type="list", formula1=f"='{LISTS}'!$D$1:$D${len(SCOPES)}")
    scope.add("D2")
    sheet.add_data_validation(scope)


def _guide(sheet) -> None:
    for letter, width in zip("ABCD", (22, 45, 55, 45), strict=True):
        sheet.column_dimensions[letter].width = width
    for line in template_examples.guide_rows():
        sheet.append(line)
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = WRAP
        row[0].font = BOLD
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[template_examples.GUIDE_TABLE_ROW]:
        cell.font, cell.fill = BOLD, TABLE_FILL
    sheet.freeze_panes = f"A{template_examples.GUIDE_TABLE_ROW + 1}"
