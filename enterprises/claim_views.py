"""Claims and members: the claimant's own status page, the enterprise administrator's members page and
the officials' queue of claims to verify (:mod:`enterprises.services.claims` decides)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smeportal.uploads import stored_file_download
from smeportal.views import run_service

from .forms import AuthorisationLetterForm, ClaimDecisionForm
from .models import EnterpriseMembership
from .permissions import official_required, role_required
from .roles import enterprise_membership, is_enterprise_admin, member_enterprise_id
from .scoping import enterprise_scope
from .selectors import claims_to_decide, members_of
from .services.claims import (
    OFFICIAL,
    claim_approve,
    claim_letter_upload,
    claim_reject,
    decider_role,
    member_remove,
)


def _administers(user) -> bool:
    enterprise_id = member_enterprise_id(user)
    return enterprise_id is not None and is_enterprise_admin(user, enterprise_id)


administrator_required = role_required(_administers)


@login_required
def claim_status(request):
    """The claimant's own claim: its status and the authorisation letter; nothing of the enterprise's data."""
    membership = enterprise_membership(request.user)
    if membership is None:
        raise Http404
    form = AuthorisationLetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done, _claim = run_service(
            request,
            lambda: claim_letter_upload(actor=request.user, upload=form.cleaned_data["letter"]),
            form=form,
            success=_("已上传授权委托书，请等待验证。"),
        )
        if done or not form.errors:
            return redirect("claim_status")
    return render(request, "enterprises/claim_status.html", {"membership": membership, "form": form})


@administrator_required
def members(request):
    """The enterprise administrator's page: the accounts of the enterprise and the claims to decide."""
    enterprise_id = member_enterprise_id(request.user)
    return render(
        request,
        "enterprises/members.html",
        {
            "members": members_of(enterprise_id),
            "claims": claims_to_decide(request.user),
            "decision_form": ClaimDecisionForm(),
        },
    )


@official_required
def claims(request):
    """Officials' queue: claims to the enterprises of their scope, oldest first, with their letters."""
    return render(
        request,
        "enterprises/claims.html",
        {"claims": claims_to_decide(request.user), "decision_form": ClaimDecisionForm()},
    )


def _back(request):
    return redirect("enterprises:claims" if enterprise_scope(request.user).is_official else "enterprises:members")


def _decide(request, pk: int, service, success: str):
    form = ClaimDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run_service(request, lambda: service(actor=request.user, membership_id=pk, note=note), success=success)
    return _back(request)


@require_POST
@login_required
def claim_approve_view(request, pk: int):
    return _decide(request, pk, claim_approve, _("已通过验证。"))


@require_POST
@login_required
def claim_reject_view(request, pk: int):
    return _decide(request, pk, claim_reject, _("已拒绝该申请。"))


@require_POST
@login_required
def member_remove_view(request, pk: int):
    return _decide(request, pk, member_remove, _("已移除该账号。"))


@login_required
def claim_letter(request, pk: int):
    """A claim's authorisation letter, for the claimant and the officials who verify it; everyone else 404."""
    membership = get_object_or_404(
        EnterpriseMembership.objects.select_related("enterprise").exclude(authorisation_letter=""), pk=pk
    )
    own = membership.user_id == request.user.pk
    if not own and decider_role(request.user, membership) != OFFICIAL:
        raise Http404
    return stored_file_download(membership.authorisation_letter, membership.authorisation_letter_name)
