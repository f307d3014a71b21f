"""Input no view can use is refused at the door with 400 and a message, never a server error.

PostgreSQL refuses a NUL character in any text it is sent, and no encoder can send a lone UTF-16
surrogate; a search for such a value would fail inside the database driver (500), whichever view
asked. :class:`RejectBadInputMiddleware` refuses them in the path, the query string, form fields and
cookies; the API's parsers (:class:`StrictJSONParser` and the form parsers) in its bodies, together
with JSON nested deeper than any request of the API. A query value longer than
:data:`MAX_QUERY_VALUE_LENGTH` is refused as well: no filter, search or cursor of the portal comes near
it, and a long ``LIKE`` pattern costs the database.
The HTML answer is the portal's error page in the visitor's language, the API's ``{"detail": ...}``.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from .errorpages import bad_request, is_api

# NUL, which PostgreSQL refuses in text, and lone surrogates, which cannot be encoded as UTF-8.
UNSENDABLE = re.compile("[\x00\ud800-\udfff]")
MAX_QUERY_VALUE_LENGTH = 1000
# The API's deepest body is an object of lists of objects; anything much deeper is not a request.
MAX_JSON_DEPTH = 32


def _first_problem(request) -> str | None:
    if UNSENDABLE.search(request.path_info):
        return _("地址中含有不允许的字符（如空字符）。")
    for key, value in request.COOKIES.items():
        if UNSENDABLE.search(key) or UNSENDABLE.search(value):
            return _("Cookie 中含有不允许的字符（如空字符）。")
    for key, values in request.GET.lists():
        if UNSENDABLE.search(key) or any(UNSENDABLE.search(value) for value in values):
            return _("查询参数中含有不允许的字符（如空字符）。")
        if len(key) > MAX_QUERY_VALUE_LENGTH or any(len(value) > MAX_QUERY_VALUE_LENGTH for value in values):
            return _("查询参数过长（每个值最多 %(limit)d 个字符）。") % {"limit": MAX_QUERY_VALUE_LENGTH}
    # The API's parsers read its bodies: reading a form here would spoil DRF's 415 for a JSON-only view.
    if request.method == "POST" and not is_api(request):
        return _form_problem(request.POST)
    return None


def _form_problem(data) -> str | None:
    for key, values in data.lists():
        if UNSENDABLE.search(key) or any(UNSENDABLE.search(value) for value in values if isinstance(value, str)):
            return _("提交的内容中含有不允许的字符（如空字符）。")
    return None


class RejectBadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = _first_problem(request)
        if problem is not None:
            return bad_request(request, message=problem)
        return self.get_response(request)


def _check_json(data) -> None:
    """Walks the parsed body without recursion (its depth is what is being checked)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ParseError(_("JSON 嵌套过深（最多 %(limit)d 层）。") % {"limit": MAX_JSON_DEPTH})
        if isinstance(value, str):
            if UNSENDABLE.search(value):
                raise ParseError(_("JSON 字符串中含有不允许的字符（如空字符）。"))
        elif isinstance(value, dict):
            stack.extend((key, depth) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, answering 400 instead of 500 to a body Python's parser or the database cannot take."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON 嵌套过深（最多 %(limit)d 层）。") % {"limit": MAX_JSON_DEPTH}) from None
        _check_json(data)
        return data


class StrictFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if problem := _form_problem(data):
            raise ParseError(problem)
        return data


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        if problem := _form_problem(result.data):
            raise ParseError(problem)
        return result
