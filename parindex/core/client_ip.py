"""The client's address as the application should count it (login lockout, survey limits)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """With PROXY_COUNT trusted proxies in front, each appends the address it received from to
    X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the right; entries further
    left were sent by the client itself and are not trusted (same rule as Werkzeug's ProxyFix)."""
    count = settings.PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-count] if len(forwarded) >= count else remote
