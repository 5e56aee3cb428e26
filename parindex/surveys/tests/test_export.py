"""The streamed survey XLSX reads back cell for cell as the workbook openpyxl used to build."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.core.spreadsheets import workbook_bytes
from parindex.engine.survey import ELEMENTS
from parindex.surveys.exports import campaign_xlsx
from parindex.surveys.models import Campaign, Response
from parindex.surveys.selectors import campaign_results

pytestmark = pytest.mark.usefixtures("demo")


def openpyxl_export(campaign: Campaign, point_ids=None) -> bytes:
    """The export as the view wrote it before it streamed (whole workbook in memory)."""
    results = campaign_results(campaign=campaign, point_ids=point_ids)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    sheet.append([campaign.title])
    sheet.append(["Yếu tố", "Số phiếu hợp lệ", "Hài lòng", "Chỉ số (%)"])
    for key, label in [*ELEMENTS.items(), ("overall", "Đánh giá chung")]:
        cell = results.elements[key]
        sheet.append([label, cell.n, cell.satisfied, float(cell.index) if cell.index is not None else "ẩn (ít phiếu)"])
    sheet.append(["SIPAS", results.n, "", float(results.sipas) if results.sipas is not None else "—"])
    answers = book.create_sheet("Phiếu")
    answers.append(
        ["Thời gian", "Điểm phục vụ", "Hình thức", "Phiếu giấy", "Mã hồ sơ", *ELEMENTS.values(), "Chung", "Góp ý",
         "Loại", "Lý do loại"]
    )  # fmt: skip
    responses = campaign.responses.select_related("point").order_by("-created_at", "-pk")
    if point_ids is not None:
        responses = responses.filter(point_id__in=point_ids)
    for r in responses:
        answers.append(
            [timezone.localtime(r.created_at).strftime("%d/%m/%Y %H:%M"), r.point.name, r.get_channel_display(),
             "có" if r.paper else "", r.dossier_code, *[r.answers.get(k) for k in ELEMENTS], r.answers.get("overall"),
             r.comment, "có" if r.excluded else "", r.exclusion_reason]
        )  # fmt: skip
    return workbook_bytes(book)


def read(content: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[(c.value, c.data_type == "f", bool(c.quotePrefix)) for c in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def trim(rows: list) -> list:
    """Rows without their trailing empty cells (one writer pads rows to the widest, not the other)."""
    out = []
    for row in rows:
        while row and row[-1][0] is None:
            row = row[:-1]
        out.append(row)
    return out


def test_the_streamed_export_has_the_cells_of_the_openpyxl_one(login_as):
    campaign = Campaign.objects.filter(organization__code="bp-stnmt").order_by("starts_on").last()
    first, second, third, *_ = campaign.responses.order_by("pk")
    Response.objects.filter(pk=first.pk).update(
        comment="=1+1", dossier_code="@A1", excluded=True, exclusion_reason="-x"
    )
    Response.objects.filter(pk=second.pk).update(answers={"access": 5}, channel="", paper=True)
    Response.objects.filter(pk=third.pk).update(comment="Dài\nhai dòng", answers={"overall": None, "staff": 3})
    response = login_as("vanphong").get(reverse("surveys:campaign_export", args=[campaign.pk]))
    assert response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="khao-sat-{campaign.pk}.xlsx"'
    streamed, built = read(response.getvalue()), read(openpyxl_export(campaign))
    assert list(streamed) == list(built) == ["Kết quả", "Phiếu"]
    for title in built:
        assert trim(streamed[title]) == trim(built[title]), title
    assert len(streamed["Phiếu"]) == campaign.responses.count() + 1
    assert any(("=1+1", False, True) in row for row in streamed["Phiếu"])  # text with the quote prefix


def test_the_export_of_some_points_holds_only_their_answers():
    campaign = Campaign.objects.filter(organization__code="bp-stnmt").order_by("starts_on").last()
    point_ids = {campaign.points.order_by("pk").first().pk}
    results = campaign_results(campaign=campaign, point_ids=point_ids)
    with campaign_xlsx(campaign, results, point_ids) as handle:
        streamed = read(handle.read())
    built = read(openpyxl_export(campaign, point_ids))
    assert trim(streamed["Phiếu"]) == trim(built["Phiếu"])
    assert trim(streamed["Kết quả"]) == trim(built["Kết quả"])
    assert len(streamed["Phiếu"]) == campaign.responses.filter(point_id__in=point_ids).count() + 1
