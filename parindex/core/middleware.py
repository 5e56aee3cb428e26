from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from parindex.core.working_year import SESSION_KEY, current_year, parse_year


class WorkingYearMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.working_year = parse_year(request.session.get(SESSION_KEY)) or current_year()
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Office PCs are shared: a page shown to a signed-in user must not stay in the browser's
    cache (or a proxy's) for the next person to bring back with the Back button. Anonymous pages
    (the public survey form, the login page) and static files (served before this) keep caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response
