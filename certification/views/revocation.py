"""The revocation procedure's pages: officials' list and actions, the enterprise's defence, the public
announcements."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certification.forms.revocation import DecisionForm, DefenceForm, NoticeForm, RevocationFilterForm
from certification.models import Application, DeadlineChange, Revocation
from certification.selectors.calendar import defence_deadline_for
from certification.selectors.campaign import deadline
from certification.selectors.revocation import announced_revocations, revocations_visible_to, search_revocations
from certification.services import revocation as revocation_services
from certification.services.revocation import revocation_notice
from enterprises.permissions import city_official_required, enterprise_user_required, official_required
from enterprises.roles import is_city_official
from enterprises.search import MIN_QUERY_LENGTH, is_too_short
from smeportal.pagination import paginate_without_count
from smeportal.throttling import public_search_allowed
from smeportal.uploads import stored_file_download
from smeportal.views import run_service

PER_PAGE = 30
DEADLINE_CHANGES = Prefetch("deadline_changes", queryset=DeadlineChange.objects.select_related("created_by"))


RevocationState = Revocation.State


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@official_required
def revocation_list(request):
    """The procedures in the official's scope (a district's own enterprises'; the city's all), read-only: the
    district workbench counts its open ones and links here."""
    form = RevocationFilterForm(request.GET or None)
    revocations = revocations_visible_to(request.user)
    if form.is_valid():
        revocations = search_revocations(revocations, form.cleaned_data["q"])
        state = form.cleaned_data["state"]
        if state == "open":
            revocations = revocations.filter(state__in=Revocation.OPEN_STATES)
        elif state:
            revocations = revocations.filter(state=state)
    page = paginate_without_count(revocations.order_by("-noticed_at", "-id"), request.GET.get("page"), PER_PAGE)
    return render(
        request,
        "certification/revocation/list.html",
        {"form": form, "page": page, "query": _query_without_page(request), "today": timezone.localdate()},
    )


@city_official_required
def revocation_start(request, pk: int):
    """Start the procedure for the registration of filing ``pk`` (the button on the review page)."""
    application = get_object_or_404(
        Application.objects.select_related("enterprise", "registration"), pk=pk, registration__isnull=False
    )
    registration = application.registration
    current = registration.revocations.filter(state__in=Revocation.OPEN_STATES).first()
    if current is not None:
        messages.info(request, _("该入库登记已有进行中的撤销程序。"))
        return redirect("certification:revocation_detail", pk=current.pk)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, revocation = run_service(
            request,
            lambda: revocation_notice(
                actor=request.user,
                registration_id=registration.pk,
                grounds=form.cleaned_data["grounds"],
                reason=form.cleaned_data["reason"],
            ),
            form=form,
            success=lambda revocation: _("已告知企业拟撤销入库登记，申辩截止日期{deadline}。").format(
                deadline=revocation.defence_deadline.isoformat()
            ),
        )
        if done:
            return redirect("certification:revocation_detail", pk=revocation.pk)
        if not form.errors:  # refused by the procedure's state: back to the filing
            return redirect("certification:review_detail", pk=application.pk)
    return render(
        request,
        "certification/revocation/start.html",
        {
            "application": application,
            "registration": registration,
            "form": form,
            "deadline": defence_deadline_for(timezone.localdate()),
        },
    )


def _defence_deadline(revocation, today):
    """The defence deadline with the working days left, while the enterprise may still defend."""
    return deadline(_("申辩截止"), revocation.defence_deadline, today) if revocation.defence_open_on(today) else None


@official_required
def revocation_detail(request, pk: int):
    revocation = get_object_or_404(
        revocations_visible_to(request.user)
        .select_related("registration__application", "decided_by", "defended_by")
        .prefetch_related(DEADLINE_CHANGES),
        pk=pk,
    )
    city = is_city_official(request.user)
    today = timezone.localdate()
    return render(
        request,
        "certification/revocation/detail.html",
        {
            "revocation": revocation,
            "registration": revocation.registration,
            "city": city,
            "today": today,
            "can_decide": city and revocation.decidable_on(today),
            "deadline": _defence_deadline(revocation, today),
            "decision_form": DecisionForm(),
        },
    )


@require_POST
@city_official_required
def revocation_decide(request, pk: int):
    revocation = get_object_or_404(Revocation, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择决定并填写认定意见。"))
        return redirect("certification:revocation_detail", pk=revocation.pk)
    run_service(
        request,
        lambda: revocation_services.revocation_decide(
            actor=request.user,
            revocation_id=revocation.pk,
            revoke=form.cleaned_data["revoke"],
            finding=form.cleaned_data["finding"],
        ),
        success=lambda decided: (
            _("已撤销该企业的入库登记并公告。")
            if decided.state == RevocationState.REVOKED
            else _("已决定不予撤销，入库登记继续有效。")
        ),
    )
    return redirect("certification:revocation_detail", pk=revocation.pk)


@enterprise_user_required
def revocation_defend(request, pk: int):
    """The notice with its deadline and the defence form (own enterprise only)."""
    revocation = get_object_or_404(
        revocations_visible_to(request.user)
        .select_related("registration__application")
        .prefetch_related(DEADLINE_CHANGES),
        pk=pk,
    )
    today = timezone.localdate()
    form = DefenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            request,
            lambda: revocation_services.revocation_defend(
                actor=request.user,
                revocation_id=revocation.pk,
                text=form.cleaned_data["text"],
                attachment=form.cleaned_data.get("attachment"),
            ),
            form=form,
            success=_("您的书面申辩已提交。"),
        )
        if done or not form.errors:
            return redirect("certification:revocation_defend", pk=revocation.pk)
    return render(
        request,
        "certification/revocation/defend.html",
        {
            "revocation": revocation,
            "registration": revocation.registration,
            "form": form,
            "can_defend": revocation.defence_open_on(today),
            "deadline": _defence_deadline(revocation, today),
            "today": today,
        },
    )


@login_required
def revocation_attachment(request, pk: int):
    """The defence's attachment, for the users who can see the procedure; everyone else 404."""
    revocation = get_object_or_404(revocations_visible_to(request.user).exclude(defence_attachment=""), pk=pk)
    return stored_file_download(revocation.defence_attachment, revocation.defence_attachment_name)


def revocations_public(request):
    """The announcements (撤销公告) of revoked registrations, newest first."""
    q = (request.GET.get("q") or "").strip()[:100]
    too_short = is_too_short(q)
    throttled = bool(q) and not too_short and not public_search_allowed(request)
    revocations = announced_revocations().none() if throttled else search_revocations(announced_revocations(), q)
    page = paginate_without_count(revocations, request.GET.get("page"), PER_PAGE)
    context = {
        "page": page,
        "q": q,
        "query": _query_without_page(request),
        "city": is_city_official(request.user),
        "too_short": too_short,
        "throttled": throttled,
        "min_length": MIN_QUERY_LENGTH,
    }
    return render(request, "certification/revocation/public.html", context, status=429 if throttled else 200)
