"""Spot-check pages (抽查): the year's list for city and district officials (with the city's draw and the
.xlsx export), one check with its result form, and its evidence file."""

from __future__ import annotations

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certification.forms.spot_check import DrawForm, ResultForm, SpotCheckFilterForm
from certification.selectors.campaign import campaign_for, deadline
from certification.selectors.spot_check import (
    DEFAULT_SORT,
    draw_of,
    filings_awaiting_registration,
    filter_spot_checks,
    progress_by_district,
    sorted_spot_checks,
    spot_checks_visible_to,
)
from certification.services.spot_check import spot_check_draw, spot_check_record
from enterprises.permissions import city_official_required, official_required
from enterprises.roles import is_city_official
from smeportal.listing import xlsx_download
from smeportal.pagination import paginate_without_count
from smeportal.text import join_clauses
from smeportal.uploads import stored_file_download
from smeportal.views import run_service

PER_PAGE = 50


def _selection(request, query: QueryDict | None = None):
    """The filter form and the checks it selects (the year's, in the user's scope), with year and sort;
    ``query`` stands for the request's query string (a refused draw shows the page of the draw's year)."""
    city = is_city_official(request.user)
    query = request.GET if query is None else query
    form = SpotCheckFilterForm(query or None, city=city)
    values = form.cleaned_data if form.is_valid() else {}
    year = values.get("year") or timezone.localdate().year
    district = values.get("district")
    checks = filter_spot_checks(
        spot_checks_visible_to(request.user),
        year=year,
        district_id=district.pk if district else None,
        state=values.get("state") or "",
    )
    return form, checks, year, values.get("sort") or DEFAULT_SORT


def _list_page(request, query: QueryDict, draw_form: DrawForm | None = None):
    """The year's list; for the city, the draw (or its form). ``draw_form`` is the draw the official sent
    and was refused, shown again as typed with its errors."""
    form, checks, year, sort = _selection(request, query)
    city = is_city_official(request.user)
    campaign = campaign_for(year)
    today = timezone.localdate()
    page_query = query.copy()
    page_query.pop("page", None)
    context = {
        "form": form,
        "year": year,
        "city": city,
        "total": checks.count(),
        "page": paginate_without_count(sorted_spot_checks(checks, sort), query.get("page"), PER_PAGE),
        "query": page_query.urlencode(),
        "deadline": deadline(_("抽查完成期限"), campaign.spot_checks_due, today),
        "today": today,
    }
    if city:
        draw = draw_of(year)
        if draw is not None:  # drawn: the record, not the form
            draw_form = None
        elif draw_form is None:
            draw_form = DrawForm(initial={"year": year, "share": campaign.spot_check_share})
        context.update(
            draw=draw,
            draw_form=draw_form,
            awaiting=filings_awaiting_registration(campaign, today) if draw is None else 0,
            registering=today <= campaign.notices_end_by,
            notices_end_by=campaign.notices_end_by,
            progress=progress_by_district(filter_spot_checks(spot_checks_visible_to(request.user), year=year))
            if draw
            else [],
        )
    return render(request, "certification/spot_check/list.html", context)


@official_required
def spot_check_list(request):
    return _list_page(request, request.GET)


@require_POST
@city_official_required
def spot_check_draw_view(request):
    """Done: the year's page with the draw. Refused (bad input, or a rule such as one draw a year): the
    page of that year again, with the form as the official typed it and its errors under the fields."""
    form = DrawForm(request.POST)
    if form.is_valid():
        done, draw = run_service(
            request,
            lambda: spot_check_draw(
                actor=request.user,
                year=form.cleaned_data["year"],
                share=form.cleaned_data["share"],
                seed=form.cleaned_data["seed"],
            ),
            form=form,
            success=lambda draw: _("已抽取{year}年度抽查企业{drawn}家（随机种子{seed}），已通知各区县。").format(
                year=draw.year, drawn=draw.drawn, seed=draw.seed
            ),
        )
        if done:
            return redirect(reverse("certification:spot_checks") + f"?year={draw.year}")
    if form.errors:
        messages.error(request, join_clauses(message for errors in form.errors.values() for message in errors))
    query = QueryDict(mutable=True)
    if year := form.cleaned_data.get("year"):
        query["year"] = str(year)
    return _list_page(request, query, draw_form=form)


@require_GET
@official_required
def spot_check_export(request):
    """The selected checks as .xlsx, written row by row (the same filters as the page)."""
    _form, checks, year, sort = _selection(request)
    checks = sorted_spot_checks(checks, sort)
    headers = [
        _("入库登记编号"), _("企业名称"), _("统一社会信用代码"), _("负责区县/功能区"), _("状态"),
        _("未通过的事由"), _("核查意见"), _("核查时间"), _("核查人"),
    ]  # fmt: skip

    def rows():
        for check in checks.iterator(chunk_size=2000):
            yield [
                check.registration.number,
                check.registration.enterprise.name,
                check.registration.enterprise.credit_code,
                check.district.name,
                check.get_state_display(),
                check.get_failure_grounds_display(),
                check.result_note,
                timezone.localtime(check.checked_at).strftime("%Y-%m-%d %H:%M") if check.checked_at else "",
                check.checked_by.get_username() if check.checked_by else "",
            ]

    return xlsx_download(
        request, "spot_checks", f"spot-checks-{year}.xlsx", _("{year}年度抽查").format(year=year), headers, rows()
    )


@official_required
def spot_check_detail(request, pk: int):
    """One check; its district's officials and the city record the result with the evidence."""
    check = get_object_or_404(spot_checks_visible_to(request.user), pk=pk)
    form = ResultForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and check.is_open and form.is_valid():
        done, _result = run_service(
            request,
            lambda: spot_check_record(
                actor=request.user,
                check_id=check.pk,
                passed=form.cleaned_data["passed"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
                failure_grounds=form.cleaned_data["failure_grounds"],
            ),
            form=form,
            success=lambda recorded: (
                _("已登记核查通过。")
                if recorded.revocation_id is None
                else _("已登记核查未通过，并已启动撤销程序、告知企业。")
            ),
        )
        if done or not form.errors:
            return redirect("certification:spot_check_detail", pk=check.pk)
    campaign = campaign_for(check.draw.year)
    return render(
        request,
        "certification/spot_check/detail.html",
        {
            "check": check,
            "registration": check.registration,
            "form": form,
            "deadline": deadline(_("抽查完成期限"), campaign.spot_checks_due, timezone.localdate()),
            "city": is_city_official(request.user),
        },
    )


@official_required
def spot_check_evidence(request, pk: int):
    """The result's evidence file, for the officials who can see the check; everyone else 404."""
    check = get_object_or_404(spot_checks_visible_to(request.user).exclude(evidence=""), pk=pk)
    return stored_file_download(check.evidence, check.evidence_name)
