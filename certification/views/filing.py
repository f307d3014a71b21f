"""The enterprise's online filing: list, start, detail, withdrawal and downloads (the multi-step form with
the live score is :mod:`certification.views.filing_form`).

Thin views: the writes are in :mod:`certification.services` / :mod:`certification.filing_services`;
only the enterprise's own users reach these pages (others get 404), except the attachment download,
which officials who can see the filing may use too."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.evaluation_input import DIRECT_PATH_CHOICES
from certification.forms.filing import STEPS
from certification.forms.review import declared_text
from certification.forms.transition import WithdrawalForm
from certification.models import DECLARED_FIELDS, Application, ApplicationAttachment, ApplicationEvent
from certification.selectors.campaign import filing_campaign, filing_deadline, filing_year
from certification.selectors.filing import applications_visible_to, attachments_visible_to
from certification.services import filing_items
from certification.services.filing import application_withdraw
from certification.states import EDITABLE, UNDECIDED, FilingState
from enterprises.permissions import enterprise_user_required
from enterprises.roles import member_enterprise_id
from smeportal.uploads import stored_file_download
from smeportal.views import run_service


def own_filings(user):
    """The filings of the user's own enterprise (an official's own enterprise has none)."""
    return applications_visible_to(user).filter(enterprise_id=member_enterprise_id(user))


def declared_label(name: str) -> str:
    """The label of a filing's field, as the declaration, the comments and the missing figures name it."""
    return str(Application._meta.get_field(name).verbose_name)


@enterprise_user_required
def filing_list(request):
    filings = list(own_filings(request.user).order_by("-evaluation_year"))
    today = timezone.localdate()
    campaign = filing_campaign(today)
    current_year = campaign.year
    current = next((f for f in filings if f.evaluation_year == current_year), None)
    return render(
        request,
        "certification/filing/list.html",
        {
            "filings": filings,
            "current_year": current_year,
            "current": current,
            "deadline": filing_deadline(campaign, today),
            "window_open": campaign.dates.filing_open_on(today),
            "can_start": current is None or current.state == FilingState.WITHDRAWN,
        },
    )


@require_POST
@enterprise_user_required
def filing_start(request):
    done, application = run_service(
        request,
        lambda: filing_items.filing_start(actor=request.user, evaluation_year=filing_year(timezone.localdate())),
    )
    if not done:
        return redirect("certification:filing_list")
    return redirect("certification:filing_step", pk=application.pk, step=STEPS[0])


@enterprise_user_required
def filing_detail(request, pk: int):
    return _detail_page(request, pk, WithdrawalForm())


def _detail_page(request, pk: int, form: WithdrawalForm):
    application = get_object_or_404(
        own_filings(request.user).prefetch_related(
            Prefetch("events", queryset=ApplicationEvent.objects.select_related("actor").order_by("created_at", "id")),
            "ip_items",
            "rd_projects",
            Prefetch("attachments", queryset=ApplicationAttachment.objects.order_by("uploaded_at", "id")),
        ),
        pk=pk,
    )
    events = list(application.events.all())
    comments = {}
    if application.state == FilingState.RETURNED:
        returned = [event for event in events if event.to_state == FilingState.RETURNED]
        comments = dict(returned[-1].field_comments or {}) if returned else {}
    path_labels = dict(DIRECT_PATH_CHOICES)
    rows = [
        {
            "name": name,
            "label": declared_label(name),
            "value": [str(path_labels.get(p, p)) for p in application.direct_paths or []]
            if name == "direct_paths"
            else declared_text(name, getattr(application, name)),
            "comment": comments.get(name),
        }
        for name in DECLARED_FIELDS
    ]
    state = application.state
    return render(
        request,
        "certification/filing/detail.html",
        {
            "application": application,
            "events": events,
            "rows": rows,
            "other_comments": [(name, text) for name, text in comments.items() if name not in DECLARED_FIELDS],
            "ip_items": list(application.ip_items.all()),
            "rd_projects": list(application.rd_projects.all()),
            "attachments": list(application.attachments.all()),
            "editable": state in EDITABLE,
            "can_withdraw": state in UNDECIDED,
            "withdraw_form": form,
            "can_resubmit": state == FilingState.RETURNED,
            "evaluation": (application.snapshot or {}).get("evaluation"),
        },
    )


@require_POST
@enterprise_user_required
def filing_withdraw(request, pk: int):
    """Withdrawn, or refused by the workflow: back to the filing. A comment refused: the filing's page
    again, with the comment as typed and its error."""
    application = get_object_or_404(own_filings(request.user), pk=pk)
    form = WithdrawalForm(request.POST)
    if form.is_valid():
        done, _withdrawn = run_service(
            request,
            lambda: application_withdraw(
                application_id=application.pk, actor=request.user, comment=form.cleaned_data["comment"]
            ),
            form=form,
            success=_("申报已撤回。"),
        )
        if done or not form.errors:
            return redirect("certification:filing_detail", pk=application.pk)
    return _detail_page(request, application.pk, form)


@login_required
def attachment_download(request, pk: int):
    """The file, for the enterprise's users and the officials who can see the filing; everyone else 404."""
    attachment = get_object_or_404(attachments_visible_to(request.user), pk=pk)
    return stored_file_download(attachment.file, attachment.original_name)
