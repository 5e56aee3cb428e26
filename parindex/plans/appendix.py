"""Reading a plan's appendix table (pasted text, DOCX or XLSX) into task drafts.

The seeds show the shapes: a header row (STT, Nội dung/Nhiệm vụ, Sản phẩm, Thời gian/Tiến độ,
Chủ trì, Phối hợp — or one free-text "Phân công" column), group rows (I, II… or an upper-case
title with empty cells), task rows, and continuation lines with an empty STT. Nothing is
dropped: rows that cannot be read are listed with the reason."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from parindex.criteria.units import ALL_UNITS_PREFIXES, UnitResolver, name_key
from parindex.engine.timing_parser import clean, parse_timing

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
COLLECTIVE = re.compile(r"các (?:phòng|cơ quan|đơn vị)[^.;:]{0,40}?(?:thuộc sở|trực thuộc|đơn vị)?", re.IGNORECASE)
ROMAN_GROUP = re.compile(r"^(?:[IVX]+|[A-Z])\.?$")


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


# --- reading the table -------------------------------------------------------------------


def rows_from_text(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def rows_from_docx(content: bytes) -> list[list[str]]:
    import docx  # imported here: only this path needs python-docx

    document = docx.Document(io.BytesIO(content))
    rows = []
    for table in document.tables:
        for row in table.rows:
            cells, previous = [], None
            for cell in row.cells:
                # Merged cells repeat the same object; keep one copy so columns stay aligned.
                cells.append("" if cell._tc is previous else cell.text.strip())
                previous = cell._tc
            rows.append(cells)
    return rows


def rows_from_xlsx(content: bytes) -> list[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = book.worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True) if any(row)]


def detect_mapping(rows: list[list[str]]) -> list[str]:
    """Column → field from the first header row found (STT …), else by position."""
    width = max((len(r) for r in rows), default=0)
    for index, row in enumerate(rows[:10]):
        if clean(row[0]).lower() in {"stt", "tt", "số tt"}:
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
            {(text, node.org_id) for node in resolver.units for text in (node.name, node.short_name) if len(text) >= 3},
            key=lambda item: -len(item[0]),
        )

    def split_cell(self, cell: str) -> tuple[list[int], list[str]]:
        """A Chủ trì / Phối hợp cell: names separated by ; or line breaks (or one name)."""
        found, unknown = [], []
        for part in re.split(r";|\n|, (?=[A-ZĐ])", cell):
            name = part.strip(" .-")
            if not name:
                continue
            org_ids = self.resolver.resolve(name) or self.mentions(name)
            if org_ids:
                found += [o for o in org_ids if o not in found]
            else:
                unknown.append(name)
        return found, unknown

    def mentions(self, text: str) -> list[int]:
        lowered = text.lower()
        found: list[int] = []
        for name, org_id in self.names:
            if re.search(r"(?<!\w)" + re.escape(name.lower()) + r"(?!\w)", lowered) and org_id not in found:
                found.append(org_id)
        if not found and (COLLECTIVE.search(text) or name_key(text).startswith(ALL_UNITS_PREFIXES)):
            return list(self.all_units)
        return found

    def assignment(self, text: str) -> tuple[list[int], list[int]]:
        """Free text "Văn phòng Sở chủ trì …, phối hợp các phòng…": lead = the unit just before
        "chủ trì" (else the first named unit, else every unit); coordinating = the others."""
        lowered = text.lower()
        named = [(lowered.find(name.lower()), name, org_id) for name, org_id in self.names if name.lower() in lowered]
        named.sort()
        lead: list[int] = []
        for position, name, org_id in named:
            after = lowered[position + len(name) : position + len(name) + 15]
            if "chủ trì" in after:
                lead = [org_id]
                break
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
    for line, raw in enumerate(rows, start=1):
        cells: dict[str, str] = {}
        for column, value in enumerate(raw):
            name = mapping[column] if column < len(mapping) else "ignore"
            if name != "ignore" and clean(value):
                cells[name] = (cells.get(name, "") + " " + clean(value)).strip()
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
            _merge(current, cells)
            continue
        if not content:
            appendix.rejected.append(
                (line, " | ".join(clean(c) for c in raw if clean(c)), "Dòng không có nội dung nhiệm vụ.")
            )
            continue
        current = TaskDraft(line=line, number=number, group=group, content="")
        _merge(current, cells)
        appendix.drafts.append(current)
    appendix.drafts = _lift_headings(appendix.drafts)
    for draft in appendix.drafts:
        _finish(draft, plan_year, scanner)
    return appendix


def _lift_headings(drafts: list[TaskDraft]) -> list[TaskDraft]:
    """A numbered row with no timing and no units, followed by its own sub-rows (1.3 then 1.3.1,
    1.3.2), is a heading: its text becomes the group of those sub-rows."""
    kept: list[TaskDraft] = []
    for index, draft in enumerate(drafts):
        following = drafts[index + 1] if index + 1 < len(drafts) else None
        is_heading = (
            not draft.timing
            and not draft.unit_cells
            and draft.number
            and following is not None
            and following.number.startswith(draft.number + ".")
        )
        if is_heading:
            for child in drafts[index + 1 :]:
                if not child.number.startswith(draft.number + "."):
                    break
                child.group = f"{draft.group} › {draft.number} {draft.content[:150]}"
        else:
            kept.append(draft)
    return kept


def _merge(draft: TaskDraft, cells: dict[str, str]) -> None:
    for key in ("content", "product", "timing"):
        if key in cells:
            previous = getattr(draft, key)
            setattr(draft, key, f"{previous} {cells[key]}" if previous else cells[key])
    for key in ("lead", "coordinating", "assignment"):
        if key in cells:
            draft.unit_cells.setdefault(key, []).append(cells[key])


def _finish(draft: TaskDraft, plan_year: int, scanner: UnitScanner) -> None:
    parsed = parse_timing(draft.timing, plan_year)
    draft.deadline_rule = parsed.rule
    draft.problems += parsed.problems
    cells = draft.unit_cells
    if cells.get("assignment"):
        draft.lead_ids, draft.coordinating_ids = scanner.assignment(" ".join(cells["assignment"]))
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
