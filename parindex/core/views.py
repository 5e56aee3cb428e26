from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from parindex.core.permissions import perm_required
from parindex.core.selectors import audit_page, audit_rows
from parindex.core.working_year import SESSION_KEY, parse_year
from parindex.organizations.access import access_for
from parindex.organizations.permissions import Perm, Role
from parindex.plans.selectors import my_work_counts, plans_with_progress
from parindex.surveys.selectors import dashboard_satisfaction


def healthz(request):
    """For load balancers and uptime checks: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def dashboard(request):
    access = access_for(request)
    tree = access.tree  # the working year's names, already loaded for the permissions
    return render(
        request,
        "core/dashboard.html",
        {
            "my_roles": sorted(
                ((tree.name_of(org_id), Role(role).label) for org_id, role in access.memberships),
                key=lambda pair: pair[0] or "",
            ),
            "visible_count": len(access.visible_org_ids),
            "satisfaction": dashboard_satisfaction(access=access),
            "plans": _plans_at_a_glance(request, access),
            "my_work": _my_work_at_a_glance(request, access),
        },
    )


DASHBOARD_PLANS = 6
AUDIT_PAGE_SIZE = 50


def _plans_at_a_glance(request, access) -> list:
    """The working year's plans with how far along they are, most overdue first (a director's
    first question); nothing for someone who may not see plans."""
    if not access.has(Perm.PLAN_VIEW):
        return []
    rows = plans_with_progress(
        org_ids=access.org_ids_with(Perm.PLAN_VIEW), year=request.working_year, today=timezone.localdate()
    )
    return sorted(rows, key=lambda row: (-row[1].overdue, row[0].title))[:DASHBOARD_PLANS]


def _my_work_at_a_glance(request, access) -> dict[str, int] | None:
    """For people who carry out tasks: how many of their occurrences are late or due this week."""
    if not access.has(Perm.TASK_WORK):
        return None
    return my_work_counts(
        unit_ids=access.member_unit_ids(Perm.TASK_WORK), year=request.working_year, today=timezone.localdate()
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
    page = audit_page(org_ids=scope, number=request.GET.get("trang"), size=AUDIT_PAGE_SIZE)
    return render(request, "core/audit_log.html", {"page": page, "rows": audit_rows(page.rows)})
