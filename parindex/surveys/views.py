from __future__ import annotations

import io
import secrets

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from parindex.assessments.access import assessment_for
from parindex.core.client_ip import client_ip
from parindex.core.downloads import attachment, file_attachment
from parindex.core.errors import ApplicationError, Forbidden
from parindex.core.params import plain_int
from parindex.core.permissions import perm_required
from parindex.core.versioning import edit_stamp
from parindex.engine.survey import ELEMENTS
from parindex.organizations.access import access_for
from parindex.organizations.models import OrganizationKind
from parindex.organizations.permissions import Perm
from parindex.organizations.selectors import organization_names
from parindex.surveys import posters, services
from parindex.surveys.exports import campaign_xlsx
from parindex.surveys.forms import (
    AnswerForm,
    CampaignEditForm,
    CampaignForm,
    PaperBatchForm,
    ReasonForm,
    TemplateForm,
)
from parindex.surveys.models import Campaign, Channel, PaperBatch, Response, ServicePoint, SurveyTemplate
from parindex.surveys.selectors import (
    QUARTER_NUMERALS,
    Quarter,
    campaign_results,
    campaign_trend,
    held_responses,
    paper_batches,
    paper_summary,
    quarter_results,
    trend_labels,
)

DEVICE_COOKIE = "pi_dev"
BATCHES_PER_PAGE = 30
FORMS_PER_PAGE = 50


# --- public: the citizen's form --------------------------------------------------------------


def public_form(request, token: str):
    point = get_object_or_404(
        ServicePoint.objects.select_related("campaign__template", "campaign__organization"), token=token
    )
    campaign = point.campaign
    today = timezone.localdate()
    is_open = campaign.starts_on <= today <= campaign.ends_on
    form = AnswerForm(request.POST or None, template=campaign.template)
    status, error = 200, None
    if request.method == "POST" and is_open:
        if form.is_bot:
            return redirect("ks:thanks", token=token)  # say nothing useful to a bot
        if not form.is_valid():  # a mistake to correct is not an answer: it spends no quota
            status = 400
        else:
            try:
                # The address is the client's as the login lockout sees it, so behind a reverse
                # proxy (PROXY_COUNT) the limit is per citizen's network, not one shared by all.
                saved = services.public_answer(
                    point=point,
                    data=form.response_data(),
                    today=today,
                    address=client_ip(request),
                    device=request.COOKIES.get(DEVICE_COOKIE, "none"),
                )
            except services.RateLimited as problem:
                error, status = problem.message, 429
            except ApplicationError as problem:
                error, status = problem.message, 409
            else:
                thanks = reverse("ks:thanks", args=[token])
                return redirect(f"{thanks}?xem-xet=1" if saved.held else thanks)
    # The citizen reads the department's name of the campaign's year, not its internal code.
    organization_name = organization_names(year=campaign.starts_on.year, org_ids={campaign.organization_id}).get(
        campaign.organization_id, ""
    )
    response = render(
        request,
        "surveys/public_form.html",
        {
            "point": point,
            "campaign": campaign,
            "organization_name": organization_name,
            "form": form,
            "is_open": is_open,
            "error": error,
        },
        status=status,
    )
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE, secrets.token_urlsafe(12), max_age=365 * 24 * 3600, httponly=True, samesite="Lax"
        )
    return response


def public_thanks(request, token: str):
    point = get_object_or_404(ServicePoint.objects.select_related("campaign"), token=token)
    return render(request, "surveys/public_thanks.html", {"point": point, "held": "xem-xet" in request.GET})


# --- staff ----------------------------------------------------------------------------------


def _campaign_for(request, pk: int) -> tuple[Campaign, set[int] | None, bool]:
    """The campaign, the service points the user may see (None: all), and whether they manage it."""
    campaign = get_object_or_404(Campaign.objects.select_related("organization", "template"), pk=pk)
    access = access_for(request)
    if access.can(Perm.SURVEY_MANAGE, campaign.organization_id) or (
        access.can(Perm.SURVEY_VIEW, campaign.organization_id) and access.can(Perm.ORG_VIEW, campaign.organization_id)
    ):
        return campaign, None, access.can(Perm.SURVEY_MANAGE, campaign.organization_id)
    units = access.member_unit_ids(Perm.SURVEY_VIEW)
    points = set(campaign.points.filter(organization_id__in=units).values_list("pk", flat=True))
    if not points:
        raise Http404
    return campaign, points, False


@perm_required(Perm.SURVEY_VIEW)
def campaign_list(request):
    access = access_for(request)
    # Exactly the campaigns _campaign_for opens: whole ones for the department's people, and for a
    # unit's people those with a service point of their unit (no link that ends in "not found").
    whole = access.org_ids_with(Perm.SURVEY_MANAGE) | (
        access.org_ids_with(Perm.SURVEY_VIEW) & access.org_ids_with(Perm.ORG_VIEW)
    )
    units = access.member_unit_ids(Perm.SURVEY_VIEW)
    campaigns = (
        Campaign.objects.filter(Q(organization_id__in=whole) | Q(points__organization_id__in=units))
        .distinct()
        .select_related("organization")
    )
    return render(
        request, "surveys/campaign_list.html", {"campaigns": campaigns, "can_manage": access.has(Perm.SURVEY_MANAGE)}
    )


@perm_required(Perm.SURVEY_MANAGE)
def campaign_create(request):
    access = access_for(request)
    scope = access.org_ids_with(Perm.SURVEY_MANAGE)
    departments = [
        (n.org_id, n.name) for n, _ in access.tree.walk(only=set(scope)) if n.kind == OrganizationKind.DEPARTMENT
    ]
    units = [(n.org_id, n.name) for n, _ in access.tree.walk(only=set(scope)) if n.kind == OrganizationKind.UNIT]
    template_default = services.template_default()
    form = CampaignForm(
        request.POST or None,
        departments=departments,
        units=units,
        templates=services.templates_visible(by=request.user, year=request.working_year).order_by(Lower("name")),
        initial={"template": template_default.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        names = dict(units)
        try:
            campaign = services.campaign_create(
                organization_id=data["organization_id"],
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                target=data["target"],
                min_n=data["min_n"],
                points=[(p, names[p]) for p in data["points"]],
                template=SurveyTemplate.objects.get(pk=data["template"]),
                weights=form.weights(),
                by=request.user,
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Đã mở đợt khảo sát. In áp phích mã QR cho từng điểm phục vụ.")
            return redirect(campaign)
    return render(request, "surveys/campaign_form.html", {"form": form})


def _template_owners(request) -> list[tuple[int, str]]:
    """The departments and provinces whose templates the user may write."""
    access = access_for(request)
    scope = access.org_ids_with(Perm.SURVEY_MANAGE)
    kinds = {OrganizationKind.DEPARTMENT, OrganizationKind.PROVINCE}
    return [(n.org_id, n.name) for n, _ in access.tree.walk(only=set(scope)) if n.kind in kinds]


def _template_data(form: TemplateForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "elements": data["elements"],
        "perceptions": form.lines(data["perceptions"]),
        "improvements": form.lines(data["improvements"]),
        "ask_profile": data["ask_profile"],
    }


@perm_required(Perm.SURVEY_MANAGE)
def template_create(request):
    form = TemplateForm(
        request.POST or None,
        owners=_template_owners(request),
        initial={"improvements": "\n".join(services.IMPROVEMENTS), "perceptions": "\n".join(services.PERCEPTIONS)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.template_create(
                owner_id=form.cleaned_data["owner_id"],
                **_template_data(form),
                by=request.user,
                year=request.working_year,
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Đã lưu mẫu phiếu; chọn mẫu này khi mở đợt khảo sát.")
            return redirect("surveys:campaign_create")
    access = access_for(request)
    templates = [
        (
            t,
            t.owner_id is not None and access.can(Perm.SURVEY_MANAGE, t.owner_id),
            access.tree.name_of(t.owner_id) if t.owner_id else None,
        )
        for t in services.templates_visible(by=request.user, year=request.working_year).order_by(Lower("name"))
    ]
    return render(
        request, "surveys/template_form.html", {"form": form, "title": "Mẫu phiếu khảo sát", "templates": templates}
    )


@perm_required(Perm.SURVEY_MANAGE)
def template_edit(request, pk: int):
    visible = services.templates_visible(by=request.user, year=request.working_year)
    template = get_object_or_404(visible, pk=pk)  # another department's template: not found
    if template.owner_id is None or not access_for(request).can(Perm.SURVEY_MANAGE, template.owner_id):
        raise PermissionDenied  # the national template, or the province's issued to the department
    initial = {
        "name": template.name,
        "elements": template.elements,
        "perceptions": "\n".join(template.perceptions),
        "improvements": "\n".join(template.improvements),
        "ask_profile": template.ask_profile,
        "loaded_at": edit_stamp(template),
    }
    form = TemplateForm(request.POST or None, owners=[], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(
                template=template, **_template_data(form), by=request.user, year=request.working_year,
                loaded_at=form.cleaned_data["loaded_at"],
            )  # fmt: skip
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Đã lưu mẫu phiếu.")
            return redirect("surveys:template_create")
    return render(request, "surveys/template_form.html", {"form": form, "title": f"Sửa mẫu phiếu: {template.name}"})


@perm_required(Perm.SURVEY_VIEW)
def campaign_detail(request, pk: int):
    campaign, point_ids, can_manage = _campaign_for(request, pk)
    channel = request.GET.get("kenh", "")
    results = campaign_results(
        campaign=campaign, point_ids=point_ids, channel=channel if channel in Channel.values else ""
    )
    trend = campaign_trend(organization_id=campaign.organization_id) if point_ids is None else []
    points = campaign.points.all() if point_ids is None else campaign.points.filter(pk__in=point_ids)
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "results": results,
            "points": points,
            "can_manage": can_manage,
            "elements": ELEMENTS,
            "channels": Channel.choices,
            "channel": channel,
            "trend_labels": trend_labels(trend),
            "trend_values": [float(v) if v is not None else None for _, v in trend],
            "element_rows": [(ELEMENTS[k], results.elements[k]) for k in ELEMENTS]
            + [("Đánh giá chung", results.elements["overall"])],
            "report_quarter": Quarter.of(min(timezone.localdate(), campaign.ends_on)),
            "quarter_choices": list(enumerate(QUARTER_NUMERALS, start=1)),
            "paper": paper_summary(campaign=campaign, point_ids=point_ids),
            "is_open": campaign.ends_on >= timezone.localdate(),
        },
    )


@perm_required(Perm.SURVEY_VIEW)
def campaign_comments(request, pk: int):
    campaign, point_ids, can_manage = _campaign_for(request, pk)
    responses = campaign.responses.select_related("point").exclude(comment="")
    if point_ids is not None:
        responses = responses.filter(point_id__in=point_ids)
    point_id = request.GET.get("diem", "")
    if point_id:
        if plain_int(point_id) is None:
            return HttpResponse("Điểm phục vụ không hợp lệ.", status=400, content_type="text/plain; charset=utf-8")
        responses = responses.filter(point_id=plain_int(point_id))
    if request.GET.get("muc") in {"1", "2", "3", "4", "5"}:
        responses = responses.filter(answers__overall=int(request.GET["muc"]))
    page = Paginator(responses, 30).get_page(request.GET.get("trang"))
    return render(
        request,
        "surveys/comments.html",
        {
            "campaign": campaign,
            "page": page,
            "can_manage": can_manage,
            "points": campaign.points.all(),
            "filters": request.GET,
        },
    )


def _managed_campaign(request, pk: int) -> Campaign:
    """A campaign the user manages (404 when he cannot see it, 403 when he only sees it)."""
    campaign, _, can_manage = _campaign_for(request, pk)
    if not can_manage:
        raise PermissionDenied
    return campaign


@require_POST
@perm_required(Perm.SURVEY_MANAGE)
def response_exclude(request, pk: int):
    response = get_object_or_404(Response.objects.select_related("campaign"), pk=pk)
    _managed_campaign(request, response.campaign_id)
    try:
        services.response_exclude(response=response, reason=request.POST.get("reason", ""), by=request.user)
    except ApplicationError as error:
        messages.error(request, "Hãy ghi lý do loại phiếu." if error.field == "reason" else error.message)
    else:
        messages.success(request, "Đã loại phiếu khỏi kết quả (phiếu vẫn được lưu).")
    return redirect("surveys:campaign_comments", pk=response.campaign_id)


@perm_required(Perm.SURVEY_MANAGE)
def campaign_edit(request, pk: int):
    campaign = _managed_campaign(request, pk)
    initial = {
        "title": campaign.title, "ends_on": campaign.ends_on, "target": campaign.target, "min_n": campaign.min_n,
        "loaded_at": edit_stamp(campaign),
    }  # fmt: skip
    form = CampaignEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, **form.cleaned_data, by=request.user)
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Đã lưu đợt khảo sát.")
            return redirect(campaign)
    return render(request, "surveys/campaign_form.html", {"form": form, "title": f"Sửa đợt: {campaign.title}"})


@require_POST
@perm_required(Perm.SURVEY_MANAGE)
def campaign_close(request, pk: int):
    campaign = _managed_campaign(request, pk)
    try:
        services.campaign_close(campaign=campaign, today=timezone.localdate(), by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã kết thúc đợt khảo sát: người dân không gửi thêm phiếu được.")
    return redirect(campaign)


def _point_for_paper(request, pk: int) -> ServicePoint:
    point = get_object_or_404(ServicePoint.objects.select_related("campaign__template", "organization"), pk=pk)
    _managed_campaign(request, point.campaign_id)
    return point


def _paper_refused(request, point: ServicePoint):
    """The page saying why this user may not type this point's paper forms (403), or None."""
    try:
        services.require_paper_clerk(by=request.user, point=point)
    except Forbidden as error:
        return render(request, "surveys/paper_refused.html", {"point": point, "message": error.message}, status=403)
    return None


@perm_required(Perm.SURVEY_MANAGE)
def paper_entry(request, pk: int):
    """A service point's paper batches, and a new batch: how many forms, who collected them, when."""
    point = _point_for_paper(request, pk)
    if refused := _paper_refused(request, point):
        return refused
    form = PaperBatchForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.paper_batch_create(
                point=point, **form.cleaned_data, today=timezone.localdate(), by=request.user
            )
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Đã tạo lô {batch.forms_received} phiếu. Nhập từng phiếu của lô.")
            return redirect(batch)
    page = Paginator(paper_batches(campaign=point.campaign, point_ids={point.pk}), BATCHES_PER_PAGE).get_page(
        request.GET.get("trang")
    )
    return render(request, "surveys/paper_entry.html", {"point": point, "form": form, "batches": page, "page": page})


@perm_required(Perm.SURVEY_MANAGE)
def paper_batch(request, pk: int):
    """One batch: type its forms in one after another, review them, or exclude the batch."""
    batch = get_object_or_404(
        PaperBatch.objects.select_related("point__campaign__template", "entered_by", "excluded_by"), pk=pk
    )
    point = _point_for_paper(request, batch.point_id)
    if refused := _paper_refused(request, point):
        return refused
    initial = {"answered_on": request.GET["ngay"]} if request.GET.get("ngay") else {}
    form = AnswerForm(request.POST or None, template=point.campaign.template, paper=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.paper_form_add(batch=batch, data=form.response_data(), by=request.user)
        except Forbidden as error:
            raise PermissionDenied(error.message) from error
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Đã nhập phiếu giấy ngày {saved.answered_on:%d/%m/%Y}. Nhập phiếu tiếp theo.")
            return redirect(f"{reverse('surveys:paper_batch', args=[pk])}?ngay={saved.answered_on:%d/%m/%Y}")
    # A batch holds up to 5000 forms: one page of them, the last (the forms just typed) by default.
    paginator = Paginator(batch.responses.order_by("pk"), FORMS_PER_PAGE)
    page = paginator.get_page(request.GET.get("trang") or paginator.num_pages)
    return render(
        request,
        "surveys/paper_batch.html",
        {
            "batch": batch,
            "point": point,
            "form": form,
            "page": page,
            "entered": paginator.count,
            "elements": ELEMENTS,
            "full": paginator.count >= batch.forms_received,
            "reason_form": ReasonForm(),
        },
    )


@require_POST
@perm_required(Perm.SURVEY_MANAGE)
def paper_batch_exclude(request, pk: int):
    batch = get_object_or_404(PaperBatch.objects.select_related("point__campaign"), pk=pk)
    _managed_campaign(request, batch.point.campaign_id)
    try:
        services.paper_batch_exclude(batch=batch, reason=request.POST.get("reason", ""), by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã loại cả lô khỏi kết quả (các phiếu vẫn được lưu).")
    return redirect(batch)


@perm_required(Perm.SURVEY_MANAGE)
def held_list(request, pk: int):
    campaign = _managed_campaign(request, pk)
    page, rows = held_responses(campaign=campaign, page_number=request.GET.get("trang"))
    return render(
        request, "surveys/held_list.html", {"campaign": campaign, "page": page, "rows": rows, "elements": ELEMENTS}
    )


@require_POST
@perm_required(Perm.SURVEY_MANAGE)
def held_decide(request, pk: int):
    response = get_object_or_404(Response.objects.select_related("campaign"), pk=pk)
    _managed_campaign(request, response.campaign_id)
    decision = request.POST.get("quyet_dinh")
    if decision not in {"giu", "loai"}:
        messages.error(request, "Hãy chọn tính hay loại phiếu này.")
        return redirect("surveys:held_list", pk=response.campaign_id)
    keep = decision == "giu"
    try:
        services.held_response_decide(
            response=response, keep=keep, reason=request.POST.get("reason", ""), by=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Đã tính phiếu này, loại phiếu trước cùng mã." if keep else "Đã loại phiếu này.")
    return redirect("surveys:held_list", pk=response.campaign_id)


@perm_required(Perm.SURVEY_VIEW)
def point_qr(request, pk: int):
    point = get_object_or_404(ServicePoint, pk=pk)
    _campaign_for(request, point.campaign_id)
    buffer = io.BytesIO()
    segno.make(request.build_absolute_uri(point.get_public_url()), error="m").save(buffer, kind="svg", scale=8)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@perm_required(Perm.SURVEY_VIEW)
def point_poster(request, pk: int):
    point = get_object_or_404(ServicePoint.objects.select_related("campaign"), pk=pk)
    _campaign_for(request, point.campaign_id)
    pdf = posters.poster_pdf(point, request.build_absolute_uri(point.get_public_url()))
    return attachment(pdf, f"qr-{point.token}.pdf")


@perm_required(Perm.SURVEY_VIEW)
def campaign_export(request, pk: int):
    campaign, point_ids, _ = _campaign_for(request, pk)
    results = campaign_results(campaign=campaign, point_ids=point_ids)
    return file_attachment(campaign_xlsx(campaign, results, point_ids), f"khao-sat-{campaign.pk}.xlsx")


@perm_required(Perm.SURVEY_VIEW)
def campaign_report(request, pk: int):
    campaign, point_ids, _ = _campaign_for(request, pk)
    results = campaign_results(campaign=campaign, point_ids=point_ids)
    names = (
        list(campaign.points.filter(pk__in=point_ids).values_list("name", flat=True)) if point_ids is not None else None
    )
    return attachment(posters.report_pdf(campaign, results, names), f"bao-cao-khao-sat-{campaign.pk}.pdf")


def _quarter_asked(request, campaign: Campaign) -> Quarter:
    """The quarter in ?quy=1–4&nam=yyyy; by default the one holding the campaign's last day so far."""
    default = Quarter.of(min(timezone.localdate(), campaign.ends_on))
    number, year = request.GET.get("quy", ""), request.GET.get("nam", "")
    if number in {"1", "2", "3", "4"} and 2000 <= (plain_int(year) or 0) <= 2100:
        return Quarter(int(year), int(number))
    return default


@perm_required(Perm.SURVEY_VIEW)
def quarter_report(request, pk: int):
    """The quarterly satisfaction report TC 8.1 (seed 000) asks units to send: answers dated in the
    chosen quarter, from every campaign of the department, for the service points the user sees."""
    campaign, point_ids, _ = _campaign_for(request, pk)
    unit_ids = None
    if point_ids is not None:  # a unit's staff: their units that serve at some point of the department
        served = ServicePoint.objects.filter(campaign__organization_id=campaign.organization_id)
        unit_ids = set(access_for(request).member_unit_ids(Perm.SURVEY_VIEW)) & set(
            served.values_list("organization_id", flat=True)
        )
    quarter = _quarter_asked(request, campaign)
    report = quarter_results(campaign=campaign, quarter=quarter, unit_ids=unit_ids)
    year = quarter.year
    names = organization_names(year=year, org_ids={campaign.organization_id, *(unit_ids or set())})
    units = sorted(names[u] for u in unit_ids or set() if u in names) or None
    pdf = posters.quarter_report_pdf(
        report, organization=names.get(campaign.organization_id, campaign.organization.code), units=units
    )
    return attachment(pdf, f"bao-cao-khao-sat-quy-{quarter.number}-{year}.pdf")


@require_POST
@login_required
def survey_points_apply(request, pk: int):
    assessment, rights = assessment_for(request, pk)
    if not rights.compile:
        raise PermissionDenied
    try:
        updated = services.survey_points_apply(assessment=assessment, by=request.user)
        messages.success(request, f"Đã lấy điểm điều tra cho {updated} tiêu chí.")
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(assessment)
