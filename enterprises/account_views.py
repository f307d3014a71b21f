"""Account pages of the portal: enterprise self-registration (login, logout and password reset are Django's,
the password changes recorded in the security log, the reset mails throttled)."""

import hashlib
import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from enterprises.services.accounts import RegistrationError, enterprise_user_register
from smeportal.models import SecurityEvent
from smeportal.security import record_security_event
from smeportal.throttling import PageThrottle

from .account_forms import EnterpriseRegistrationForm


@sensitive_post_parameters("password1", "password2")
def register(request):
    """Anyone may register an enterprise account; a signed-in user is sent home instead."""
    if request.user.is_authenticated:
        messages.info(request, _("您已登录，无需再注册。"))
        return redirect("home")
    form = EnterpriseRegistrationForm(request.POST or None)
    if request.method == "POST" and not PageThrottle("register", settings.REGISTRATION_THROTTLE_RATE).allow_request(
        request, None
    ):
        form.add_error(None, _("注册过于频繁，请稍后再试。"))
        return render(request, "registration/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = enterprise_user_register(
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                credit_code=data["credit_code"],
                company_name=data["company_name"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                managing_district_id=data["managing_district"].pk if data.get("managing_district") else None,
                established_on=data.get("established_on"),
            )
        except RegistrationError as error:
            form.add_error(None, str(error))
        else:
            # Two authentication backends are configured (axes first), so name the one that logs in.
            login(request, result.user, backend="enterprises.backends.PortalModelBackend")
            if result.enterprise_created:
                messages.success(
                    request,
                    _("注册成功。登记数据中暂无贵企业，请上传加盖公章的授权委托书，由所属区县确认企业并验证账号。"),
                )
            else:
                messages.success(
                    request,
                    _("注册成功。验证通过前不显示企业信息：请上传加盖公章的授权委托书，等待企业管理员或所属区县验证。"),
                )
            return redirect("claim_status")
    return render(request, "registration/register.html", {"form": form})


class PasswordChange(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        record_security_event(SecurityEvent.Kind.PASSWORD_CHANGED, request=self.request, user=form.user)
        return response


class RecipientThrottle(PageThrottle):
    """The page throttle counted per e-mail address written to (whoever asks) instead of per client. The
    cache key holds a digest of the address as Django's reset form compares addresses (NFKC, case-folded)."""

    def __init__(self, scope: str, rate: str, email: str):
        super().__init__(scope, rate)
        self.recipient = hashlib.sha256(unicodedata.normalize("NFKC", email).casefold().encode()).hexdigest()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.recipient}


def reset_mail_allowed(request, email: str) -> bool:
    """One more reset mail for this client and to this address (``PASSWORD_RESET_THROTTLE_RATE`` each)?"""
    rate = settings.PASSWORD_RESET_THROTTLE_RATE
    return PageThrottle("password-reset", rate).allow_request(request, None) and RecipientThrottle(
        "password-reset-to", rate, email
    ).allow_request(request, None)


class PasswordReset(auth_views.PasswordResetView):
    """Django's reset form, its mails limited per client address and per address written to. Beyond either
    limit nothing is sent and the answer is the same "mail sent if the address has an account" page, so the
    limit, like the form, tells nothing about which addresses have an account."""

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        allowed = reset_mail_allowed(self.request, email)
        # Every request is logged, the refused ones too: a flood of them is what the log should show.
        accounts = list(form.get_users(email))
        record_security_event(
            SecurityEvent.Kind.PASSWORD_RESET_REQUESTED,
            request=self.request,
            user=accounts[0] if len(accounts) == 1 else None,
            target=email,
            details={"accounts": len(accounts), "throttled": not allowed},
        )
        if not allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        record_security_event(SecurityEvent.Kind.PASSWORD_RESET, request=self.request, user=form.user)
        return response
