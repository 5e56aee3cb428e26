"""Printable A5 QR poster for a service point, and the campaign's PDF report with a chart."""

from __future__ import annotations

import io

import segno
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

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


def report_pdf(campaign, results, points: list[str] | None = None) -> bytes:
    """The campaign's report; filtered to a unit's service points it is the unit's quarterly
    satisfaction report that seed 000 (TC 8.1) asks for."""
    regular, bold = register_fonts()
    output = io.BytesIO()
    page = canvas.Canvas(output, pagesize=A4)
    width, height = A4
    page.setTitle(f"Báo cáo khảo sát — {campaign.title}")
    page.setFont(bold, 14)
    page.drawCentredString(width / 2, height - 2 * cm, "BÁO CÁO KẾT QUẢ KHẢO SÁT SỰ HÀI LÒNG")
    if points:
        page.setFont(regular, 10)
        page.drawCentredString(width / 2, height - 3.9 * cm, "Điểm phục vụ: " + ", ".join(points)[:110])
    page.setFont(regular, 11)
    page.drawCentredString(width / 2, height - 2.7 * cm, campaign.title[:100])
    page.drawCentredString(
        width / 2,
        height - 3.3 * cm,
        f"{campaign.starts_on:%d/%m/%Y} – {campaign.ends_on:%d/%m/%Y} · {results.n} phiếu hợp lệ",
    )
    sipas = "—" if results.sipas is None else f"{fmt(results.sipas)} %"
    page.setFont(bold, 12)
    page.drawString(2 * cm, height - 4.5 * cm, f"Chỉ số hài lòng (SIPAS): {sipas} · chỉ tiêu {fmt(campaign.target)} %")
    rows = [(ELEMENTS[k], results.elements[k]) for k in ELEMENTS] + [("Đánh giá chung", results.elements["overall"])]
    drawing = Drawing(17 * cm, 9 * cm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 6 * cm, 0.8 * cm, 10 * cm, 7.6 * cm
    chart.data = [[float(c.index) if c.index is not None else 0 for _, c in rows]]
    chart.categoryAxis.categoryNames = [label[:34] for label, _ in rows]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = regular, 8
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = regular
    chart.bars[0].fillColor = colors.HexColor("#0d6efd")
    drawing.add(chart)
    target_x = chart.x + chart.width * float(campaign.target) / 100
    drawing.add(
        Line(target_x, chart.y, target_x, chart.y + chart.height, strokeColor=colors.red, strokeDashArray=[3, 2])
    )
    drawing.add(
        String(
            target_x + 2,
            chart.y + chart.height + 2,
            f"chỉ tiêu {fmt(campaign.target)} %",
            fontName=regular,
            fontSize=8,
            fillColor=colors.red,
        )
    )
    drawing.drawOn(page, 1.5 * cm, height - 14.5 * cm)
    y = height - 15.5 * cm
    page.setFont(bold, 10)
    page.drawString(2 * cm, y, "Yếu tố")
    page.drawRightString(15 * cm, y, "Số phiếu")
    page.drawRightString(18.5 * cm, y, "Chỉ số (%)")
    page.setFont(regular, 10)
    for label, cell in rows:
        y -= 0.6 * cm
        page.drawString(2 * cm, y, label)
        page.drawRightString(15 * cm, y, str(cell.n))
        page.drawRightString(18.5 * cm, y, "ẩn (ít phiếu)" if cell.index is None else fmt(cell.index))
    if results.missed_target:
        y -= 1 * cm
        page.setFillColor(colors.red)
        page.drawString(2 * cm, y, "Chưa đạt chỉ tiêu hài lòng của kế hoạch.")
    page.showPage()
    page.save()
    return output.getvalue()
