"""Portal-wide pages that belong to no domain app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .notifications import mark_all_read, notifications_for
from .pagination import paginate_without_count


@login_required
def notifications(request):
    """The user's own in-portal messages, newest first; POST marks them all read."""
    if request.method == "POST":
        count = mark_all_read(request.user)
        messages.success(request, _("已将{count}条消息标为已读。").format(count=count))
        return redirect("notifications")
    page = paginate_without_count(notifications_for(request.user), request.GET.get("page"), 30)
    return render(request, "notifications.html", {"page": page, "query": ""})
