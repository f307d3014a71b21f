"""Officials' enterprise list and detail, the enterprise's own profile, and confirming self-registered
enterprises."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enterprises.services.accounts import ConfirmationError, enterprise_confirm
from smeportal.history_read import history_entries
from smeportal.pagination import paginate_without_count

from .filters import EnterpriseFilter
from .models import Enterprise
from .permissions import enterprise_user_required, official_required
from .roles import member_enterprise_id
from .selectors import enterprise_history, enterprises_visible_to


@official_required
def enterprise_list(request):
    filterset = EnterpriseFilter(request.GET, queryset=enterprises_visible_to(request.user))
    page = paginate_without_count(filterset.qs.order_by("-established_on", "-id"), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "enterprises/list.html", {"filter": filterset, "page": page, "query": query.urlencode()})


@official_required
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    return render(request, "enterprises/detail.html", {"enterprise": enterprise})


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
