"""Writes for surveys: the national template, campaigns, public answers, exclusions, and
survey points for assessments."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from parindex.assessments.models import Answer, Assessment
from parindex.assessments.policy import ERR_SURVEY_FINALIZED, Action
from parindex.assessments.totals import stored_points
from parindex.core.errors import ApplicationError, Forbidden
from parindex.core.versioning import refuse_if_edited_since
from parindex.criteria.models import Scoring
from parindex.engine.survey import ELEMENTS
from parindex.organizations.access import Access, access_for_user
from parindex.organizations.models import Membership
from parindex.organizations.permissions import Perm
from parindex.surveys import tallies
from parindex.surveys.limits import Limit, over_limit
from parindex.surveys.models import Campaign, PaperBatch, Response, ServicePoint, SurveyTemplate
from parindex.surveys.selectors import year_results

ERR_CLOSED = "Đợt khảo sát này không mở vào ngày hôm nay ({start:%d/%m/%Y} – {end:%d/%m/%Y})."
ERR_RATE_LIMITED = "Đã có nhiều phiếu gửi từ thiết bị hoặc mạng này. Xin ông/bà thử lại sau ít phút."
ERR_NOT_YOURS = "Ông/bà không có quyền quản lý khảo sát của cơ quan này."
ERR_TEMPLATE_NOT_YOURS = "Mẫu phiếu này thuộc cơ quan khác: không dùng hoặc sửa được."
ERR_TEMPLATE_NAME = "Cơ quan đã có mẫu phiếu tên này."
ERR_OWN_UNIT_JUDGES = (
    "Người thuộc đơn vị được đánh giá ({unit}) không được loại hoặc xét phiếu của đơn vị mình: "
    "nhờ người của đơn vị khác (Văn phòng Sở) xem xét."
)
ERR_OWN_UNIT = (
    "Người thuộc đơn vị được đánh giá ({unit}) không được nhập phiếu giấy của đơn vị mình: "
    "nhờ người của đơn vị khác (Văn phòng Sở) nhập."
)
ERR_PAPER_LATE = "Ngày trên phiếu sau ngày kết thúc đợt khảo sát ({end:%d/%m/%Y})."
ERR_PAPER_AFTER_RECEIPT = "Ngày trên phiếu không thể sau ngày nhận lô phiếu ({received:%d/%m/%Y})."
ERR_RECEIVED_EARLY = "Ngày nhận lô phiếu trước ngày bắt đầu đợt khảo sát ({start:%d/%m/%Y})."
ERR_RECEIVED_FUTURE = "Ngày nhận lô phiếu không thể sau hôm nay ({today:%d/%m/%Y})."
ERR_BATCH_FULL = "Lô đã đủ {count} phiếu như đã nhận; nếu nhận thêm phiếu, hãy tạo lô mới."
ERR_BATCH_EXCLUDED = "Lô phiếu này đã bị loại: không nhập thêm phiếu."
ERR_BATCH_COUNT = "Số phiếu nhận được phải từ 1 đến {most}."
ERR_REASON = "Hãy ghi lý do."
ERR_NOT_HELD = "Phiếu này không chờ xem xét."
ERR_ALREADY_CLOSED = "Đợt khảo sát đã kết thúc."
ERR_REOPEN = "Đợt khảo sát đã kết thúc ngày {end:%d/%m/%Y}: không kéo dài được nữa; hãy mở đợt mới."
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
MOST_FORMS_PER_BATCH = 5000

log = logging.getLogger(__name__)
T = TypeVar("T")


# --- who may write -----------------------------------------------------------------------------


def _require_manager(by, organization_id: int, year: int) -> Access:
    """Survey writes are the organization's own survey managers' (its coordinator or admin):
    checked here, so a direct call (command, API) by a user of another department is refused too."""
    access = access_for_user(by, year)
    if by is None or not access.can(Perm.SURVEY_MANAGE, organization_id):
        raise Forbidden(ERR_NOT_YOURS)
    return access


def templates_visible(*, by, year: int):
    """The national template and those owned by an organization the user's survey rights reach,
    or by an organization above his (a province's template is issued to its departments)."""
    access = access_for_user(by, year)
    if access.is_superuser:
        return SurveyTemplate.objects.all()
    reach = set(access.org_ids_with(Perm.SURVEY_VIEW))
    above = {a.org_id for org_id in reach if org_id in access.tree for a in access.tree.ancestors(org_id)}
    return SurveyTemplate.objects.filter(Q(owner__isnull=True) | Q(owner_id__in=reach | above))


def _template_usable(template: SurveyTemplate, *, by, year: int) -> None:
    if not templates_visible(by=by, year=year).filter(pk=template.pk).exists():
        raise Forbidden(ERR_TEMPLATE_NOT_YOURS, field="template")


def _clean_elements(elements: list[str]) -> list[str]:
    if not elements:
        raise ApplicationError(ERR_NO_ELEMENTS, field="elements")
    return [k for k in ELEMENTS if k in elements]


def template_create(
    *,
    owner_id: int,
    name: str,
    elements: list[str],
    perceptions: list[str],
    improvements: list[str],
    ask_profile: bool,
    by,
    year: int,
) -> SurveyTemplate:
    _require_manager(by, owner_id, year)
    if SurveyTemplate.objects.filter(owner_id=owner_id, name=name).exists():
        raise ApplicationError(ERR_TEMPLATE_NAME, field="name")
    template = SurveyTemplate(
        owner_id=owner_id,
        name=name,
        elements=_clean_elements(elements),
        perceptions=perceptions,
        improvements=improvements,
        ask_profile=ask_profile,
    )
    template.full_clean()
    template.save()
    return template


def template_update(
    *,
    template: SurveyTemplate,
    name: str,
    elements: list[str],
    perceptions: list[str],
    improvements: list[str],
    ask_profile: bool,
    by,
    year: int,
    loaded_at: str | None = None,
) -> SurveyTemplate:
    """Only the owner's survey managers edit a template; the national one is nobody's to change."""
    if template.owner_id is None:
        raise Forbidden(ERR_TEMPLATE_NOT_YOURS)
    try:
        _require_manager(by, template.owner_id, year)
    except Forbidden as error:
        raise Forbidden(ERR_TEMPLATE_NOT_YOURS) from error
    if SurveyTemplate.objects.filter(owner_id=template.owner_id, name=name).exclude(pk=template.pk).exists():
        raise ApplicationError(ERR_TEMPLATE_NAME, field="name")
    refuse_if_edited_since(template, loaded_at)
    template.name, template.elements = name, _clean_elements(elements)
    template.perceptions, template.improvements, template.ask_profile = perceptions, improvements, ask_profile
    template.full_clean()
    template.save()
    return template


def template_default() -> SurveyTemplate:
    template, _ = SurveyTemplate.objects.get_or_create(
        name=NATIONAL_TEMPLATE,
        owner=None,
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
    by,
) -> Campaign:
    access = _require_manager(by, organization_id, starts_on.year)
    if any(not access.can(Perm.SURVEY_MANAGE, unit_id) for unit_id, _ in points):
        raise Forbidden(ERR_NOT_YOURS, field="points")
    template = template or template_default()
    _template_usable(template, by=by, year=starts_on.year)
    if ends_on < starts_on:
        raise ApplicationError(ERR_DATES, field="ends_on")
    if not points:
        raise ApplicationError(ERR_NO_POINTS, field="points")
    campaign = Campaign(
        organization_id=organization_id,
        template=template,
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


def retry_when_locked(work: Callable[[], T], *, attempts: int = 4, pause: float = 0.5) -> T:
    """Run `work` again when SQLite says another writer held the database past the busy timeout
    (a long import): a citizen's answer is never lost to "database is locked"."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == attempts:
                raise
            log.warning("database locked while saving a survey answer, attempt %s of %s", attempt, attempts)
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")


class RateLimited(ApplicationError):
    pass


def _held_if_seen(response: Response) -> None:
    """A dossier code already answered in the campaign: the later answer is kept but held for
    review (not counted) — refusing it would let whoever answered first "burn" the real
    holder's code."""
    code = response.dossier_code
    if not code:
        return
    if connection.vendor == "postgresql":  # two phones at the same second: one waits for the other
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{response.campaign_id}:{code}"])
    if Response.objects.filter(campaign_id=response.campaign_id, dossier_code=code).exists():
        response.held = True


def response_submit(*, point: ServicePoint, data: dict, today: date) -> Response:
    """Save one citizen's answer, inside the campaign's dates, in one short transaction."""
    campaign = point.campaign
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise ApplicationError(ERR_CLOSED.format(start=campaign.starts_on, end=campaign.ends_on))
    data = dict(data)
    data.pop("answered_on", None)  # only paper forms carry a written date

    def save() -> Response:
        response = Response(campaign=campaign, point=point, **data)
        with transaction.atomic():  # IMMEDIATE on SQLite: the check and the insert see one state
            _held_if_seen(response)
            response.save()
        return response

    return retry_when_locked(save)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def public_answer(*, point: ServicePoint, data: dict, today: date, address: str, device: str) -> Response:
    """A citizen's answer from the public form: counted against the per-device, per-address and
    per-campaign limits (shared by every worker), then saved; both retried past a long lock."""
    limits = [
        Limit(f"dev:{_digest(device)}", settings.SURVEY_LIMIT_PER_DEVICE),
        Limit(f"ip:{_digest(address)}", settings.SURVEY_LIMIT_PER_IP),
        Limit(f"camp:{point.campaign_id}", settings.SURVEY_LIMIT_PER_CAMPAIGN),
    ]
    if retry_when_locked(lambda: over_limit(limits)):
        raise RateLimited(ERR_RATE_LIMITED)
    return response_submit(point=point, data=data, today=today)


def response_exclude(*, response: Response, reason: str, by) -> None:
    _require_outside_evaluated_unit(by=by, point=response.point, message=ERR_OWN_UNIT_JUDGES)
    if not reason.strip():
        raise ApplicationError(ERR_REASON, field="reason")
    response.excluded, response.exclusion_reason, response.held = True, reason.strip(), False
    response.save(update_fields=["excluded", "exclusion_reason", "held"])


@transaction.atomic
def held_response_decide(*, response: Response, keep: bool, reason: str, by) -> None:
    """Staff decide a held answer (a dossier code answered twice): keep it — it is the real
    holder's, so the earlier answers with that code are excluded — or exclude it. Both answers
    stay stored with the reason."""
    campaign = response.campaign
    _require_outside_evaluated_unit(by=by, point=response.point, message=ERR_OWN_UNIT_JUDGES)
    if not response.held:
        raise ApplicationError(ERR_NOT_HELD)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(ERR_REASON, field="reason")
    if keep:
        earlier = Response.objects.filter(campaign=campaign, dossier_code=response.dossier_code).exclude(pk=response.pk)
        # A bulk update bypasses Response.save: the earlier answers' counts leave the tallies here.
        tallies.add_rows(earlier.counted(), sign=-1)
        earlier.filter(excluded=False).update(
            excluded=True, held=False, exclusion_reason=f"Trùng mã hồ sơ, giữ phiếu sau: {reason}"
        )
        response.held = False
        response.save(update_fields=["held"])
    else:
        response.held, response.excluded, response.exclusion_reason = False, True, f"Trùng mã hồ sơ: {reason}"
        response.save(update_fields=["held", "excluded", "exclusion_reason"])


@transaction.atomic
def campaign_update(
    *, campaign: Campaign, title: str, ends_on: date, target: Decimal, min_n: int, by, loaded_at: str | None = None
) -> Campaign:
    _require_manager(by, campaign.organization_id, campaign.starts_on.year)
    refuse_if_edited_since(campaign, loaded_at)
    if ends_on < campaign.starts_on:
        raise ApplicationError(ERR_DATES, field="ends_on")
    # A campaign that has ended stays ended: reopening it would let paper forms be dated into a
    # window that was closed when its results (and survey points) were read.
    if campaign.ends_on < timezone.localdate() and ends_on > campaign.ends_on:
        raise ApplicationError(ERR_REOPEN.format(end=campaign.ends_on), field="ends_on")
    campaign.title, campaign.ends_on, campaign.target, campaign.min_n = title, ends_on, target, min_n
    campaign.full_clean()
    campaign.save()
    return campaign


def campaign_close(*, campaign: Campaign, today: date, by) -> Campaign:
    """End the campaign today: citizens can no longer answer; paper forms dated up to today still count."""
    _require_manager(by, campaign.organization_id, campaign.starts_on.year)
    if campaign.ends_on < today:
        raise ApplicationError(ERR_ALREADY_CLOSED)
    campaign.ends_on = max(today, campaign.starts_on)
    campaign.save(update_fields=["ends_on", "updated_at"])
    return campaign


# --- paper forms ---------------------------------------------------------------------------------


def require_paper_clerk(*, by, point: ServicePoint) -> None:
    """Paper forms are typed in by the department's survey managers who are not of the unit being
    evaluated (its own staff typed ten "very satisfied" forms for themselves)."""
    _require_outside_evaluated_unit(by=by, point=point, message=ERR_OWN_UNIT)


def _require_outside_evaluated_unit(*, by, point: ServicePoint, message: str):
    """A survey manager of the department who holds no role in the unit the point evaluates: what
    counts in that unit's index is never decided by its own people."""
    campaign = point.campaign
    access = _require_manager(by, campaign.organization_id, campaign.starts_on.year)
    unit = point.organization_id
    evaluated = access.tree.subtree_ids(unit) if unit in access.tree else {unit}
    if Membership.objects.filter(user=by, organization_id__in=evaluated).exists():
        name = access.tree.nodes[unit].name if unit in access.tree else point.name
        raise Forbidden(message.format(unit=name))
    return access


def paper_batch_create(
    *, point: ServicePoint, forms_received: int, collected_by: str, received_on: date, today: date, by
) -> PaperBatch:
    require_paper_clerk(by=by, point=point)
    campaign = point.campaign
    if not 1 <= forms_received <= MOST_FORMS_PER_BATCH:
        raise ApplicationError(ERR_BATCH_COUNT.format(most=MOST_FORMS_PER_BATCH), field="forms_received")
    if received_on < campaign.starts_on:
        raise ApplicationError(ERR_RECEIVED_EARLY.format(start=campaign.starts_on), field="received_on")
    if received_on > today:
        raise ApplicationError(ERR_RECEIVED_FUTURE.format(today=today), field="received_on")
    batch = PaperBatch(
        point=point,
        forms_received=forms_received,
        collected_by=collected_by.strip(),
        received_on=received_on,
        entered_by=by,
    )
    batch.full_clean()
    batch.save()
    return batch


def paper_form_add(*, batch: PaperBatch, data: dict, by) -> Response:
    """Type one paper form into its batch. The date written on it (the batch's receipt date when
    none) must lie inside the campaign and not after the batch was received."""
    point = batch.point
    campaign = point.campaign
    require_paper_clerk(by=by, point=point)
    if batch.excluded:
        raise ApplicationError(ERR_BATCH_EXCLUDED)
    data = dict(data)
    answered_on = data.pop("answered_on", None) or batch.received_on
    if answered_on < campaign.starts_on:
        raise ApplicationError(ERR_PAPER_EARLY.format(start=campaign.starts_on), field="answered_on")
    if answered_on > campaign.ends_on:
        raise ApplicationError(ERR_PAPER_LATE.format(end=campaign.ends_on), field="answered_on")
    if answered_on > batch.received_on:
        raise ApplicationError(ERR_PAPER_AFTER_RECEIPT.format(received=batch.received_on), field="answered_on")

    def save() -> Response:
        with transaction.atomic():
            locked = PaperBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.excluded:  # excluded since the page was opened
                raise ApplicationError(ERR_BATCH_EXCLUDED)
            if locked.responses.count() >= locked.forms_received:
                raise ApplicationError(ERR_BATCH_FULL.format(count=locked.forms_received))
            response = Response(
                campaign=campaign, point=point, paper=True, batch=batch, answered_on=answered_on, entered_by=by, **data
            )
            _held_if_seen(response)
            response.save()
        return response

    return retry_when_locked(save)


@transaction.atomic
def paper_batch_exclude(*, batch: PaperBatch, reason: str, by) -> PaperBatch:
    """Exclude a whole batch from the results (its forms stay stored), with the reason."""
    _require_outside_evaluated_unit(by=by, point=batch.point, message=ERR_OWN_UNIT_JUDGES)
    if not reason.strip():
        raise ApplicationError(ERR_REASON, field="reason")
    batch.excluded, batch.exclusion_reason = True, reason.strip()
    batch.excluded_by, batch.excluded_at = by, timezone.now()
    batch.save()
    return batch


@transaction.atomic
def survey_points_apply(*, assessment: Assessment, by) -> int:
    """Survey-scored criteria take their share (SIPAS, one element or the overall question, as
    the rule's `source` says) from all the organization's campaigns ending in the round's year,
    through the criterion's own rule; the campaigns and n are the stated source. Criteria whose
    source is an outside survey are left for the coordinator to type in."""
    # it imports the plans, which import the surveys
    from parindex.assessments.services import assessment_totals_refresh, enforce

    enforce(Action.SURVEY_POINTS_APPLY, assessment=assessment, by=by)
    results = year_results(organization_id=assessment.organization_id, year=assessment.round.year)
    if results is None or results.sipas is None:
        raise ApplicationError(ERR_NO_CAMPAIGN.format(year=assessment.round.year))
    updated = 0
    answers = Answer.objects.filter(assessment=assessment, criterion__scoring=Scoring.SURVEY).select_related(
        "criterion"
    )
    for answer in answers:
        rule = answer.criterion.compiled_rule()
        source = answer.criterion.survey_source
        share = None if source == "external" else results.share(source)
        if share is None:
            continue
        result = rule.evaluate({"share": share})
        if not result.ok:
            continue
        answer.inputs, answer.self_points, answer.self_explanation = (
            {"share": str(share)},
            stored_points(result.points),
            result.explanation,
        )
        answer.prefill_source = results.describe()
        answer.updated_by, answer.version = by, answer.version + 1
        answer.save()
        updated += 1
    assessment_totals_refresh(assessment_id=assessment.pk)
    return updated
