"""Writes for surveys: the national template, campaigns, public answers, exclusions, and
survey points for assessments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction

from parindex.assessments.models import Answer, Assessment
from parindex.assessments.policy import ERR_SURVEY_FINALIZED, Action
from parindex.core.errors import ApplicationError
from parindex.criteria.models import Scoring
from parindex.engine.rules import compile_rule
from parindex.engine.survey import ELEMENTS
from parindex.surveys.models import Campaign, Response, ServicePoint, SurveyTemplate
from parindex.surveys.selectors import year_results

ERR_CLOSED = "Đợt khảo sát này không mở vào ngày hôm nay ({start:%d/%m/%Y} – {end:%d/%m/%Y})."
ERR_DOSSIER_USED = "Hồ sơ {code} đã được đánh giá. Mỗi hồ sơ chỉ đánh giá một lần — cảm ơn ông/bà."
ERR_DATES = "Ngày kết thúc phải sau ngày bắt đầu."
ERR_NO_POINTS = "Hãy chọn ít nhất một điểm phục vụ."
ERR_NO_CAMPAIGN = "Chưa có đợt khảo sát nào của cơ quan trong năm {year} có đủ phiếu."
ERR_ASSESSMENT_STATE = ERR_SURVEY_FINALIZED
ERR_PAPER_FUTURE = "Ngày trên phiếu không thể sau ngày nhập ({today:%d/%m/%Y})."
ERR_PAPER_EARLY = "Ngày trên phiếu trước ngày bắt đầu đợt khảo sát ({start:%d/%m/%Y})."

NATIONAL_TEMPLATE = "Mẫu phiếu SIPAS (theo cấu trúc quốc gia)"
PERCEPTIONS = [
    "Ông/bà được hướng dẫn đầy đủ, dễ hiểu về thủ tục",
    "Ông/bà không phải nộp thêm giấy tờ ngoài quy định",
    "Ông/bà nhận kết quả đúng hẹn",
]
IMPROVEMENTS = [
    "Thái độ phục vụ của công chức",
    "Rút ngắn thời gian giải quyết",
    "Giảm giấy tờ, thành phần hồ sơ",
    "Tăng dịch vụ công trực tuyến",
    "Cơ sở vật chất nơi tiếp nhận",
    "Công khai, minh bạch thông tin",
]


ERR_NO_ELEMENTS = "Hãy chọn ít nhất một yếu tố dịch vụ."


def template_create(
    *, name: str, elements: list[str], perceptions: list[str], improvements: list[str], ask_profile: bool
) -> SurveyTemplate:
    if not elements:
        raise ApplicationError(ERR_NO_ELEMENTS, field="elements")
    template = SurveyTemplate(
        name=name,
        elements=[k for k in ELEMENTS if k in elements],
        perceptions=perceptions,
        improvements=improvements,
        ask_profile=ask_profile,
    )
    template.full_clean()
    template.save()
    return template


def template_default() -> SurveyTemplate:
    template, _ = SurveyTemplate.objects.get_or_create(
        name=NATIONAL_TEMPLATE,
        defaults={"elements": list(ELEMENTS), "perceptions": PERCEPTIONS, "improvements": IMPROVEMENTS},
    )
    return template


@transaction.atomic
def campaign_create(
    *,
    organization_id: int,
    title: str,
    starts_on: date,
    ends_on: date,
    target: Decimal,
    min_n: int,
    points: list[tuple[int, str]],
    template: SurveyTemplate | None = None,
    weights: dict | None = None,
    by=None,
) -> Campaign:
    if ends_on < starts_on:
        raise ApplicationError(ERR_DATES, field="ends_on")
    if not points:
        raise ApplicationError(ERR_NO_POINTS, field="points")
    campaign = Campaign(
        organization_id=organization_id,
        template=template or template_default(),
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        target=target,
        min_n=min_n,
        weights=weights or {},
        created_by=by,
    )
    campaign.full_clean()
    campaign.save()
    ServicePoint.objects.bulk_create(ServicePoint(campaign=campaign, organization_id=o, name=n) for o, n in points)
    return campaign


def response_submit(*, point: ServicePoint, data: dict, today: date, paper: bool = False, by=None) -> Response:
    """Save one answer. Campaign dates hold for citizens (paper forms may be typed in afterwards,
    with the date written on them in `data["answered_on"]`, the typing date `today` if none);
    a dossier code answers once — the database's unique constraint decides, so two phones at
    the same second cannot both get through."""
    campaign = point.campaign
    if not paper and not campaign.starts_on <= today <= campaign.ends_on:
        raise ApplicationError(ERR_CLOSED.format(start=campaign.starts_on, end=campaign.ends_on))
    data = dict(data)
    answered_on = data.pop("answered_on", None)
    if paper:  # the date written on the form decides its month and quarter; the typing date by default
        answered_on = answered_on or today
        if answered_on > today:
            raise ApplicationError(ERR_PAPER_FUTURE.format(today=today), field="answered_on")
        if answered_on < campaign.starts_on:
            raise ApplicationError(ERR_PAPER_EARLY.format(start=campaign.starts_on), field="answered_on")
    else:
        answered_on = None
    response = Response(campaign=campaign, point=point, paper=paper, answered_on=answered_on, entered_by=by, **data)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as error:
        raise ApplicationError(ERR_DOSSIER_USED.format(code=data.get("dossier_code")), field="dossier_code") from error
    return response


def response_exclude(*, response: Response, reason: str, by) -> None:
    response.excluded, response.exclusion_reason = True, reason
    response.save(update_fields=["excluded", "exclusion_reason"])


@transaction.atomic
def survey_points_apply(*, assessment: Assessment, by) -> int:
    """Survey-scored criteria take their share (SIPAS, one element or the overall question, as
    the rule's `source` says) from all the organization's campaigns ending in the round's year,
    through the criterion's own rule; the campaigns and n are the stated source. Criteria whose
    source is an outside survey are left for the coordinator to type in."""
    from parindex.assessments.services import enforce  # it imports the plans, which import the surveys

    enforce(Action.SURVEY_POINTS_APPLY, assessment=assessment, by=by)
    results = year_results(organization_id=assessment.organization_id, year=assessment.round.year)
    if results is None or results.sipas is None:
        raise ApplicationError(ERR_NO_CAMPAIGN.format(year=assessment.round.year))
    updated = 0
    answers = Answer.objects.filter(assessment=assessment, criterion__scoring=Scoring.SURVEY).select_related(
        "criterion"
    )
    for answer in answers:
        rule = compile_rule(answer.criterion.rule, answer.criterion.max_points or 0)
        source = getattr(rule, "source", "sipas")
        share = None if source == "external" else results.share(source)
        if share is None:
            continue
        result = rule.evaluate({"share": share})
        if not result.ok:
            continue
        answer.inputs, answer.self_points, answer.self_explanation = (
            {"share": str(share)},
            result.points,
            result.explanation,
        )
        answer.prefill_source = results.describe()
        answer.updated_by, answer.version = by, answer.version + 1
        answer.save()
        updated += 1
    return updated
