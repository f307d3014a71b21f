"""Claims and members: the claimant's own status page (and the claim of a signed-in account without one), the
enterprise administrator's members page, the officials' queue of claims to verify and their actions on an
enterprise's accounts (:mod:`enterprises.services.claims` decides)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smeportal.uploads import stored_file_download
from smeportal.views import run_service

from .account_forms import EnterpriseClaimForm
from .forms import AuthorisationLetterForm, ClaimDecisionForm
from .models import EnterpriseMembership
from .permissions import official_required, role_required
from .roles import enterprise_membership, is_enterprise_admin, member_enterprise_id
from .scoping import enterprise_scope
from .selectors import claims_to_decide, members_of
from .services.accounts import enterprise_claim, may_claim
from .services.claims import (
    OFFICIAL,
    claim_approve,
    claim_letter_upload,
    claim_reject,
    decider_role,
    member_appoint_admin,
    member_remove,
)


def _administers(user) -> bool:
    enterprise_id = member_enterprise_id(user)
    return enterprise_id is not None and is_enterprise_admin(user, enterprise_id)


administrator_required = role_required(_administers)


@login_required
def claim_status(request):
    """The claimant's own claim: its status and the authorisation letter; nothing of the enterprise's data.
    An account without any role (one the identity provider created) makes its claim here."""
    membership = enterprise_membership(request.user)
    if membership is None:
        return _claim(request)
    form = AuthorisationLetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            request,
            lambda: claim_letter_upload(actor=request.user, upload=form.cleaned_data["letter"]),
            form=form,
            success=_("已上传授权委托书，请等待验证。"),
        )
        if done or not form.errors:
            return redirect("claim_status")
    return render(request, "enterprises/claim_status.html", {"membership": membership, "form": form})


def _claim_message(claimed) -> str:
    if claimed.enterprise_created:
        return _("已提交认领。登记数据中暂无贵企业，请上传加盖公章的授权委托书，由所属区县确认企业并验证账号。")
    return _("已提交认领。验证通过前不显示企业信息：请上传加盖公章的授权委托书，等待企业管理员或所属区县验证。")


def _claim(request):
    """The claim of a signed-in account without a role: the enterprise and contact registration asks for, made by
    the same service; then the status page asks for the authorisation letter. Officials, departments' users and
    staff claim nothing (404)."""
    if not may_claim(request.user):
        raise Http404
    form = EnterpriseClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done, _result = run_service(
            request,
            lambda: enterprise_claim(user=request.user, **form.claim_arguments()),
            success=_claim_message,
        )
        if done:
            return redirect("claim_status")
    return render(request, "enterprises/claim_form.html", {"form": form})


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


def _back_to_accounts(request, pk: int):
    """Officials act on an enterprise's accounts from its page; the administrator from the members page."""
    if enterprise_scope(request.user).is_official:
        enterprise_id = EnterpriseMembership.objects.filter(pk=pk).values_list("enterprise_id", flat=True).first()
        if enterprise_id is not None:
            return redirect("enterprises:detail", pk=enterprise_id)
    return _back(request)


def _decide(request, pk: int, service, success: str) -> None:
    form = ClaimDecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    run_service(request, lambda: service(actor=request.user, membership_id=pk, note=note), success=success)


@require_POST
@login_required
def claim_approve_view(request, pk: int):
    _decide(request, pk, claim_approve, _("已通过验证。"))
    return _back(request)


@require_POST
@login_required
def claim_reject_view(request, pk: int):
    _decide(request, pk, claim_reject, _("已拒绝该申请。"))
    return _back(request)


@require_POST
@login_required
def member_remove_view(request, pk: int):
    _decide(request, pk, member_remove, _("已移除该账号。"))
    return _back_to_accounts(request, pk)


@require_POST
@login_required
def member_appoint_admin_view(request, pk: int):
    """The managing district (or the city) makes a verified account the enterprise's administrator; others 404."""
    run_service(
        request,
        lambda: member_appoint_admin(actor=request.user, membership_id=pk),
        success=_("已任命该账号为企业管理员。"),
    )
    return _back_to_accounts(request, pk)


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
