"""Portal-wide pages that belong to no domain app, and the one way HTML views call a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from .errors import DomainError
from .notifications import mark_all_read, notifications_for
from .pagination import paginate_without_count
from .text import join_clauses

Result = TypeVar("Result")


def add_form_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the matching fields of the form (or on the form as a whole)."""
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def run_service(
    request,
    call: Callable[[], Result],
    *,
    success: str | Callable[[Result], str] | None = None,
    form: forms.Form | None = None,
) -> tuple[bool, Result | None]:
    """Call a service for an HTML view: ``(True, result)``, with the success message, when it went
    through; ``(False, None)`` when it was refused.

    A refusal by a business rule becomes an error message; bad input becomes errors on ``form`` when
    one is given (the view shows the form again), else an error message.
    """
    try:
        result = call()
    except DomainError as error:
        messages.error(request, error.message)
        return False, None
    except ValidationError as error:
        if form is not None:
            add_form_errors(form, error)
        else:
            messages.error(request, join_clauses(error.messages))
        return False, None
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return True, result


@login_required
def notifications(request):
    """The user's own in-portal messages, newest first; POST marks them all read."""
    if request.method == "POST":
        count = mark_all_read(request.user)
        messages.success(request, _("已将{count}条消息标为已读。").format(count=count))
        return redirect("notifications")
    page = paginate_without_count(notifications_for(request.user), request.GET.get("page"), 30)
    return render(request, "notifications.html", {"page": page, "query": ""})


def favicon(request):
    """Clients that ask for /favicon.ico without reading the page's ``<link rel="icon">`` get the same icon."""
    return redirect(static("favicon.svg"), permanent=True)
