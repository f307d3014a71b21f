"""Endpoints for the machines that run the portal (the load balancer's probes, the Prometheus scrape),
answered only to clients in configured networks: to anybody else they do not exist (404).

The client is the one :mod:`smeportal.clientip` reads: behind a reverse proxy, TRUSTED_PROXY_COUNT must be
set, or every request would come from the proxy's own (often loopback) address.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import Http404

from .clientip import client_ip


def client_in_networks(request, networks: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


def internal_only(setting: str):
    """Answer 404 unless the client is in one of the networks the setting ``setting`` lists."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not client_in_networks(request, getattr(settings, setting)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
