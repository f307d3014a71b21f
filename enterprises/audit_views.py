"""The security audit log for city officials and the administrator: search, pages, .xlsx export (itself
recorded). Everybody else gets 404."""

from __future__ import annotations

import json

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from smeportal.listing import xlsx_download
from smeportal.models import SecurityEvent
from smeportal.pagination import paginate_without_count

from .filters import SecurityEventFilter
from .permissions import city_official_required


def details_text(details: dict) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True) if details else ""


def _events(request) -> SecurityEventFilter:
    queryset = SecurityEvent.objects.select_related("actor").order_by("-at", "-id")
    return SecurityEventFilter(request.GET, queryset=queryset)


@require_GET
@city_official_required
def security_log(request):
    filterset = _events(request)
    page = paginate_without_count(filterset.qs, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(event, details_text(event.details)) for event in page.object_list]
    context = {"filter": filterset, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "registration/security_log.html", context)


@require_GET
@city_official_required
def security_log_export(request):
    """The searched events as .xlsx, streamed (at most ``LIST_EXPORT_MAX_ROWS``); the download is itself an event
    of the log."""
    headers = [_("时间"), _("事件"), _("用户名"), _("操作人"), _("IP 地址"), _("对象"), _("详情")]
    rows = (
        [
            timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            event.get_kind_display(),
            event.username,
            event.actor.get_username() if event.actor else "",
            event.ip_address or "",
            event.target,
            details_text(event.details),
        ]
        for event in _events(request).qs.iterator(chunk_size=2000)
    )
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_download(request, "security_log", f"security-log-{stamp}.xlsx", _("安全审计记录"), headers, rows)
