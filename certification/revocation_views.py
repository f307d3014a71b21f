"""Pages of the revocation procedure (撤销): officials start it and decide, the enterprise defends, the
public sees the announcements.

Who may open what (the URL matrix in tests/test_url_matrix.py holds the same table):
- City officials: the list, starting a procedure from a registered filing, the detail with the decide form.
- District officials: the detail of their district's procedures, read-only (they are the evaluating
  agency and answer questions about it); other districts' procedures answer 404.
- Enterprise users: their own enterprise's procedures on the defence page (notice, deadline, defence
  form, finding); other enterprises' answer 404.
- Everyone, anonymous included: the announcements of revocations.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from enterprises.permissions import enterprise_user_required, official_required, role_required
from enterprises.roles import is_city_official
from smeportal.pagination import paginate_without_count
from smeportal.uploads import UploadValidator

from . import revocation_services
from .models import Application, Registration, Revocation
from .revocation_selectors import announced_revocations, revocations_visible_to, search_revocations
from .services import TransitionError

city_official_required = role_required(is_city_official)
PER_PAGE = 30
RevocationState = Revocation.State


# --- Forms --------------------------------------------------------------------------------------


class RevocationFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("企业名称、信用代码或登记编号"), required=False, max_length=100)
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部")), ("open", _("进行中")), *RevocationState.choices]


class NoticeForm(forms.Form):
    grounds = forms.ChoiceField(label=gettext_lazy("撤销事由"), choices=Registration.Grounds.choices)
    reason = forms.CharField(
        label=gettext_lazy("告知的事实和理由"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("将通知企业，并告知其申辩期限。"),
    )


class DefenceForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("书面申辩"), widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(
        label=gettext_lazy("证明材料"),
        required=False,
        validators=[UploadValidator()],
        help_text=gettext_lazy("PDF、JPG或PNG，不超过10 MB。"),
    )


class DecisionForm(forms.Form):
    revoke = forms.TypedChoiceField(
        label=gettext_lazy("决定"),
        choices=[("1", gettext_lazy("撤销入库登记并公告")), ("0", gettext_lazy("不予撤销"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    finding = forms.CharField(label=gettext_lazy("认定意见"), widget=forms.Textarea(attrs={"rows": 4}))


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- City officials -----------------------------------------------------------------------------


@city_official_required
def revocation_list(request):
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
        try:
            revocation = revocation_services.revocation_notice(
                actor=request.user,
                registration_id=registration.pk,
                grounds=form.cleaned_data["grounds"],
                reason=form.cleaned_data["reason"],
            )
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect("certification:review_detail", pk=application.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("已告知企业拟撤销入库登记，申辩截止日期{deadline}。").format(
                    deadline=revocation.defence_deadline.isoformat()
                ),
            )
            return redirect("certification:revocation_detail", pk=revocation.pk)
    return render(
        request,
        "certification/revocation/start.html",
        {
            "application": application,
            "registration": registration,
            "form": form,
            "deadline": revocation_services.defence_deadline_for(timezone.localdate()),
        },
    )


@official_required
def revocation_detail(request, pk: int):
    revocation = get_object_or_404(
        revocations_visible_to(request.user).select_related("registration__application", "decided_by", "defended_by"),
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
    try:
        revocation = revocation_services.revocation_decide(
            actor=request.user,
            revocation_id=revocation.pk,
            revoke=form.cleaned_data["revoke"],
            finding=form.cleaned_data["finding"],
        )
    except TransitionError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        if revocation.state == RevocationState.REVOKED:
            messages.success(request, _("已撤销该企业的入库登记并公告。"))
        else:
            messages.success(request, _("已决定不予撤销，入库登记继续有效。"))
    return redirect("certification:revocation_detail", pk=revocation.pk)


# --- Enterprise users ---------------------------------------------------------------------------


@enterprise_user_required
def revocation_defend(request, pk: int):
    """The notice with its deadline and the defence form (own enterprise only)."""
    revocation = get_object_or_404(
        revocations_visible_to(request.user).select_related("registration__application"), pk=pk
    )
    today = timezone.localdate()
    form = DefenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            revocation_services.revocation_defend(
                actor=request.user,
                revocation_id=revocation.pk,
                text=form.cleaned_data["text"],
                attachment=form.cleaned_data.get("attachment"),
            )
        except TransitionError as error:
            messages.error(request, error.message)
            return redirect("certification:revocation_defend", pk=revocation.pk)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("您的书面申辩已提交。"))
            return redirect("certification:revocation_defend", pk=revocation.pk)
    return render(
        request,
        "certification/revocation/defend.html",
        {
            "revocation": revocation,
            "registration": revocation.registration,
            "form": form,
            "can_defend": revocation.defence_open_on(today),
            "today": today,
        },
    )


@login_required
def revocation_attachment(request, pk: int):
    """The defence's attachment, for the users who can see the procedure; everyone else 404."""
    revocation = get_object_or_404(revocations_visible_to(request.user).exclude(defence_attachment=""), pk=pk)
    try:
        handle = revocation.defence_attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=revocation.defence_attachment_name or revocation.defence_attachment.name
    )


# --- Public -------------------------------------------------------------------------------------


def revocations_public(request):
    """The announcements (撤销公告) of revoked registrations, newest first."""
    q = (request.GET.get("q") or "").strip()[:100]
    page = paginate_without_count(search_revocations(announced_revocations(), q), request.GET.get("page"), PER_PAGE)
    return render(
        request,
        "certification/revocation/public.html",
        {"page": page, "q": q, "query": _query_without_page(request), "city": is_city_official(request.user)},
    )
