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
