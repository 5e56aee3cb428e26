from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parindex.core.permissions import perm_required
from parindex.core.selectors import audit_entries, audit_rows
from parindex.core.working_year import SESSION_KEY, parse_year
from parindex.organizations.access import access_for
from parindex.organizations.permissions import Perm
from parindex.organizations.selectors import organization_names
from parindex.surveys.selectors import dashboard_satisfaction


def healthz(request):
    """For load balancers and uptime checks: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def dashboard(request):
    access = access_for(request)
    memberships = request.user.memberships.order_by("organization__code")
    names = organization_names(year=request.working_year, org_ids={m.organization_id for m in memberships})
    return render(
        request,
        "core/dashboard.html",
        {
            "my_roles": [(names.get(m.organization_id), m.get_role_display()) for m in memberships],
            "visible_count": len(access.visible_org_ids),
            "satisfaction": dashboard_satisfaction(access=access),
        },
    )


@require_POST
@login_required
def year_switch(request):
    year = parse_year(request.POST.get("year"))
    if year is not None:
        request.session[SESSION_KEY] = year
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "dashboard"
    return redirect(target)


@perm_required(Perm.AUDIT_VIEW)
def audit_log(request):
    access = access_for(request)
    scope = None if access.is_superuser else access.org_ids_with(Perm.AUDIT_VIEW)
    page = Paginator(audit_entries(org_ids=scope), 50).get_page(request.GET.get("trang"))
    return render(request, "core/audit_log.html", {"page": page, "rows": audit_rows(list(page))})
