"""The portal's URLs and error handlers, plus views that fail on purpose (tests/smeportal/test_error_pages.py)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from smeportal.urls import handler500
from smeportal.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def broken(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    raise PermissionDenied("只有企业用户可以填写申报。")


def forbidden_without_reason(request):
    raise PermissionDenied


urlpatterns = [
    *portal_urlpatterns,
    path("test-errors/500/", broken, name="test-500"),
    path("test-errors/403/", forbidden, name="test-403"),
    path("test-errors/403-plain/", forbidden_without_reason, name="test-403-plain"),
]
