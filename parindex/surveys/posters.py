"""Printable A5 QR poster for a service point, and the campaign's PDF report with a chart."""

from __future__ import annotations

import hashlib
import io

import segno
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from parindex.core.document_cache import cached_document, layout_digest
from parindex.core.pdf import register_fonts
from parindex.engine.numbers import fmt
from parindex.engine.survey import ELEMENTS


def poster_pdf(point, url: str) -> bytes:
    regular, bold = register_fonts()
    qr = io.BytesIO()
    segno.make(url, error="m").save(qr, kind="png", scale=12, border=2)
    qr.seek(0)
    output = io.BytesIO()
    page = canvas.Canvas(output, pagesize=A5)
    width, height = A5
    page.setTitle(f"Mã QR khảo sát — {point.name}")
    page.setFont(bold, 17)
    page.drawCentredString(width / 2, height - 2.2 * cm, "MỜI ÔNG/BÀ ĐÁNH GIÁ")
    page.drawCentredString(width / 2, height - 3.0 * cm, "SỰ HÀI LÒNG VỚI SỰ PHỤC VỤ")
    page.setFont(regular, 13)
    page.drawCentredString(width / 2, height - 4.0 * cm, point.name)
    size = 9 * cm
    page.drawImage(ImageReader(qr), (width - size) / 2, height - 4.6 * cm - size, size, size)
    page.setFont(regular, 11)
    page.drawCentredString(width / 2, 4.2 * cm, "Quét mã bằng camera điện thoại — dưới 1 phút, không cần đăng nhập.")
    page.drawCentredString(width / 2, 3.5 * cm, "Hoặc mở đường dẫn:")
    page.setFont(bold, 12)
    page.drawCentredString(width / 2, 2.8 * cm, url)
    page.setFont(regular, 9)
    page.drawCentredString(width / 2, 1.5 * cm, point.campaign.title[:90])
    page.showPage()
    page.save()
    return output.getvalue()


def _chart(rows, target, regular) -> Drawing:
    drawing = Drawing(16 * cm, 8 * cm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 5.5 * cm, 0.8 * cm, 9.5 * cm, 6.6 * cm
    chart.data = [[float(c.index) if c.index is not None else 0 for _, c in reversed(rows)]]
    chart.categoryAxis.categoryNames = [label[:34] for label, _ in reversed(rows)]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = regular, 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = regular
    chart.bars[0].fillColor = colors.HexColor("#0d6efd")
    drawing.add(chart)
    target_x = chart.x + chart.width * float(target) / 100
    drawing.add(
        Line(target_x, chart.y, target_x, chart.y + chart.height, strokeColor=colors.red, strokeDashArray=[3, 2])
    )
    drawing.add(
        String(
            target_x + 2,
            chart.y + chart.height + 2,
            f"chỉ tiêu {fmt(target)} %",
            fontName=regular,
            fontSize=8,
            fillColor=colors.red,
        )
    )
    return drawing


def _percent(value) -> str:
    return "—" if value is None else fmt(value, 2)


LAYOUT = layout_digest(__file__)


def _results_pdf(*, document_title: str, heading: list[str], results, campaign, sources: list[str]) -> bytes:
    """The report, kept as a file while what it prints is unchanged (a report of 10⁵ answers is
    a few aggregate queries away; laying the PDF out was most of the request). One file per
    campaign and heading (its period, its service points): newer figures replace older ones."""
    printed = (LAYOUT, register_fonts(), document_title, heading, results, campaign.target, sources)
    owner = f"{campaign.pk}_{hashlib.sha256(repr(heading).encode()).hexdigest()[:8]}"
    return cached_document(
        "survey-reports", owner, "pdf", printed,
        lambda: _build_results_pdf(document_title=document_title, heading=heading, results=results,
                                   campaign=campaign, sources=sources),
    )  # fmt: skip


def _build_results_pdf(*, document_title: str, heading: list[str], results, campaign, sources: list[str]) -> bytes:
    """One report layout for a campaign and for a quarter: n, SIPAS against the target, every
    element's index, months, service points, channels, comments and what to improve first."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=12, leading=16, spaceAfter=3)
    strong = ParagraphStyle("strong", parent=body, fontName=bold, spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=14, leading=19, alignment=1)
    centered = ParagraphStyle("centered", parent=body, alignment=1)
    small = ParagraphStyle("small", parent=body, fontSize=10, leading=13, textColor=colors.HexColor("#444444"))
    cell = ParagraphStyle("cell", parent=body, fontSize=11, leading=14, spaceAfter=0)
    grid = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("FONTNAME", (0, 0), (-1, -1), regular),
        ("FONTNAME", (0, 0), (-1, 0), bold), ("FONTSIZE", (0, 0), (-1, -1), 11),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ])  # fmt: skip

    def tabulate(header, lines, widths):
        data = [header, *[[Paragraph(_xml(str(first)), cell), *rest] for first, *rest in lines]]
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(grid)
        return table

    target = campaign.target
    if results.sipas is None:
        verdict = "chưa đủ phiếu để tính chỉ số"
    elif results.missed_target:
        verdict = f"<b>CHƯA ĐẠT chỉ tiêu</b> (thấp hơn {fmt(target - results.sipas, 2)} điểm %)"
    else:
        verdict = "<b>ĐẠT chỉ tiêu</b>"
    rows = [(ELEMENTS[k], results.elements[k]) for k in ELEMENTS] + [("Đánh giá chung", results.elements["overall"])]
    story = [Paragraph(heading[0], title), *[Paragraph(line, centered) for line in heading[1:]], Spacer(1, 0.4 * cm)]
    story += [
        Paragraph("1. Số phiếu", strong),
        Paragraph(
            f"Số phiếu hợp lệ: <b>n = {results.n}</b>"
            + (f" (trong đó {results.paper} phiếu giấy, tính theo ngày ghi trên phiếu)." if results.paper else "."),
            body,
        ),
        Paragraph("2. Chỉ số hài lòng", strong),
        Paragraph(f"Chỉ số hài lòng chung (SIPAS): <b>{_percent(results.sipas)} %</b>.", body),
        Paragraph(f"Chỉ tiêu của kế hoạch: {fmt(target, 2)} %. Kết quả: {verdict}.", body),
        _chart(rows, target, regular),
        Paragraph("3. Chỉ số theo từng yếu tố", strong),
        tabulate(
            ["Yếu tố", "Số phiếu", "Hài lòng", "Chỉ số (%)"],
            [(label, c.n, c.satisfied, "ẩn (ít phiếu)" if c.index is None else _percent(c.index)) for label, c in rows]
            + [("SIPAS", results.n, "", _percent(results.sipas))],
            [8.5 * cm, 2.3 * cm, 2.3 * cm, 2.9 * cm],
        ),
    ]
    parts = [
        ("4. Theo tháng (ngày trả lời)", "Tháng", results.by_month),
        ("5. Theo điểm phục vụ", "Điểm phục vụ", results.by_point),
        ("6. Theo hình thức nộp hồ sơ", "Hình thức", results.by_channel),
    ]
    for label, header, lines in parts:
        if lines:
            values = [(name, n, _percent(value)) for name, n, value in lines]
            table = tabulate([header, "Số phiếu", "SIPAS (%)"], values, [10.8 * cm, 2.3 * cm, 2.9 * cm])
            story.append(KeepTogether([Paragraph(label, strong), table]))
    story += [
        Paragraph("7. Ý kiến góp ý", strong),
        Paragraph(f"Số phiếu có ý kiến góp ý: <b>{results.comments}</b> (toàn văn trên phần mềm, mục Góp ý).", body),
    ]
    if results.improvements:
        story.append(Paragraph("8. Nội dung người dân đề nghị cải thiện trước", strong))
        story += [Paragraph(f"- {_xml(text)}: {count} lượt chọn;", body) for text, count in results.improvements[:6]]
    story += [Spacer(1, 0.3 * cm), *[Paragraph(line, small) for line in sources]]
    output = io.BytesIO()
    doc = SimpleDocTemplate(output, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2 * cm, topMargin=2 * cm,
                            bottomMargin=2 * cm, title=document_title)  # fmt: skip
    doc.build(story)
    return output.getvalue()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def report_pdf(campaign, results, points: list[str] | None = None) -> bytes:
    """The campaign's report (all its answers); filtered to a unit's service points when the
    user only sees those."""
    heading = ["BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG", _xml(campaign.title)]
    heading.append(f"Từ ngày {campaign.starts_on:%d/%m/%Y} đến ngày {campaign.ends_on:%d/%m/%Y}")
    if points:
        heading.append("Điểm phục vụ: " + _xml(", ".join(points)))
    notes = [f"Ô có dưới {campaign.min_n} phiếu hợp lệ được ẩn; phiếu bị loại không được tính."]
    return _results_pdf(
        document_title=f"Báo cáo khảo sát — {campaign.title}",
        heading=heading,
        results=results,
        campaign=campaign,
        sources=notes,
    )


def quarter_report_pdf(report, *, organization: str, units: list[str] | None = None) -> bytes:
    """The quarterly satisfaction report seed 000 asks for (TC 8.1: survey every quarter, with a
    report attached): the period, n, each element's index, SIPAS against the target, comments."""
    quarter = report.quarter
    heading = [
        "BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG",
        f"<b>{quarter.label}</b> (từ ngày {quarter.first_day:%d/%m/%Y} đến ngày {quarter.last_day:%d/%m/%Y})",
        _xml(organization),
    ]
    if units:
        heading.append("Đơn vị: " + _xml(", ".join(units)))
    titles = "; ".join(f"“{_xml(c.title)}”" for c in report.campaigns) or "không có phiếu trong kỳ"
    sources = [
        f"Số liệu: các phiếu hợp lệ có ngày trả lời trong {quarter.label}, từ đợt khảo sát {titles}.",
        "Ngày trả lời tính theo giờ Việt Nam; phiếu giấy tính theo ngày ghi trên phiếu. "
        f"Chỉ tiêu, trọng số và ngưỡng ẩn ô (dưới {report.campaign.min_n} phiếu) theo đợt "
        f"“{_xml(report.campaign.title)}”.",
    ]
    return _results_pdf(
        document_title=f"Báo cáo khảo sát {quarter.label}",
        heading=heading,
        results=report.results,
        campaign=report.campaign,
        sources=sources,
    )
