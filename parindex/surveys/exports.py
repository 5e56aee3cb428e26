"""The campaign's XLSX: its result table, then every answer (excluded ones marked), streamed."""

from __future__ import annotations

from django.utils import timezone

from parindex.core.spreadsheets import StreamedWorkbook
from parindex.engine.survey import ELEMENTS
from parindex.surveys.models import Campaign, Channel
from parindex.surveys.selectors import CampaignResults

ANSWER_COLUMNS = [
    "Thời gian",
    "Điểm phục vụ",
    "Hình thức",
    "Phiếu giấy",
    "Mã hồ sơ",
    *ELEMENTS.values(),
    "Chung",
    "Góp ý",
    "Loại",
    "Lý do loại",
]
ROW_FIELDS = (
    "created_at",
    "point__name",
    "channel",
    "paper",
    "dossier_code",
    "answers",
    "comment",
    "excluded",
    "exclusion_reason",
)
CHUNK = 2000


def campaign_xlsx(campaign: Campaign, results: CampaignResults, point_ids: set[int] | None):
    """The export as an open temporary file: the answers are read in chunks of plain values (no
    model instances) and written one row at a time, so memory does not grow with the campaign."""
    book = StreamedWorkbook()
    sheet = book.sheet("Kết quả")
    sheet.append([campaign.title])
    sheet.append(["Yếu tố", "Số phiếu hợp lệ", "Hài lòng", "Chỉ số (%)"])
    for key, label in [*ELEMENTS.items(), ("overall", "Đánh giá chung")]:
        cell = results.elements[key]
        sheet.append([label, cell.n, cell.satisfied, float(cell.index) if cell.index is not None else "ẩn (ít phiếu)"])
    sheet.append(["SIPAS", results.n, "", float(results.sipas) if results.sipas is not None else "—"])

    answers = book.sheet("Phiếu")
    answers.append(ANSWER_COLUMNS)
    responses = campaign.responses.order_by("-created_at", "-pk")  # newest first; pk settles equal times
    if point_ids is not None:
        responses = responses.filter(point_id__in=point_ids)
    channels = dict(Channel.choices)
    zone = timezone.get_current_timezone()
    for created_at, point, channel, paper, code, levels, comment, excluded, reason in responses.values_list(
        *ROW_FIELDS
    ).iterator(chunk_size=CHUNK):
        answers.append(
            [
                timezone.localtime(created_at, zone).strftime("%d/%m/%Y %H:%M"),
                point,
                channels.get(channel, channel),
                "có" if paper else "",
                code,
                *[levels.get(k) for k in ELEMENTS],
                levels.get("overall"),
                comment,
                "có" if excluded else "",
                reason,
            ]
        )
    return book.close()
