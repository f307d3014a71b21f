"""Public pages: the notice list (公示名单), real-name objections and the registration lookup (入库查询)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.forms.public import ObjectionForm
from certification.models import Application, NoticeBatch, Registration
from certification.rules.registration import as_registration_number
from certification.services.notice import objection_file
from certification.states import FilingState
from enterprises.creditcode import normalize_credit_code
from smeportal.pagination import paginate_without_count
from smeportal.views import run_service

RECENTLY_CLOSED_DAYS = 30  # closed batches stay on the notice page this long


MAX_BATCHES = 20


MIN_QUERY_LENGTH = 2


CREDIT_CODE_LENGTH = 18


LOOKUP_PER_PAGE = 20


def notices(request):
    today = timezone.localdate()
    batches = (
        NoticeBatch.objects.filter(
            published=True, start_date__lte=today, end_date__gte=today - dt.timedelta(days=RECENTLY_CLOSED_DAYS)
        )
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.select_related("enterprise__managing_district").order_by(
                    "enterprise__managing_district__sort_order", "enterprise__name", "id"
                ),
            )
        )
        .order_by("-start_date", "-id")[:MAX_BATCHES]
    )
    return render(request, "certification/public/notices.html", {"batches": batches, "today": today})


@login_required
def objection_create(request, pk: int):
    """A real-name objection to one filing under notice; anonymous visitors are sent to log in."""
    application = get_object_or_404(
        Application.objects.select_related("enterprise", "notice_batch"),
        pk=pk,
        state=FilingState.UNDER_NOTICE,
        notice_batch__published=True,
    )
    if not application.notice_batch.is_open_on(timezone.localdate()):
        messages.error(request, _("不在公示期内，不能提出异议。"))
        return redirect("certification:notices")
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        done, _objection = run_service(
            request,
            lambda: objection_file(
                actor=request.user,
                application_id=application.pk,
                real_name=form.cleaned_data["real_name"],
                contact=form.cleaned_data["contact"],
                statement=form.cleaned_data["statement"],
                evidence=form.cleaned_data.get("evidence"),
            ),
            form=form,
            success=_("您的异议已提交，我们将依法核实处理。"),
        )
        if done or not form.errors:
            return redirect("certification:notices")
    return render(request, "certification/public/objection_form.html", {"form": form, "application": application})


def lookup(request):
    """Registered enterprises by name, credit code or registration number; nothing is listed without a query
    of 2+ characters."""
    raw = (request.GET.get("q") or "").strip()
    today = timezone.localdate()
    page = None
    too_short = False
    if raw:
        code = normalize_credit_code(raw)
        if len(code) < MIN_QUERY_LENGTH:
            too_short = True
        else:
            condition = Q(enterprise__name__icontains=raw)
            if len(code) == CREDIT_CODE_LENGTH:
                condition |= Q(enterprise__credit_code=code)
            if number := as_registration_number(raw):
                condition |= Q(number=number)
            registrations = (
                Registration.objects.filter(condition)
                .select_related("enterprise__managing_district")
                .order_by("-evaluation_year", "number")
            )
            page = paginate_without_count(registrations, request.GET.get("page"), LOOKUP_PER_PAGE)
            for registration in page.object_list:
                registration.standing = registration.standing_on(today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certification/public/lookup.html",
        {
            "q": raw,
            "page": page,
            "too_short": too_short,
            "query": query.urlencode(),
            "min_length": MIN_QUERY_LENGTH,
        },
    )
