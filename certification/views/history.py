"""A filing's change history page, for the enterprise that owns it and the officials who see it."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from certification.selectors.filing import applications_visible_to, filing_history
from enterprises.permissions import is_enterprise_user, role_required
from enterprises.roles import is_official
from smeportal.history_read import history_entries
from smeportal.pagination import paginate_without_count


@role_required(is_official, is_enterprise_user)
def filing_history_page(request, pk: int):
    """Every change of the filing and its items, newest first (the same records as the API)."""
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    page = paginate_without_count(filing_history(request.user, pk), request.GET.get("page"))
    back = "certification:review_detail" if is_official(request.user) else "certification:filing_detail"
    context = {
        "application": application,
        "back": reverse(back, args=[pk]),
        "page": page,
        "entries": history_entries(page.object_list),
        "query": "",
    }
    return render(request, "certification/filing/history.html", context)
