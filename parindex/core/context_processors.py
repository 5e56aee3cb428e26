from __future__ import annotations

from django.http import HttpRequest

from parindex.core.navigation import nav_items_for
from parindex.core.working_year import available_years
from parindex.notifications.models import Notification
from parindex.organizations.access import access_for


def navigation(request: HttpRequest) -> dict:
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    access = access_for(request)
    return {
        "unread_notifications": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
        "nav_items": nav_items_for(access),
        "working_year": request.working_year,
        "available_years": available_years(),
        "access": access,
    }
