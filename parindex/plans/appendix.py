"""Reading a plan's appendix table (pasted text, DOCX or XLSX) into task drafts.

The seeds show the shapes: a header row (STT, Nội dung/Nhiệm vụ, Sản phẩm, Thời gian/Tiến độ,
Chủ trì, Phối hợp — or one free-text "Phân công" column), group rows (I, II… or an upper-case
title with empty cells), task rows, and continuation lines with an empty STT. Nothing is
dropped: rows that cannot be read are listed with the reason."""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from parindex.core.errors import ApplicationError
from parindex.core.uploads import UploadRefused, check_office_package, check_table, sheet_rows
from parindex.criteria.units import ALL_UNITS_PREFIXES, UnitResolver, name_key
from parindex.engine.timing_parser import clean, parse_timing

ERR_CORRUPT = (
    "Tệp “{name}” bị hỏng hoặc không đúng định dạng {kind}. Hãy mở tệp bằng Word/Excel, lưu lại rồi tải lên lại."
)
ERR_NO_TABLE = {
    "docx": "Không tìm thấy bảng nhiệm vụ nào trong tệp DOCX.",
    "xlsx": "Không tìm thấy bảng nhiệm vụ nào trong tệp XLSX (trang tính đầu tiên trống).",
    "text": "Không tìm thấy bảng nhiệm vụ nào trong nội dung đã dán.",
}
ERR_NO_TASK_ROWS = (
    "Bảng phụ lục không có dòng nhiệm vụ nào đọc được (cần ít nhất một dòng có nội dung nhiệm vụ). "
    "Hãy kiểm tra cách chia cột bên dưới hoặc chọn tệp khác."
)
MAX_NUMBER_LENGTH = 20  # Task.number
MAX_GROUP_LENGTH = 500  # Task.group

FIELDS = {
    "number": "STT",
    "content": "Nội dung / nhiệm vụ",
    "product": "Sản phẩm / kết quả",
    "timing": "Thời gian / tiến độ",
    "lead": "Chủ trì",
    "coordinating": "Phối hợp",
    "assignment": "Phân công (chủ trì và phối hợp trong một ô)",
    "ignore": "(bỏ qua)",
}
HEADER_WORDS = [
    ("number", ("stt", "số tt")),
    ("content", ("nội dung", "nhiệm vụ", "tên")),
    ("product", ("sản phẩm", "kết quả")),
    ("timing", ("thời gian", "tiến độ", "thời hạn")),
    ("coordinating", ("phối hợp",)),
    ("lead", ("chủ trì", "phụ trách")),
    ("assignment", ("phân công", "trách nhiệm", "đơn vị thực hiện")),
]
CONTENT_HEADER_WORDS = ("nội dung", "nhiệm vụ", "tên")
NUMBER_HEADERS = {"stt", "tt", "số tt"}
COLLECTIVE = re.compile(r"các (?:phòng|cơ quan|đơn vị)[^.;:]{0,40}?(?:thuộc sở|trực thuộc|đơn vị)?", re.IGNORECASE)
ROMAN_GROUP = re.compile(r"^(?:[IVX]+|[A-Z])\.?$")
# Abbreviations of the seeds' assignment cells that name_key does not know ("VP Đăng ký đất đai",
# "Trung tâm CNTT TNMT"); "VP" alone stays as it is: it is the short name of Văn phòng Sở.
UNIT_ABBREVIATIONS = [
    (re.compile(r"\bVP\.?\s+(?=\w)"), "Văn phòng "),
    (re.compile(r"\bCNTT\b"), "Công nghệ thông tin"),
    (re.compile(r"\bTN\s*(?:&|và|-)?\s*MT\b"), "Tài nguyên và Môi trường"),
]
# Below this difflib ratio a guess is noise ("Sở", "đốc"); above it the guess is only pre-selected.
FUZZY_CUTOFF = 0.75
# Words that end the subject of a free-text assignment ("Trung tâm X thực hiện …").
ASSIGNMENT_VERBS = re.compile(
    r"\s(?:chủ trì|phối hợp|thực hiện|triển khai|tham mưu|theo dõi|tổng hợp|báo cáo|xây dựng|hướng dẫn|"
    r"cập nhật|công khai|tổ chức|rà soát|kiểm tra|đề xuất|gửi|có trách nhiệm)\b",
    re.IGNORECASE,
)
BULLET = re.compile(r"^[-–+•*]")


def expand_abbreviations(text: str) -> str:
    for pattern, replacement in UNIT_ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return text


@dataclass
class TaskDraft:
    line: int
    number: str
    group: str
    content: str
    product: str = ""
    timing: str = ""
    deadline_rule: dict | None = None
    lead_ids: list[int] = field(default_factory=list)
    coordinating_ids: list[int] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unit_cells: dict[str, list[str]] = field(default_factory=dict)  # raw Chủ trì / Phối hợp / Phân công text


@dataclass
class Appendix:
    rows: list[list[str]]
    mapping: list[str]
    drafts: list[TaskDraft] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)
    guesses: dict[str, int] = field(default_factory=dict)  # unresolved text → closest unit, unconfirmed


class AppendixError(ApplicationError):
    """The uploaded appendix cannot be read at all."""


# --- reading the table -------------------------------------------------------------------


def rows_from_text(text: str) -> list[list[str]]:
    """Rows of a pasted table; UploadRefused beyond the bounds of one import."""
    rows = [line.split("\t") for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    check_table(rows, field="pasted")
    return rows


def read_upload(name: str, content: bytes) -> tuple[list[list[str]], str]:
    """Rows of an uploaded .docx / .xlsx and its kind; AppendixError when the file cannot be opened."""
    kind = "docx" if name.lower().endswith(".docx") else "xlsx"
    check_office_package(content, name=name, kind=kind)  # before any parser sees the file
    try:
        rows = rows_from_docx(content) if kind == "docx" else rows_from_xlsx(content)
    except UploadRefused:
        raise
    except Exception as error:
        # python-docx, openpyxl, zipfile and lxml each raise their own errors on a damaged or
        # disguised package; for the user they all mean the same thing.
        raise AppendixError(ERR_CORRUPT.format(name=name, kind=kind.upper()), field="file") from error
    return rows, kind


def rows_from_docx(content: bytes) -> list[list[str]]:
    """The task table's rows: the tables that have an STT / Nội dung header row, from that row on
    (a letterhead table "UBND TỈNH … | CỘNG HÒA …" above it is not part of the appendix), and the
    header-less tables of the same width right after one (a table Word split at a page break).
    A document where no table has such a header gives every table's rows, to be mapped by hand."""
    import docx  # imported here: only this path needs python-docx

    document = docx.Document(io.BytesIO(content))
    for table in document.tables:  # bounded before python-docx lays out each row's cells
        widths = [sum(tc.grid_span for tc in tr.tc_lst) for tr in table._tbl.tr_lst]
        check_table([range(width) for width in widths] + [table._tbl.tblGrid.gridCol_lst])
    tables = [_docx_rows(table) for table in document.tables]
    picked: list[list[str]] = []
    width = None
    for rows in tables:
        start = header_index(rows)
        if start is not None:
            picked += rows[start:]
            width = max(len(r) for r in rows)
        elif width is not None and max((len(r) for r in rows), default=0) == width:
            picked += rows
        else:
            width = None
    rows = picked if picked else [row for rows in tables for row in rows]
    check_table(rows)
    return rows


def _docx_rows(table) -> list[list[str]]:
    rows, above = [], []
    for row in table.rows:
        elements = [cell._tc for cell in row.cells]
        cells = []
        for column, cell in enumerate(row.cells):
            # Merged cells repeat the same object; keep one copy so columns stay aligned.
            cells.append("" if column and elements[column] is elements[column - 1] else cell.text.strip())
        # A cell merged down repeats its text in every row: right for a unit shared by numbered
        # tasks, but in a row that goes on the task above it would repeat that task's text.
        if above and (not cells[0] or elements[0] is above[0]):
            cells = ["" if column < len(above) and element is above[column] else text
                     for column, (element, text) in enumerate(zip(elements, cells, strict=True))]  # fmt: skip
        rows.append(cells)
        above = elements
    return rows


def rows_from_xlsx(content: bytes) -> list[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    return [["" if v is None else str(v) for v in row] for row in sheet_rows(book.worksheets[0])]


def header_index(rows: list[list[str]]) -> int | None:
    """Index of the header row (STT in the first column, a Nội dung / Nhiệm vụ column) among the
    first rows, or None."""
    for index, row in enumerate(rows[:10]):
        if (
            row
            and clean(row[0]).lower() in NUMBER_HEADERS
            and any(word in clean(cell).lower() for cell in row[1:] for word in CONTENT_HEADER_WORDS)
        ):
            return index
    return None


def detect_mapping(rows: list[list[str]]) -> list[str]:
    """Column → field from the first header row found (STT …), else by position."""
    width = max((len(r) for r in rows), default=0)
    for index, row in enumerate(rows[:10]):
        if row and clean(row[0]).lower() in NUMBER_HEADERS:
            mapping = [_field_for(clean(cell).lower()) for cell in row]
            following = rows[index + 1] if index + 1 < len(rows) else []
            for column, cell in enumerate(following):  # a sub-header row: "Chủ trì | Phối hợp"
                word = _field_for(clean(cell).lower())
                if word in {"lead", "coordinating"} and column < width:
                    mapping += ["ignore"] * (column + 1 - len(mapping))
                    mapping[column] = word
            mapping = (mapping + ["ignore"] * width)[:width]
            if "timing" not in mapping and mapping.count("content") > 1:
                # Seed 000: "Tên TC/TCTP" then "Nội dung thực hiện", whose text carries the deadlines.
                mapping[len(mapping) - 1 - mapping[::-1].index("content")] = "timing"
            return mapping
    default = ["number", "content", "timing", "lead", "coordinating"]
    return (default + ["ignore"] * width)[:width]


def _field_for(header: str) -> str:
    for name, words in HEADER_WORDS:
        if any(word in header for word in words):
            return name
    return "ignore"


def _is_header(cells: dict[str, str]) -> bool:
    values = " ".join(cells.values()).lower()
    return cells.get("number", "").lower() in {"stt", "tt"} or (
        not cells.get("number") and values.strip() in {"chủ trì phối hợp", "chủ trì", "phối hợp"}
    )


# --- building drafts ---------------------------------------------------------------------


class UnitScanner:
    """Finds units in an assignment cell: exact names via UnitResolver, or, in free text,
    every unit whose name or short name appears; collective phrases mean every unit."""

    def __init__(self, resolver: UnitResolver) -> None:
        self.resolver = resolver
        self.all_units = sorted(node.org_id for node in resolver.units)
        self.names = sorted(
            {
                (variant, node.org_id)
                for node in resolver.units
                for text in (node.name, node.short_name)
                for variant in (text, expand_abbreviations(text))
                if len(text) >= 3
            },
            key=lambda item: -len(item[0]),
        )
        self.fuzzy_keys: dict[str, set[int]] = {}
        for node in resolver.units:
            for text in (node.name, node.short_name):
                if text:
                    self.fuzzy_keys.setdefault(name_key(expand_abbreviations(text)), set()).add(node.org_id)

    def split_cell(self, cell: str) -> tuple[list[int], list[str]]:
        """A Chủ trì / Phối hợp cell: names separated by ; or line breaks (or one name). Lines that
        only continue the name above ("Phòng Kế hoạch - Tài" / "chính") are joined first."""
        found, unknown = [], []
        for piece in cell.split(";"):
            for line in self._join_wrapped(piece.split("\n")):
                for part in re.split(r", (?=[A-ZĐ])", line):
                    name = part.strip(" .-")
                    if not name:
                        continue
                    org_ids = self.identify(name)
                    if org_ids:
                        found += [o for o in org_ids if o not in found]
                    else:
                        unknown.append(name)
        return found, unknown

    def identify(self, name: str) -> list[int]:
        expanded = expand_abbreviations(name)
        return self.resolver.resolve(name) or self.resolver.resolve(expanded) or self.mentions(name)

    def _join_wrapped(self, lines: list[str]) -> list[str]:
        joined: list[str] = []
        for line in (clean(line) for line in lines):
            if not line:
                continue
            if joined and self._continues(joined[-1], line):
                joined[-1] = f"{joined[-1]} {line}"
            else:
                joined.append(line)
        return joined

    def _continues(self, previous: str, line: str) -> bool:
        """True when `line` is the rest of the name on the line above, not a name of its own."""
        if BULLET.match(line):
            return False
        if previous.rstrip().endswith(("-", "–", ",", " và", " các", " thuộc", " với")):
            return True
        # "Sở" alone ends "Các phòng, đơn vị thuộc"; any other single word may be a unit of its own.
        if line.lstrip(' ("“')[:1].islower() or line.strip(" .").lower() in {"sở", "tỉnh"}:
            return True
        # Two lines that name nothing alone but a unit together ("Trung tâm Công nghệ" / "Thông tin").
        return not self.identify(previous) and not self.identify(line) and bool(self.identify(f"{previous} {line}"))

    def guess(self, text: str) -> int | None:
        """The unit whose name is closest to `text`, when close enough to offer (never to decide)."""
        key = name_key(expand_abbreviations(text))
        if len(key) < 4:
            return None
        close = difflib.get_close_matches(key, list(self.fuzzy_keys), n=1, cutoff=FUZZY_CUTOFF)
        if close and len(self.fuzzy_keys[close[0]]) == 1:
            return next(iter(self.fuzzy_keys[close[0]]))
        return None

    @staticmethod
    def subject(text: str, max_words: int | None = 12) -> str:
        """The words a free-text assignment starts with, up to its verb: who is meant to act."""
        first = re.split(r"[.:()\n]", BULLET.sub("", clean(text)).strip(), maxsplit=1)[0]
        first = ASSIGNMENT_VERBS.split(" " + first, maxsplit=1)[0].strip(" ,;")
        return " ".join(first.split()[:max_words])

    def mentions(self, text: str) -> list[int]:
        lowered = expand_abbreviations(text).lower()
        found: list[int] = []
        for name, org_id in self.names:
            if re.search(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)", lowered) and org_id not in found:
                found.append(org_id)
        if not found and (COLLECTIVE.search(text) or name_key(text).startswith(ALL_UNITS_PREFIXES)):
            return list(self.all_units)
        return found

    def assignment(self, text: str) -> tuple[list[int], list[int]]:
        """Free text "Văn phòng Sở chủ trì …, phối hợp các phòng…": lead = the unit just before
        "chủ trì", else the units the first sentence starts with ("Trung tâm CNTT; Văn phòng Đăng ký
        đất đai công khai …"), else the first named unit, else every unit; coordinating = the others."""
        lowered = expand_abbreviations(text).lower()
        named = [(lowered.find(name.lower()), name, org_id) for name, org_id in self.names if name.lower() in lowered]
        named.sort()
        lead: list[int] = []
        for position, name, org_id in named:
            after = lowered[position + len(name) : position + len(name) + 15]
            if "chủ trì" in after:
                lead = [org_id]
                break
        subject = self.subject(expand_abbreviations(text), max_words=None).lower()
        offset = lowered.find(subject) if subject else -1
        if not lead and offset >= 0:
            lead = list(dict.fromkeys(o for position, _, o in named if offset <= position < offset + len(subject)))
        if not lead and named:
            lead = [named[0][2]]
        collective = bool(COLLECTIVE.search(text))
        if not lead and collective:
            return list(self.all_units), []
        others = [org_id for _, _, org_id in named if org_id not in lead]
        if collective:
            others = [o for o in self.all_units if o not in lead]
        return lead, list(dict.fromkeys(others))


def build_drafts(rows: list[list[str]], mapping: list[str], *, plan_year: int, scanner: UnitScanner) -> Appendix:
    appendix = Appendix(rows=rows, mapping=mapping)
    group = ""
    current: TaskDraft | None = None
    start = header_index(rows) or 0  # a title or letterhead above the header is not a task
    for line, raw in enumerate(rows, start=1):
        if line <= start:
            continue
        cells: dict[str, str] = {}
        for column, value in enumerate(raw):
            name = mapping[column] if column < len(mapping) else "ignore"
            if name != "ignore" and clean(value):
                # Unit cells keep their line breaks: one unit a line is how offices list them.
                text = _unit_lines(value) if name in UNIT_FIELDS else clean(value)
                cells[name] = (cells.get(name, "") + " " + text).strip()
        if not cells or _is_header(cells):
            continue
        number, content = cells.get("number", ""), cells.get("content", "")
        others = {k: v for k, v in cells.items() if k not in {"number", "content"}}
        bold = any("<b>" in value for value in raw) or bool(re.match(r"TC\s*\d", content))
        if (
            not others
            and content
            and ((bold and not number) or (number and (ROMAN_GROUP.match(number) or content.upper() == content)))
        ):
            group, current = f"{number}. {content}".strip(". "), None
            continue
        if not number and current is not None:  # a continuation line of the row above
            _merge(current, cells, wrapped=_is_wrap(content))
            continue
        if not content:
            appendix.rejected.append((line, _row_text(raw), "Dòng không có nội dung nhiệm vụ."))
            continue
        if len(number) > MAX_NUMBER_LENGTH:
            appendix.rejected.append(
                (line, _row_text(raw), f"Cột STT dài quá {MAX_NUMBER_LENGTH} ký tự: hãy kiểm tra cách chia cột.")
            )
            current = None
            continue
        current = TaskDraft(line=line, number=number, group=group[:MAX_GROUP_LENGTH], content="")
        _merge(current, cells)
        appendix.drafts.append(current)
    appendix.drafts = _lift_headings(appendix.drafts)
    for draft in appendix.drafts:
        _finish(draft, plan_year, scanner)
        for text in draft.unresolved:
            if text not in appendix.guesses and (guess := scanner.guess(text.split(": ", 1)[-1])):
                appendix.guesses[text] = guess
    return appendix


UNIT_FIELDS = {"lead", "coordinating", "assignment"}


def _unit_lines(value: str) -> str:
    return "\n".join(line for line in (clean(part) for part in value.splitlines()) if line)


def _row_text(raw: list[str]) -> str:
    return " | ".join(clean(c) for c in raw if clean(c))


def _is_wrap(content: str) -> bool:
    """A row without STT whose content is empty or goes on mid-sentence ("thời”.", "4 năm 2021 …")
    is the rest of the row above, cut by a page break; one starting a new item ("- Công khai …")
    is a sub-item with units of its own."""
    text = content.lstrip(" \"“'")
    return not text or not (BULLET.match(text) or text[:1].isupper())


def _lift_headings(drafts: list[TaskDraft]) -> list[TaskDraft]:
    """A numbered row with no units, followed by its own sub-rows (1.3 then 1.3.1, 1.3.2), is a
    heading: its text becomes the group of those sub-rows."""
    kept: list[TaskDraft] = []
    for index, draft in enumerate(drafts):
        following = drafts[index + 1] if index + 1 < len(drafts) else None
        # A timing does not make it a task (seed 001: 2.1 repeats the timing of 2.1.1-2.1.3).
        is_heading = (
            not draft.unit_cells
            and draft.number
            and following is not None
            and following.number.startswith(draft.number + ".")
        )
        if is_heading:
            for child in drafts[index + 1 :]:
                if not child.number.startswith(draft.number + "."):
                    break
                child.group = f"{draft.group} › {draft.number} {draft.content[:150]}"[:MAX_GROUP_LENGTH]
        else:
            kept.append(draft)
    return kept


def _merge(draft: TaskDraft, cells: dict[str, str], *, wrapped: bool = False) -> None:
    for key in ("content", "product", "timing"):
        if key in cells:
            previous = getattr(draft, key)
            setattr(draft, key, f"{previous} {cells[key]}" if previous else cells[key])
    for key in ("lead", "coordinating", "assignment"):
        if key in cells:
            fragments = draft.unit_cells.setdefault(key, [])
            if wrapped and fragments:
                # The cell above goes on here; split_cell decides whether the lines are one name.
                fragments[-1] = f"{fragments[-1]}\n{cells[key]}"
            else:
                fragments.append(cells[key])


def _finish(draft: TaskDraft, plan_year: int, scanner: UnitScanner) -> None:
    parsed = parse_timing(draft.timing, plan_year)
    draft.deadline_rule = parsed.rule
    draft.problems += parsed.problems
    cells = draft.unit_cells
    if cells.get("assignment"):
        text = clean(" ".join(cells["assignment"]))
        draft.lead_ids, draft.coordinating_ids = scanner.assignment(text)
        if not draft.lead_ids and (subject := scanner.subject(text)):
            # An unknown unit in free text is offered for a manual choice, never dropped silently.
            draft.unresolved.append(f"Chủ trì: {subject}")
    for role in ("lead", "coordinating"):
        for text in cells.get(role, []):
            found, unknown = scanner.split_cell(text)
            target = draft.lead_ids if role == "lead" else draft.coordinating_ids
            target += [o for o in found if o not in target]
            draft.unresolved += [f"{'Chủ trì' if role == 'lead' else 'Phối hợp'}: {name}" for name in unknown]
    draft.coordinating_ids = [o for o in draft.coordinating_ids if o not in draft.lead_ids]
    if not draft.lead_ids:
        draft.problems.append("Chưa xác định được đơn vị chủ trì.")


def mapping_from_post(data: Any, width: int, default: list[str]) -> list[str]:
    chosen = [data.get(f"col{i}", default[i] if i < len(default) else "ignore") for i in range(width)]
    return [c if c in FIELDS else "ignore" for c in chosen]
