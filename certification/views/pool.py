"""The cultivation pool (培育库) for district and city officials: the list closest first, membership and
quick estimates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certification import rules
from certification.forms.pool import PoolEstimateForm, PoolFilterForm
from certification.rules import closeness, industry
from certification.selectors.pool import POOL_SORTING, pool_addable, pool_candidates
from certification.services.pool import pool_add, pool_estimate_save, pool_remove
from enterprises.permissions import official_required
from enterprises.roles import is_city_official
from enterprises.selectors import enterprises_visible_to
from smeportal.listing import list_query, list_total, sort_headers, xlsx_download
from smeportal.pagination import paginate_without_count
from smeportal.views import run_service

PER_PAGE = 30


def _declaration_of(enterprise) -> rules.Declaration | None:
    if enterprise.pool_source == closeness.SOURCE_FILING:
        return closeness.declaration_from_snapshot(enterprise.pool_filing_declaration)
    if enterprise.pool_source == closeness.SOURCE_ESTIMATE:
        return enterprise.pool_estimate.declaration()
    return None


def _rows(enterprises):
    """The page's rows with their gap analysis (the engine runs on this page's rows only)."""
    return [
        {
            "enterprise": enterprise,
            "restricted": industry.is_restricted_industry(enterprise.industry_section, enterprise.industry_code),
            "gap": closeness.closeness(_declaration_of(enterprise), gettext=gettext).gap,
        }
        for enterprise in enterprises
    ]


def _columns():
    return [
        (_("企业名称"), "name", ""),
        (_("管理区县/功能区"), "district", "d-none d-md-table-cell"),
        (_("行业"), None, "d-none d-md-table-cell"),
        (_("数据来源"), None, "d-none d-md-table-cell"),
        (_("得分"), "score", "text-end"),
        (_("评价结果"), "closeness", ""),
        (_("差距分析"), None, "d-none d-lg-table-cell"),
    ]


def _selection(request):
    city = is_city_official(request.user)
    form = PoolFilterForm(request.GET or None, city=city)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, pool_candidates(request.user, filters, request.GET.get("sort")), city


@official_required
def pool_list(request):
    form, candidates, city = _selection(request)
    page = paginate_without_count(candidates, request.GET.get("page"), PER_PAGE)
    add_query = request.GET.get("add_q", "").strip()
    context = {
        "form": form,
        "page": page,
        "rows": _rows(page.object_list),
        **list_total(candidates),
        "headers": sort_headers(request, POOL_SORTING, _columns()),
        "query": list_query(request),
        "add_query": add_query,
        "addable": pool_addable(request.user, add_query),
        "city": city,
    }
    return render(request, "certification/pool/list.html", context)


@require_GET
@official_required
def pool_export(request):
    """The pool as the page selects and orders it, as .xlsx (with each candidate's gap analysis)."""
    _form, candidates, _city = _selection(request)
    headers = [label for label, _key, _css in _columns()]
    sources = {closeness.SOURCE_FILING: _("申报数据"), closeness.SOURCE_ESTIMATE: _("估算数据")}

    def result(enterprise) -> str:
        if enterprise.pool_eligible:
            return _("符合条件")
        return _("暂无数据") if enterprise.pool_source == closeness.SOURCE_NONE else _("暂不符合")

    def rows():
        for enterprise in candidates.iterator(chunk_size=2000):
            row = _rows([enterprise])[0]
            yield [
                enterprise.name,
                enterprise.managing_district.name,
                f"{enterprise.industry_code} {enterprise.industry_name}".strip()
                + (f" （{_('限制类行业')}）" if row["restricted"] else ""),
                sources.get(enterprise.pool_source, _("暂无数据")),
                enterprise.pool_score,
                result(enterprise),
                "；".join(str(item.message) for item in row["gap"] or ()),
            ]

    return xlsx_download(request, "pool", f"pool-{timezone.localdate():%Y%m%d}.xlsx", _("培育库"), headers, rows())


def _back_to_pool(request):
    return redirect(request.POST.get("back") if _is_pool_url(request.POST.get("back")) else "certification:pool")


def _is_pool_url(url) -> bool:
    """Only a path of the pool page itself (with its filters) is followed back after a POST."""
    return isinstance(url, str) and url.startswith(reverse("certification:pool")) and "//" not in url


@require_POST
@official_required
def pool_add_view(request, pk: int):
    try:
        enterprise = pool_add(actor=request.user, enterprise_id=pk)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, _("已将“%(name)s”加入培育库。") % {"name": enterprise.name})
    return _back_to_pool(request)


@require_POST
@official_required
def pool_remove_view(request, pk: int):
    enterprise = pool_remove(actor=request.user, enterprise_id=pk)
    messages.success(request, _("已将“%(name)s”移出培育库。") % {"name": enterprise.name})
    return _back_to_pool(request)


@require_http_methods(["GET", "POST"])
@official_required
def pool_estimate(request, pk: int):
    enterprise = get_object_or_404(enterprises_visible_to(request.user).select_related("pool_estimate"), pk=pk)
    if request.method == "POST":
        form = PoolEstimateForm(request.POST)
        if form.is_valid():
            done, _estimate = run_service(
                request,
                lambda: pool_estimate_save(actor=request.user, enterprise_id=enterprise.pk, data=form.cleaned_data),
                form=form,
                success=_("已保存“%(name)s”的估算数据。") % {"name": enterprise.name},
            )
            if done:
                return redirect("certification:pool_estimate", pk=enterprise.pk)
    else:
        form = PoolEstimateForm(initial=PoolEstimateForm.initial_for(enterprise))
    estimate = getattr(enterprise, "pool_estimate", None)
    context = {
        "enterprise": enterprise,
        "form": form,
        "estimate": estimate,
        "restricted": industry.is_restricted_industry(enterprise.industry_section, enterprise.industry_code),
        # The calculator's partial: the saved estimate's result, refreshed live as the form changes.
        "evaluation": rules.evaluate(estimate.declaration(), gettext=gettext) if estimate else None,
        "submitted": False,
    }
    return render(request, "certification/pool/estimate.html", context)
