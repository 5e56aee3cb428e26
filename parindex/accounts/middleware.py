from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


class PasswordChangeRequiredMiddleware:
    """Sends a user whose password an admin chose to the change-password page, whatever he asks
    for, until he has replaced it; logging out and static files stay open."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            target = reverse("accounts:password_change")
            if request.path_info not in (target, reverse("logout")) and not request.path_info.startswith(
                self.static_prefix
            ):
                # An HTMX request would swap the whole page into a fragment: have the browser go instead.
                if getattr(request, "htmx", False):
                    return HttpResponseClientRedirect(target)
                return redirect(target)
        return self.get_response(request)
