"""The assessment as XLSX, the self-assessment report (Báo cáo tự đánh giá) as DOCX in the
Nghị định 30/2020 layout and as PDF, and the evidence package as a ZIP with an index sheet."""

from __future__ import annotations

import io
import zipfile
from dataclasses import astuple, dataclass
from pathlib import Path

import openpyxl
from django.http import HttpResponse
from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl.styles import Alignment, Font, PatternFill

from parindex.assessments.models import Evidence
from parindex.core.document_cache import cached_document, layout_digest
from parindex.core.downloads import attachment
from parindex.core.pdf import register_fonts, register_italic_fonts
from parindex.core.spreadsheets import workbook_bytes
from parindex.engine.numbers import fmt
from parindex.organizations.models import OrganizationKind
from parindex.organizations.selectors import organization_names, organization_tree

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
FONT = "Times New Roman"


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
    return attachment(workbook_bytes(book), f"tu-danh-gia-{assessment.pk}.xlsx")


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
    return attachment(workbook_bytes(book), f"xep-hang-{assessment_round.pk}.xlsx")


PLACE_PREFIXES = ("Tỉnh ", "Thành phố ")
RECIPIENTS = ["Sở Nội vụ (thẩm định);", "Lãnh đạo Sở;", "Lưu: VT, VP."]
SIGNER = "GIÁM ĐỐC"
SIGNATURE_NOTE = "(Ký, ghi rõ họ tên)"
BODY_PT, TABLE_PT, RECIPIENTS_PT = 14, 12, 11


@dataclass(frozen=True)
class Letterhead:
    """The parts of a Nghị định 30/2020/NĐ-CP administrative document around the report."""

    governing: str  # "UBND TỈNH ĐỒNG NAI" (cơ quan chủ quản), empty without a province
    issuer: str  # "SỞ CÔNG THƯƠNG"
    number: str  # "Số:      /BC-SCT", the number left for the clerk
    place_date: str  # "Đồng Nai, ngày 02 tháng 12 năm 2026"
    title: str
    subtitle: str


def vn_date(day) -> str:
    """ "ngày 05 tháng 01 năm 2026", "ngày 12 tháng 3 năm 2026": a 0 before days under 10 and
    before months 1 and 2 (Nghị định 30/2020, Phụ lục I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def letterhead(assessment, today=None) -> Letterhead:
    """Names as they were in the round's year: the province gives the place ("Tỉnh Đồng Nai" →
    "Đồng Nai") and the governing body; the department's own name drops the province it repeats."""
    tree = organization_tree(year=assessment.round.year)
    node = tree.nodes.get(assessment.organization_id)
    name = node.name if node else _name(assessment)
    province = tree.nearest(assessment.organization_id, OrganizationKind.PROVINCE)
    place, governing = "", ""
    if province:
        place = province.name
        for prefix in PLACE_PREFIXES:
            if place.startswith(prefix) and len(place) > len(prefix):
                place = place[len(prefix) :]
        kind = "THÀNH PHỐ" if province.name.startswith("Thành phố") else "TỈNH"
        governing = f"UBND {kind} {place}".upper()
        for suffix in (f" tỉnh {place}", f" thành phố {place}"):
            if name.lower().endswith(suffix.lower()) and len(name) > len(suffix):
                name = name[: -len(suffix)]
    short = node.short_name if node and node.short_name else ""
    day = vn_date(today or timezone.localdate())
    return Letterhead(
        governing=governing,
        issuer=name.upper(),
        number=f"Số:        /BC-{short}" if short else "Số:        /BC",
        place_date=f"{place}, {day}" if place else day.capitalize(),
        title="BÁO CÁO",
        subtitle=f"Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {assessment.round.year}",
    )


def _summary(sheet) -> list[str]:
    own = sheet.rollups["self"]
    return [
        f"1. Tổng điểm tự đánh giá: {fmt(own.total)}/{fmt(own.maximum)} điểm; Chỉ số {fmt(sheet.index('self'))} %.",
        f"2. Kết quả sau thẩm định: Chỉ số {fmt(sheet.index('final'))} %, xếp loại {sheet.band() or '—'}.",
    ]


def _explanations(sheet) -> list[str]:
    explained = [row for row in sheet.rows if row.answer and (row.answer.justification or row.answer.reply)]
    return [f"Tiêu chí {row.criterion.code}: {row.answer.justification or row.answer.reply}" for row in explained]


def _run(paragraph, text: str, *, size: int = BODY_PT, bold=False, italic=False, underline=False):
    run = paragraph.add_run(text)
    run.font.name, run.font.size = FONT, Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    return run


def _line(container, text: str = "", *, align=WD_ALIGN_PARAGRAPH.CENTER, after: int = 0, **style):
    paragraph = container.add_paragraph() if hasattr(container, "add_paragraph") else container
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    if text:
        _run(paragraph, text, **style)
    return paragraph


def _rule(container, indent: float) -> None:
    """The short solid line under the issuer's name and under the title: an empty paragraph
    with a bottom border, narrowed by indents."""
    paragraph = _line(container, after=6)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = Cm(indent)
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _first(cell):
    """A table cell's first (empty) paragraph, used instead of adding a blank one."""
    return cell.paragraphs[0]


def report_docx_bytes(assessment, sheet, today=None, head: Letterhead | None = None) -> bytes:
    head = head or letterhead(assessment, today)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(key), FONT)
    normal.paragraph_format.space_after = Pt(6)

    # Header (ô 1–4): issuer and number on the left, national title, motto and place-date on the right.
    header = document.add_table(rows=2, cols=2)
    header.autofit = False
    (issuer, national), (number, place) = header.rows[0].cells, header.rows[1].cells
    first = _first(issuer)
    if head.governing:
        _line(first, head.governing, size=13)
        first = issuer.add_paragraph()
    _line(first, head.issuer, size=13, bold=True)
    _rule(issuer, 1.8)
    _line(_first(national), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    _line(national, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, underline=True)
    _line(_first(number), head.number, size=13)
    _line(_first(place), head.place_date, size=14, italic=True)
    for row in header.rows:
        for cell, width in zip(row.cells, [Cm(6.5), Cm(9.5)], strict=True):
            cell.width = width

    _line(document, head.title, size=14, bold=True).paragraph_format.space_before = Pt(18)
    _line(document, head.subtitle, size=14, bold=True)
    _rule(document, 6.2)

    def heading(text):
        _line(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, bold=True).paragraph_format.space_before = Pt(
            6
        )

    def body(text):
        paragraph = _line(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
        paragraph.paragraph_format.first_line_indent = Cm(1)

    heading("I. KẾT QUẢ TỰ ĐÁNH GIÁ")
    for text in _summary(sheet):
        body(text)
    heading("II. ĐIỂM THEO TỪNG TIÊU CHÍ")
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    widths = [Cm(1.3), Cm(9.0), Cm(1.7), Cm(2.0), Cm(2.0)]
    for cell, text in zip(table.rows[0].cells, ["Mã", "Tiêu chí", "Tối đa", "Tự chấm", "Kết quả"], strict=True):
        _line(_first(cell), text, size=TABLE_PT, bold=True)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for row, values in _rows(sheet):
        cells = table.add_row().cells
        texts = [values[0], values[1], values[2], values[3], values[5]]
        for index, (cell, text) in enumerate(zip(cells, texts, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if index < 2 else WD_ALIGN_PARAGRAPH.RIGHT
            _line(_first(cell), text, align=align, size=TABLE_PT, bold=not row.is_leaf)
    for line in table.rows:
        for cell, width in zip(line.cells, widths, strict=True):
            cell.width = width
    heading("III. GIẢI TRÌNH")
    for text in _explanations(sheet) or ["Không có."]:
        body(text)

    # Nơi nhận (ô 9b) on the left, the signer (ô 7) on the right.
    closing = document.add_table(rows=1, cols=2)
    closing.autofit = False
    recipients, signer = closing.rows[0].cells
    _line(_first(recipients), "Nơi nhận:", align=WD_ALIGN_PARAGRAPH.LEFT, size=12, bold=True, italic=True)
    for text in RECIPIENTS:
        _line(recipients, f"- {text}", align=WD_ALIGN_PARAGRAPH.LEFT, size=RECIPIENTS_PT)
    _line(_first(signer), SIGNER, size=14, bold=True)
    _line(signer, SIGNATURE_NOTE, size=14, italic=True)
    for cell, width in zip(closing.rows[0].cells, [Cm(7.5), Cm(8.5)], strict=True):
        cell.width = width
    closing.rows[0].cells[0].paragraphs[0].paragraph_format.space_before = Pt(12)
    closing.rows[0].cells[1].paragraphs[0].paragraph_format.space_before = Pt(12)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def report_pdf_bytes(assessment, sheet, today=None, head: Letterhead | None = None) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    head = head or letterhead(assessment, today)
    regular, bold = register_fonts()
    italic, bold_italic = register_italic_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=13, leading=17, alignment=TA_JUSTIFY,
                          firstLineIndent=1 * cm, spaceAfter=4)  # fmt: skip
    heading = ParagraphStyle("heading", parent=body, fontName=bold, firstLineIndent=0, spaceBefore=6)
    center = ParagraphStyle("center", parent=body, alignment=TA_CENTER, firstLineIndent=0, spaceAfter=0)
    center_bold = ParagraphStyle("center_bold", parent=center, fontName=bold)
    motto = ParagraphStyle("motto", parent=center_bold, fontSize=14, leading=18)
    dated = ParagraphStyle("dated", parent=center, fontName=italic, fontSize=14, leading=18)
    title = ParagraphStyle("title", parent=center_bold, fontSize=14, leading=19)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=11, leading=13.5)
    cell_bold = ParagraphStyle("cell_bold", parent=cell, fontName=bold)
    number = ParagraphStyle("number", parent=cell, alignment=TA_RIGHT)
    number_bold = ParagraphStyle("number_bold", parent=number, fontName=bold)
    recipients_head = ParagraphStyle("recipients_head", fontName=bold_italic, fontSize=12, leading=15)
    recipients = ParagraphStyle("recipients", fontName=regular, fontSize=RECIPIENTS_PT, leading=13.5)

    left = [Paragraph(escape(head.governing), ParagraphStyle("governing", parent=center, fontSize=13))] * bool(
        head.governing
    )
    left += [Paragraph(escape(head.issuer), center_bold), HRFlowable(width="35%", thickness=0.6, color=colors.black,
                                                                      spaceBefore=2, spaceAfter=0)]  # fmt: skip
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ParagraphStyle("national", parent=center_bold, fontSize=12.5)),
        Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", motto),
    ]
    letter = Table(
        [
            [left, right],
            [Paragraph(escape(head.number).replace(" ", "\u00a0"), center), Paragraph(escape(head.place_date), dated)],
        ],
        colWidths=[6.4 * cm, 9.6 * cm],
    )
    letter.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, 1), 8),
    ]))  # fmt: skip
    story = [
        letter,
        Spacer(1, 0.8 * cm),
        Paragraph(head.title, title),
        Paragraph(escape(head.subtitle), title),
        HRFlowable(width="25%", thickness=0.6, color=colors.black, spaceBefore=3, spaceAfter=10),
        Paragraph("I. KẾT QUẢ TỰ ĐÁNH GIÁ", heading),
        *[Paragraph(escape(text), body) for text in _summary(sheet)],
        Paragraph("II. ĐIỂM THEO TỪNG TIÊU CHÍ", heading),
    ]
    data = [[Paragraph(h, cell_bold) for h in ["Mã", "Tiêu chí", "Tối đa", "Tự chấm", "Kết quả"]]]
    for row, values in _rows(sheet):
        text, figure = (cell, number) if row.is_leaf else (cell_bold, number_bold)
        data.append([Paragraph(escape(values[0]), text), Paragraph(escape(values[1]), text),
                     *[Paragraph(values[i], figure) for i in (2, 3, 5)]])  # fmt: skip
    table = Table(data, colWidths=[1.3 * cm, 9.0 * cm, 1.7 * cm, 2.0 * cm, 2.0 * cm], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
    ]))  # fmt: skip
    story += [table, Paragraph("III. GIẢI TRÌNH", heading)]
    story += [Paragraph(escape(text), body) for text in _explanations(sheet) or ["Không có."]]
    closing = Table(
        [[
            [Paragraph("Nơi nhận:", recipients_head), *[Paragraph(f"- {escape(t)}", recipients) for t in RECIPIENTS]],
            [Paragraph(SIGNER, title), Paragraph(SIGNATURE_NOTE, dated)],
        ]],
        colWidths=[7.5 * cm, 8.5 * cm],
    )  # fmt: skip
    closing.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [Spacer(1, 0.5 * cm), KeepTogether([closing])]
    output = io.BytesIO()
    doc = SimpleDocTemplate(output, pagesize=A4, leftMargin=3 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=f"{head.title} {head.subtitle}")  # fmt: skip
    doc.build(story)
    return output.getvalue()


LAYOUT = layout_digest(__file__)
REPORTS = "reports"  # the folder under MEDIA_ROOT
REPORT_MAKERS = {"docx": report_docx_bytes, "pdf": report_pdf_bytes}


def report_cached(kind: str, assessment, sheet, today=None) -> HttpResponse:
    """The DOCX or PDF report, built once per content (core.document_cache): what it prints is
    the letterhead with its date, the summary, every row and the explanations. Reading the sheet
    costs a few queries; building the document is what took seconds."""
    today = today or timezone.localdate()
    head = letterhead(assessment, today)
    printed = (kind, LAYOUT, astuple(head), _summary(sheet), _explanations(sheet),
               [(row.is_leaf, values) for row, values in _rows(sheet)])  # fmt: skip
    content = cached_document(
        REPORTS,
        str(assessment.pk),
        kind,
        printed,
        lambda: REPORT_MAKERS[kind](assessment, sheet, today, head),  # the same queries as a kept file
    )
    return attachment(content, f"bao-cao-tu-danh-gia-{assessment.pk}.{kind}")


def report_docx(assessment, sheet) -> HttpResponse:
    return report_cached("docx", assessment, sheet)


def report_pdf(assessment, sheet) -> HttpResponse:
    return report_cached("pdf", assessment, sheet)


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
        package.writestr("danh-muc-tai-lieu-kiem-chung.xlsx", workbook_bytes(book))
    return attachment(output.getvalue(), f"tai-lieu-kiem-chung-{assessment.pk}.zip")
