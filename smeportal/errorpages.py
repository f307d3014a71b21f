"""The bad-request answer and the server-error page (``handler500``).

Input no view can use (:mod:`smeportal.badinput`) gets ``400.html`` with the request's context and a
message saying what was wrong, or under ``/api/`` JSON as DRF's own errors are. Django's own 400 view
(a request it finds suspicious) renders the same template without context, and so its general text.

The server-error page: the portal's layout, in the visitor's language, from nothing
but the template itself.

Django's own 500 view renders ``500.html`` without the request's context processors; this one does the
same and adds a last resort: when even that template fails (the static manifest is missing an entry, the
database behind a template tag is down, the URL configuration is broken), a plain page in the active
language is sent instead of an error inside the error handler. 403 and 404 use Django's own views with
templates/403.html and templates/404.html, which have the whole request context.
"""

import logging

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def server_error(request, template_name: str = "500.html"):
    try:
        body = loader.get_template(template_name).render()
    except Exception:
        logger.exception("The %s page could not be rendered; a plain page was sent instead", template_name)
        body = format_html(
            '<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
            "<body><h1>{}</h1><p>{}</p></body></html>",
            get_language() or "zh-hans",
            _("服务器内部错误"),
            _("服务器内部错误"),
            _("服务器暂时无法处理您的请求，错误已记录。请稍后重试。"),
        )
    return HttpResponseServerError(body)


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, message: str):
    if is_api(request):
        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
    return render(request, "400.html", {"message": message}, status=400)
