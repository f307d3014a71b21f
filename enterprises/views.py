"""Officials' enterprise list and detail, the enterprise's own profile, and confirming self-registered
enterprises."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from enterprises.services.accounts import ConfirmationError, enterprise_confirm
from smeportal.history_read import history_entries
from smeportal.listing import list_query, list_total, sort_headers, xlsx_download
from smeportal.pagination import paginate_without_count

from .filters import EnterpriseFilter
from .models import Enterprise
from .permissions import enterprise_user_required, official_required
from .roles import member_enterprise_id
from .selectors import ENTERPRISE_SORTING, enterprise_history, enterprises_visible_to, members_of


def _columns():
    return [
        (_("企业名称"), "name", ""),
        (_("统一社会信用代码"), "credit_code", "d-none d-md-table-cell"),
        (_("管理区县/功能区"), "district", ""),
        (_("成立日期"), "established", ""),
        (_("行业"), None, "d-none d-md-table-cell"),
        (_("来源"), None, "d-none d-md-table-cell"),
        (_("登记状态"), "status", "d-none d-md-table-cell"),
        (_("培育库"), None, "d-none d-md-table-cell"),
    ]


def _selection(request):
    """The filter set and the enterprises it selects in the user's scope, in the requested order."""
    filterset = EnterpriseFilter(request.GET, queryset=enterprises_visible_to(request.user))
    return filterset, ENTERPRISE_SORTING.order_by(filterset.qs, request.GET.get("sort"))


@official_required
def enterprise_list(request):
    filterset, enterprises = _selection(request)
    context = {
        "filter": filterset,
        "page": paginate_without_count(enterprises, request.GET.get("page")),
        **list_total(enterprises),
        "headers": sort_headers(request, ENTERPRISE_SORTING, _columns()),
        "query": list_query(request),
    }
    return render(request, "enterprises/list.html", context)


@require_GET
@official_required
def enterprise_export(request):
    """The list as the page selects and orders it, as .xlsx."""
    _filterset, enterprises = _selection(request)
    headers = [label for label, _key, _css in _columns()]
    yes = _("是")

    def rows():
        for e in enterprises.iterator(chunk_size=2000):
            yield [
                e.name,
                e.credit_code,
                e.managing_district.name,
                e.established_on,
                f"{e.industry_code} {e.industry_name}".strip(),
                e.get_origin_display(),
                e.get_status_display(),
                yes if e.in_cultivation_pool else "",
            ]

    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_download(request, "enterprises", f"enterprises-{stamp}.xlsx", _("企业库"), headers, rows())


@official_required
def enterprise_detail(request, pk: int):
    """The enterprise's record and its accounts. The officials who open it (its district's, the city's) are the
    ones who decide its claims, so each may remove an account or appoint the administrator here."""
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    return render(request, "enterprises/detail.html", {"enterprise": enterprise, "members": members_of(enterprise.pk)})


@official_required
def enterprise_history_page(request, pk: int):
    """The enterprise's change history, newest first (the same records as the API)."""
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    page = paginate_without_count(enterprise_history(request.user, pk), request.GET.get("page"))
    context = {"enterprise": enterprise, "page": page, "entries": history_entries(page.object_list), "query": ""}
    return render(request, "enterprises/history.html", context)


@enterprise_user_required
def enterprise_profile(request):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=member_enterprise_id(request.user))
    return render(request, "enterprises/profile.html", {"enterprise": enterprise})


@require_POST
@official_required
def enterprise_confirm_view(request, pk: int):
    """A district official (or the city) confirms a self-registered enterprise; outside scope → 404."""
    try:
        enterprise = enterprise_confirm(enterprise_id=pk, actor=request.user)
    except Enterprise.DoesNotExist:
        raise Http404 from None
    except ConfirmationError as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, _("已确认企业“%(name)s”。") % {"name": enterprise.name})
    return redirect("enterprises:detail", pk=pk)
