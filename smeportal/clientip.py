"""The client's IP address, read one way by every part of the portal: the login lockout (django-axes),
the API throttles (DRF, ``NUM_PROXIES``) and the page throttles (:mod:`smeportal.throttling`).

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies the client is the address the outermost trusted proxy
saw: that many entries from the right of ``X-Forwarded-For``. With 0 (no proxy, the default) it is
``REMOTE_ADDR`` and ``X-Forwarded-For`` is ignored, because any client can send one.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not count or not addresses:
        return remote
    return addresses[-min(count, len(addresses))]
