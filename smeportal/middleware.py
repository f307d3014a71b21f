"""Responses to a signed-in user are never stored by a browser or a proxy cache; the changes a request
makes are recorded as its user's.

A signed-in user's pages, API answers, ``.xlsx`` exports and file downloads carry that user's data; a
shared cache (an office proxy) or the browser's back button on a shared computer must not replay them.
One middleware covers every view, so a new view cannot forget it. Anonymous public pages stay cacheable.
"""

from django.urls import reverse_lazy
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

from .history import history_context

ADMIN_REASON = _("管理后台")


def _authenticated(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivateCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Asked before and after the view: a login makes the user signed in during the view, and a DRF view
        # replaces request.user with its own result (AnonymousUser for a view without authentication
        # classes, even for a browser with a session; the token's user for a token call). Any
        # Authorization header counts, even one that was refused.
        signed_in = _authenticated(request) or "HTTP_AUTHORIZATION" in request.META
        response = self.get_response(request)
        if signed_in or _authenticated(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


class HistoryMiddleware:
    """Every change a request makes is recorded as made by the request's user (read when the change is
    recorded: DRF signs token users in inside the view); in the admin, with "管理后台" as the reason."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse_lazy("admin:index")

    def __call__(self, request):
        reason = ADMIN_REASON if request.path.startswith(str(self.admin_prefix)) else ""
        with history_context(actor=request, reason=reason):
            return self.get_response(request)
