"""Public pages: the notice list (公示名单), real-name objections and the registration lookup (入库查询)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.forms.public import ObjectionForm
from certification.models import Application, NoticeBatch
from certification.selectors.notice import notice_preview, public_notice_filing_ids, public_notice_rows, publicly_listed
from certification.selectors.registration import registrations_found
from certification.services.notice import objection_file
from certification.states import FilingState
from enterprises.search import MIN_QUERY_LENGTH, is_too_short
from smeportal.pagination import paginate_without_count
from smeportal.throttling import public_search_allowed
from smeportal.views import run_service

RECENTLY_CLOSED_DAYS = 30  # closed batches stay on the notice page this long


MAX_BATCHES = 20
NOTICE_PREVIEW = 20  # filings of each batch on the notice page; the batch's own page lists them all
NOTICE_PER_PAGE = 50

LOOKUP_PER_PAGE = 20
LOOKUP_MAX_PAGES = 5  # a lookup, not a way to list every registered enterprise


def _public_batches():
    """The published batches running or closed in the last days, each with its number of filings."""
    today = timezone.localdate()
    return NoticeBatch.objects.filter(
        published=True, start_date__lte=today, end_date__gte=today - dt.timedelta(days=RECENTLY_CLOSED_DAYS)
    ).annotate(filing_count=Count("applications", filter=publicly_listed("applications__")))


def notices(request):
    batches = list(_public_batches().order_by("-start_date", "-id")[:MAX_BATCHES])
    previews = defaultdict(list)
    for application in notice_preview([batch.pk for batch in batches], NOTICE_PREVIEW):
        previews[application.notice_batch_id].append(application)
    for batch in batches:
        batch.preview = previews[batch.pk]
    return render(request, "certification/public/notices.html", {"batches": batches, "today": timezone.localdate()})


def notice_batch(request, pk: int):
    """One public batch's filings, paginated, with their total (three queries)."""
    batch = get_object_or_404(_public_batches(), pk=pk)
    page = paginate_without_count(public_notice_filing_ids(batch.pk), request.GET.get("page"), NOTICE_PER_PAGE)
    context = {
        "batch": batch,
        "page": page,
        "filings": public_notice_rows(page.object_list),
        "total": batch.filing_count,
        "today": timezone.localdate(),
        "query": "",
    }
    return render(request, "certification/public/notice_batch.html", context)


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
    of ``MIN_QUERY_LENGTH`` characters, at most ``LOOKUP_MAX_PAGES`` pages, and each client's searches are
    throttled (429)."""
    raw = (request.GET.get("q") or "").strip()
    today = timezone.localdate()
    page = None
    too_short = is_too_short(raw)
    throttled = bool(raw) and not too_short and not public_search_allowed(request)
    if raw and not too_short and not throttled:
        number = request.GET.get("page") or ""
        try:  # "²" is a digit to str.isdigit() but no number to int(): parse, do not guess
            past_the_last = int(number) > LOOKUP_MAX_PAGES
        except ValueError:
            past_the_last = False  # not a page number: paginate_without_count answers 404
        if past_the_last:
            raise Http404("past the last page of the lookup")
        page = paginate_without_count(registrations_found(raw), number, LOOKUP_PER_PAGE)
        page.capped = page.has_next and page.number == LOOKUP_MAX_PAGES
        page.has_next = page.has_next and not page.capped
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
            "throttled": throttled,
            "query": query.urlencode(),
            "min_length": MIN_QUERY_LENGTH,
            "max_results": LOOKUP_PER_PAGE * LOOKUP_MAX_PAGES,
        },
        status=429 if throttled else 200,
    )
