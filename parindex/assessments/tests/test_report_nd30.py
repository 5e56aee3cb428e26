"""The Báo cáo tự đánh giá in the layout of Nghị định 30/2020/NĐ-CP (Phụ lục I): national
header, place and date, title, numbered sections, "Nơi nhận" beside the signer, Times New Roman."""

import io
import subprocess
from datetime import date

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from parindex.assessments import exports
from parindex.assessments.models import Assessment
from parindex.assessments.selectors import sheet_for

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def assessment():
    return Assessment.objects.select_related("round", "organization").get(
        round__title__startswith="Tự đánh giá Chỉ số CCHC năm 2019", organization__code="dn-sct"
    )


def test_dates_follow_the_decree():
    assert exports.vn_date(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert exports.vn_date(date(2026, 3, 12)) == "ngày 12 tháng 3 năm 2026"
    assert exports.vn_date(date(2026, 12, 2)) == "ngày 02 tháng 12 năm 2026"


def test_the_letterhead_comes_from_the_organization_tree(assessment):
    head = exports.letterhead(assessment, date(2026, 12, 2))
    assert head.governing == "UBND TỈNH ĐỒNG NAI"
    assert head.issuer == "SỞ CÔNG THƯƠNG"  # "… tỉnh Đồng Nai" is already in the governing line
    assert head.number.startswith("Số:")
    assert head.number.endswith("/BC-SCT")
    assert head.place_date == "Đồng Nai, ngày 02 tháng 12 năm 2026"


def runs(paragraphs):
    return [run for paragraph in paragraphs for run in paragraph.runs if run.text.strip()]


def test_the_docx_has_the_decree_layout(login_as, assessment):
    content = login_as("dn.vanphong").get(reverse("assessments:assessment_export", args=[assessment.pk, "docx"]))
    word = docx.Document(io.BytesIO(content.content))
    section = word.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)

    header = word.tables[0]
    (issuer, national), (number, place) = header.rows[0].cells, header.rows[1].cells
    assert [p.text for p in issuer.paragraphs if p.text] == ["UBND TỈNH ĐỒNG NAI", "SỞ CÔNG THƯƠNG"]
    assert issuer.paragraphs[1].runs[0].bold
    assert number.text.startswith("Số:")
    assert number.text.endswith("/BC-SCT")
    assert [p.text for p in national.paragraphs] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    motto = national.paragraphs[1].runs[0]
    assert motto.bold
    assert motto.underline
    # Place and date: on the line of the number, centred under the motto (ô 4), in italics.
    dated = place.paragraphs[0]
    assert dated.text == f"Đồng Nai, {exports.vn_date(timezone.localdate())}"
    assert dated.runs[0].italic
    assert dated.alignment == WD_ALIGN_PARAGRAPH.CENTER

    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[:2] == ["BÁO CÁO", "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2019"]
    title = next(p for p in word.paragraphs if p.text == "BÁO CÁO")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold
    sections = [t for t in texts if t[:3] in {"I. ", "II.", "III"}]
    assert sections == ["I. KẾT QUẢ TỰ ĐÁNH GIÁ", "II. ĐIỂM THEO TỪNG TIÊU CHÍ", "III. GIẢI TRÌNH"]
    assert word.tables[1].rows[0].cells[1].text == "Tiêu chí"

    closing = word.tables[-1]
    recipients, signer = closing.rows[0].cells
    assert [p.text for p in recipients.paragraphs] == [
        "Nơi nhận:",
        "- Sở Nội vụ (thẩm định);",
        "- Lãnh đạo Sở;",
        "- Lưu: VT, VP.",
    ]
    assert recipients.paragraphs[0].runs[0].bold
    assert recipients.paragraphs[0].runs[0].italic
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.LEFT for p in recipients.paragraphs)
    assert {r.font.size for p in recipients.paragraphs[1:] for r in p.runs} == {Pt(11)}
    assert [p.text for p in signer.paragraphs] == ["GIÁM ĐỐC", "(Ký, ghi rõ họ tên)"]
    assert signer.paragraphs[0].runs[0].bold
    assert signer.paragraphs[1].runs[0].italic

    # Times New Roman throughout; 13–14 pt outside the criteria table and the recipients list.
    assert word.styles["Normal"].font.name == "Times New Roman"
    assert word.styles["Normal"].font.size == Pt(14)
    cells = [p for t in (header, closing) for row in t.rows for c in row.cells for p in c.paragraphs]
    everything = runs(word.paragraphs) + runs(cells)
    assert {r.font.name for r in everything} == {"Times New Roman"}
    assert {r.font.size for r in runs(word.paragraphs) + runs(header.rows[0].cells[1].paragraphs)} <= {Pt(13), Pt(14)}
    assert {r.font.size for r in runs(signer.paragraphs)} == {Pt(14)}


def test_the_pdf_has_the_same_parts(assessment, tmp_path):
    pdf = exports.report_pdf_bytes(assessment, sheet_for(assessment=assessment), date(2026, 12, 2))
    (tmp_path / "r.pdf").write_bytes(pdf)
    command = ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"]
    text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    first_page = text.split("\f")[0]
    for part in [
        "UBND TỈNH ĐỒNG NAI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "SỞ CÔNG THƯƠNG",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-SCT",
        "Đồng Nai, ngày 02 tháng 12 năm 2026",
        "BÁO CÁO",
        "I. KẾT QUẢ TỰ ĐÁNH GIÁ",
    ]:
        assert part in first_page, part
    last_page = [page for page in text.split("\f") if page.strip()][-1]
    for part in ["Nơi nhận:", "GIÁM ĐỐC", "- Sở Nội vụ (thẩm định);", "(Ký, ghi rõ họ tên)", "- Lưu: VT, VP."]:
        assert part in last_page, part
    fonts = subprocess.run(["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True).stdout
    assert "Italic" in fonts  # the place-date line and "Nơi nhận:" are set in italics
