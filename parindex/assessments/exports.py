"""The assessment as XLSX, the self-assessment report (Báo cáo tự đánh giá) as DOCX in the
Nghị định 30/2020 layout and as PDF, and the evidence package as a ZIP with an index sheet."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment, Font, PatternFill

from parindex.assessments.models import Evidence
from parindex.core.downloads import attachment
from parindex.core.pdf import register_fonts
from parindex.engine.numbers import fmt
from parindex.organizations.selectors import organization_names

HEADERS = [
    "Mã",
    "Tiêu chí",
    "Điểm tối đa",
    "Tự chấm",
    "Thẩm định vòng 1",
    "Kết quả",
    "Chênh lệch",
    "Cách tính / giải trình",
    "Ý kiến thẩm định",
    "Không áp dụng",
]
NUMBER_FORMAT = "0.00"


def _p(value) -> str:
    return "" if value is None else fmt(value)


def _same(value):
    return value


def _rows(sheet, number=_p):
    """Each sheet row with its cells; `number` renders points (text with a decimal comma for
    documents, the number itself for spreadsheets so that they can be summed)."""
    for row in sheet.rows:
        answer = row.answer
        note = " ".join(filter(None, [answer.note_1, answer.note_2])) if answer else ""
        how = ""
        if answer:
            how = "; ".join(filter(None, [answer.self_explanation, answer.justification, answer.reply]))
        if row.survey_pending:
            how = "Chờ kết quả điều tra xã hội học"
        not_applicable = "x" if answer and answer.self_excluded else ""
        yield row, [
            row.criterion.code, row.criterion.title, number(row.criterion.max_points), number(row.points["self"]),
            number(row.points["round1"]), number(row.points["final"]), number(row.difference), how, note,
            not_applicable,
        ]  # fmt: skip


def _name(assessment) -> str:
    return organization_names(year=assessment.round.year, org_ids={assessment.organization_id}).get(
        assessment.organization_id, assessment.organization.code
    )


def sheet_xlsx(assessment, sheet) -> HttpResponse:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Tự đánh giá"
    ws.append([f"{assessment.round.title} — {_name(assessment)}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [f"Chỉ số: tự chấm {fmt(sheet.index('self'))} % · kết quả {fmt(sheet.index('final'))} % ({sheet.band()})"]
    )
    ws.append(HEADERS)
    for cell in ws[3]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for row, values in _rows(sheet, number=_same):
        ws.append(values)
        if not row.is_leaf:
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJ", [8, 60, 10, 10, 12, 10, 10, 60, 40, 10], strict=True):
        ws.column_dimensions[column].width = width
    for line in ws.iter_rows(min_row=4):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in line[2:7]:
            cell.number_format = NUMBER_FORMAT
    _index_sheet(book, sheet)
    ws.freeze_panes = "C4"
    output = io.BytesIO()
    book.save(output)
    return attachment(output.getvalue(), f"tu-danh-gia-{assessment.pk}.xlsx")


def _index_sheet(book, sheet) -> None:
    """How the index follows from the points, one figure per line, so it can be checked by hand."""
    ws = book.create_sheet("Cách tính chỉ số")
    ws.append(["", "Tự chấm", "Thẩm định vòng 1", "Kết quả"])
    rollups = [sheet.rollups[column] for column in ("self", "round1", "final")]
    lines = [
        ("Tổng điểm (A)", [r.total for r in rollups]),
        ("Tổng điểm tối đa (B)", [r.maximum for r in rollups]),
        ("Điểm tối đa của tiêu chí không áp dụng (C)", [r.excluded_max for r in rollups]),
        ("Chỉ số = A / (B − C) × 100 (%)", [r.index for r in rollups]),
    ]
    for label, values in lines:
        ws.append([label, *values])
        for cell in ws[ws.max_row][1:]:
            cell.number_format = NUMBER_FORMAT
    ws.append(["Xếp loại", *[sheet.band(column) or "—" for column in ("self", "round1", "final")]])
    ws.column_dimensions["A"].width = 48
    for column in "BCD":
        ws.column_dimensions[column].width = 16


def ranking_xlsx(assessment_round, results, names: dict[int, str]) -> HttpResponse:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Xếp hạng"
    ws.append([f"{assessment_round.title} — kết quả và xếp hạng"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(["Hạng", "Cơ quan", "Bước", "Chỉ số (%)", "Xếp loại", "Năm trước (%)", "Tăng/giảm (điểm %)"])
    for cell in ws[2]:
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for row in results:
        assessment = row.assessment
        ws.append([
            row.rank, names.get(assessment.organization_id, assessment.organization.code),
            assessment.get_state_display(), row.index, row.band or "—", row.previous, row.change,
        ])  # fmt: skip
        for cell in ws[ws.max_row][3:7]:
            cell.number_format = NUMBER_FORMAT
    for column, width in zip("ABCDEFG", [7, 45, 16, 12, 14, 14, 18], strict=True):
        ws.column_dimensions[column].width = width
    output = io.BytesIO()
    book.save(output)
    return attachment(output.getvalue(), f"xep-hang-{assessment_round.pk}.xlsx")


def report_docx_bytes(assessment, sheet) -> bytes:
    document = Document()
    section = document.sections[0]
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    header = document.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.text = f"{_name(assessment).upper()}\nSố:      /BC"
    right.text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    for cell in (left, right):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in cell.paragraphs[0].runs:
            run.bold = True
    today = timezone.localdate()
    place = document.add_paragraph(f"ngày {today.day:02d} tháng {today.month:02d} năm {today.year}")
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    place.runs[0].italic = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(
        f"BÁO CÁO\nKết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {assessment.round.year}"
    )
    run.bold = True
    document.add_paragraph("I. KẾT QUẢ TỰ ĐÁNH GIÁ").runs[0].bold = True
    document.add_paragraph(
        f"1. Tổng điểm tự đánh giá: {fmt(sheet.rollups['self'].total)}/{fmt(sheet.rollups['self'].maximum)} điểm; "
        f"Chỉ số {fmt(sheet.index('self'))} %."
    )
    document.add_paragraph(
        f"2. Kết quả sau thẩm định: Chỉ số {fmt(sheet.index('final'))} %, xếp loại {sheet.band() or '—'}."
    )
    document.add_paragraph("II. ĐIỂM THEO TỪNG TIÊU CHÍ").runs[0].bold = True
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["Mã", "Tiêu chí", "Tối đa", "Tự chấm", "Kết quả"], strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row, values in _rows(sheet):
        cells = table.add_row().cells
        for cell, text in zip(cells, [values[0], values[1], values[2], values[3], values[5]], strict=True):
            cell.text = text
            if not row.is_leaf:
                cell.paragraphs[0].runs[0].bold = True
    for line in table.rows:
        for cell, width in zip(line.cells, [Cm(1.4), Cm(10), Cm(1.6), Cm(1.6), Cm(1.6)], strict=True):
            cell.width = width
    document.add_paragraph("III. GIẢI TRÌNH").runs[0].bold = True
    explained = [row for row in sheet.rows if row.answer and (row.answer.justification or row.answer.reply)]
    for row in explained:
        document.add_paragraph(f"Tiêu chí {row.criterion.code}: {row.answer.justification or row.answer.reply}")
    if not explained:
        document.add_paragraph("Không có.")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def report_docx(assessment, sheet) -> HttpResponse:
    return attachment(report_docx_bytes(assessment, sheet), f"bao-cao-tu-danh-gia-{assessment.pk}.docx")


def report_pdf_bytes(assessment, sheet) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=11, leading=14)
    strong = ParagraphStyle("strong", parent=body, fontName=bold)
    centered = ParagraphStyle("center", parent=strong, alignment=1, fontSize=13, leading=17)
    output = io.BytesIO()
    doc = SimpleDocTemplate(output, pagesize=A4, leftMargin=3 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title="Báo cáo tự đánh giá")  # fmt: skip
    national = Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc", strong)
    heading = f"BÁO CÁO<br/>Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {assessment.round.year}"
    story = [
        Table([[Paragraph(_name(assessment).upper(), strong), national]], colWidths=[7 * cm, 9 * cm]),
        Spacer(1, 0.6 * cm),
        Paragraph(heading, centered),
        Spacer(1, 0.4 * cm),
        Paragraph(f"Tổng điểm tự đánh giá: {fmt(sheet.rollups['self'].total)}/{fmt(sheet.rollups['self'].maximum)}; "
                  f"Chỉ số tự đánh giá {fmt(sheet.index('self'))} %; sau thẩm định {fmt(sheet.index('final'))} % "
                  f"({sheet.band() or '—'}).", body),
        Spacer(1, 0.3 * cm),
    ]  # fmt: skip
    data = [[Paragraph(h, strong) for h in ["Mã", "Tiêu chí", "Tối đa", "Tự chấm", "Kết quả"]]]
    for row, values in _rows(sheet):
        style = strong if not row.is_leaf else body
        data.append([Paragraph(values[0], style), Paragraph(values[1], style), values[2], values[3], values[5]])
    table = Table(data, colWidths=[1.4 * cm, 10 * cm, 1.5 * cm, 1.6 * cm, 1.5 * cm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("FONTNAME", (0, 0), (-1, -1), regular),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
    ]))  # fmt: skip
    story.append(table)
    doc.build(story)
    return output.getvalue()


def report_pdf(assessment, sheet) -> HttpResponse:
    return attachment(report_pdf_bytes(assessment, sheet), f"bao-cao-tu-danh-gia-{assessment.pk}.pdf")


def evidence_zip(assessment, sheet) -> HttpResponse:
    evidence = Evidence.objects.filter(
        organization=assessment.organization, year=assessment.round.year
    ).prefetch_related("files", "criteria")
    book = openpyxl.Workbook()
    index = book.active
    index.title = "Danh mục"
    index.append(["STT", "Số văn bản", "Ngày", "Cơ quan ban hành", "Trích yếu", "Tiêu chí", "Tệp trong gói"])
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        for number, item in enumerate(evidence, start=1):
            names = []
            for stored in item.files.all():
                name = f"{number:03d}/{Path(stored.original_name).name}"
                with stored.file.open("rb") as handle:
                    package.writestr(name, handle.read())
                names.append(name)
            index.append([
                number, item.number, item.issued_on.strftime("%d/%m/%Y") if item.issued_on else "", item.issuer,
                item.title, ", ".join(c.code for c in item.criteria.all()), "\n".join(names),
            ])  # fmt: skip
        sheet_bytes = io.BytesIO()
        book.save(sheet_bytes)
        package.writestr("danh-muc-tai-lieu-kiem-chung.xlsx", sheet_bytes.getvalue())
    return attachment(output.getvalue(), f"tai-lieu-kiem-chung-{assessment.pk}.zip")
