"""Account pages of the portal: enterprise self-registration (login, logout and password reset are Django's)."""

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from .account_forms import EnterpriseRegistrationForm
from .services import RegistrationError, enterprise_user_register


@sensitive_post_parameters("password1", "password2")
def register(request):
    """Anyone may register an enterprise account; a signed-in user is sent home instead."""
    if request.user.is_authenticated:
        messages.info(request, _("您已登录，无需再注册。"))
        return redirect("home")
    form = EnterpriseRegistrationForm(request.POST or None)
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
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            if result.enterprise_created:
                messages.success(
                    request,
                    _("注册成功。登记数据中暂无贵企业，已提交所属区县确认，确认前部分功能暂不可用。"),
                )
            else:
                messages.success(request, _("注册成功，账号已关联企业“%(name)s”。") % {"name": result.enterprise.name})
            if result.other_members:
                messages.info(
                    request,
                    _("该企业已有 %(count)d 个账号，如非本企业同事注册，请联系所属区县。")
                    % {"count": result.other_members},
                )
            return redirect("enterprises:profile")
    return render(request, "registration/register.html", {"form": form})
