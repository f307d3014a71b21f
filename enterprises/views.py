from django.shortcuts import get_object_or_404, render

from smeportal.pagination import paginate_without_count

from .filters import EnterpriseFilter
from .permissions import enterprise_user_required, official_required
from .roles import member_enterprise_id
from .selectors import enterprises_visible_to


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


@enterprise_user_required
def enterprise_profile(request):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=member_enterprise_id(request.user))
    return render(request, "enterprises/profile.html", {"enterprise": enterprise})
