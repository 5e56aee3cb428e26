from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parindex.notifications.models import Notification
from parindex.notifications.services import notifications_mark_read


@login_required
def notification_list(request):
    notices = Notification.objects.filter(user=request.user).select_related("occurrence")
    page = Paginator(notices, 30).get_page(request.GET.get("trang"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
@login_required
def notification_read_all(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
