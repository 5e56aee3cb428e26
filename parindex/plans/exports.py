"""The plan with its status as XLSX, and as a DOCX appendix table in the seeds' column layout."""

from __future__ import annotations

import io

import openpyxl
from django.http import HttpResponse
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment, Font, PatternFill

from parindex.core.downloads import attachment
from parindex.core.spreadsheets import workbook_bytes

COLUMNS = ["STT", "Nội dung", "Sản phẩm", "Thời gian thực hiện", "Chủ trì", "Phối hợp", "Tình trạng"]


def _status_text(task_row) -> str:
    counts = task_row.counts
    if not counts:
        return "Chưa có kỳ thực hiện"
    done = counts["done_on_time"] + counts["done_late"]
    parts = [f"Hoàn thành {done}/{sum(counts.values())}"]
    if counts["overdue"]:
        parts.append(f"quá hạn {counts['overdue']}")
    if counts["done_late"]:
        parts.append(f"trễ {counts['done_late']}")
    return ", ".join(parts)


def _rows(overview):
    group = None
    for task_row in overview.tasks:
        if task_row.task.group != group:
            group = task_row.task.group
            yield ("group", group)
        task = task_row.task
        yield (
            "task",
            [task.number, task.content, task.product, task.timing_text or task_row.deadline,
             ", ".join(task_row.lead), ", ".join(task_row.coordinating), _status_text(task_row)],
        )  # fmt: skip


def plan_xlsx(plan, overview) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kế hoạch"
    sheet.append([plan.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([f"Năm {plan.year}" + (f" · Số {plan.document_number}" if plan.document_number else "")])
    sheet.append(COLUMNS)
    for cell in sheet[3]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for kind, value in _rows(overview):
        if kind == "group":
            sheet.append([value])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        else:
            sheet.append(value)
    for column, width in zip("ABCDEFG", [7, 60, 35, 28, 22, 28, 22], strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A4"
    return workbook_bytes(book)


def plan_docx(plan, overview) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(12)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("PHỤ LỤC\nNHIỆM VỤ CỤ THỂ, SẢN PHẨM, TIẾN ĐỘ VÀ TRÁCH NHIỆM THỰC HIỆN")
    run.bold = True
    note = document.add_paragraph(
        f"(Kèm theo {plan.title}" + (f", số {plan.document_number}" if plan.document_number else "") + ")"
    )
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.runs[0].italic = True
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = title
        cell.paragraphs[0].runs[0].bold = True
    for kind, value in _rows(overview):
        cells = table.add_row().cells
        if kind == "group":
            merged = cells[0].merge(cells[-1])
            merged.text = value
            merged.paragraphs[0].runs[0].bold = True
        else:
            for cell, text in zip(cells, value, strict=True):
                cell.text = text or ""
    widths = [Cm(1.2), Cm(8.5), Cm(4.5), Cm(3.5), Cm(3), Cm(3.5), Cm(3)]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def plan_xlsx_response(plan, overview) -> HttpResponse:
    return attachment(plan_xlsx(plan, overview), f"ke-hoach-{plan.pk}.xlsx")


def plan_docx_response(plan, overview) -> HttpResponse:
    return attachment(plan_docx(plan, overview), f"ke-hoach-{plan.pk}.docx")
