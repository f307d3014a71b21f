"""Rate limits for HTML pages (registration), with the API's throttle machinery and the one client IP."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .clientip import client_ip


class PageThrottle(SimpleRateThrottle):
    """``PageThrottle("register", "10/hour").allow_request(request, None)``: False once the client at
    ``client_ip(request)`` has used up the rate in the scope."""

    def __init__(self, scope: str, rate: str):
        self.scope = scope
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


def public_search_allowed(request) -> bool:
    """One more search of the public pages for this client (``PUBLIC_SEARCH_THROTTLE_RATE``)?"""
    return PageThrottle("public-search", settings.PUBLIC_SEARCH_THROTTLE_RATE).allow_request(request, None)
