"""Reads of the cultivation pool (培育库), with role scoping and closeness ordering in the database.

Each candidate's source is its latest submitted filing (not withdrawn; by evaluation year, then
submission date), else the officials' quick estimate (:class:`PoolEstimate`), else no data. The
filing's score and eligibility come from its frozen snapshot; its distance follows
:func:`certification.closeness.distance_of`: 0 when eligible, else the points short of the pass score
(at least 1). A submission is only accepted when eligible, so a filing source is normally 0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, RowNumber

from certification import rules
from certification.models import Application, PoolEstimate, Registration
from certification.rules import closeness, industry
from certification.selectors.filing import snapshot_score
from certification.states import FILED
from enterprises.models import Enterprise
from enterprises.scoping import enterprise_scope
from enterprises.search import first_matches
from enterprises.selectors import enterprises_managed_by, search_enterprises
from smeportal.listing import Sorting, nulls_last

SOURCES = (closeness.SOURCE_FILING, closeness.SOURCE_ESTIMATE, closeness.SOURCE_NONE)


SEARCH_LIMIT = 10


# Distance 0 is exactly "eligible" (for estimates a database constraint says so), so sorting by the
# distance puts the eligible first, then the closest, and candidates without data last.
CLOSENESS_ORDER = (F("pool_distance").asc(nulls_last=True), F("name").asc(), F("pk").asc())

# The pool list's sort keys; closest to eligibility first by default.
POOL_SORTING = Sorting(
    keys={
        "closeness": CLOSENESS_ORDER,
        "name": ("name", "pk"),
        "district": ("managing_district__sort_order", "managing_district__code", "pk"),
        "score": (nulls_last("pool_score"), "pk"),
    },
    default="closeness",
)


def restricted_industry_q(prefix: str = "") -> Q:
    """The database twin of :func:`certification.rules.industry.is_restricted_industry` (same table of codes)."""
    sections = sorted(industry.RESTRICTED_SECTIONS)
    divisions = "|".join(sorted(industry.RESTRICTED_DIVISIONS))
    return (
        Q(**{f"{prefix}industry_section__in": [*sections, *(s.lower() for s in sections)]})
        | Q(**{f"{prefix}industry_section": "", f"{prefix}industry_code__iregex": f"^[{''.join(sections)}]"})
        | Q(**{f"{prefix}industry_code__iregex": f"^[A-Z]?({divisions})"})
    )


def _latest_filing() -> QuerySet[Application]:
    return (
        Application.objects.filter(enterprise=OuterRef("pk"), submitted_on__isnull=False)
        .exclude(state=Application.State.WITHDRAWN)
        .order_by("-evaluation_year", "-submitted_on", "-pk")
    )


def _filing_distance() -> Case:
    """A filing's distance from its snapshot (:func:`certification.rules.closeness.distance_of`)."""
    # Every rule set so far passes at 60; a rule set with another pass score needs a Case per year here.
    (pass_score,) = {ruleset.pass_score for ruleset in rules.RULESETS.values()}
    # A JSON key lookup (not a cast of the key's text), which reads JSON true alike on SQLite and PostgreSQL.
    return Case(
        When(snapshot__evaluation__eligible=True, then=Value(0)),
        default=Greatest(Value(pass_score) - Coalesce(snapshot_score(), Value(0)), Value(1)),
    )


def pool_distance_now() -> Coalesce:
    """An enterprise's distance worked out from its latest filing, else its estimate (None without
    either): what ``Enterprise.pool_distance`` stores for the pool to sort by an index
    (:func:`certification.services.pool.pool_distances_refresh`)."""
    latest = _latest_filing().annotate(v=_filing_distance()).values("v")[:1]
    estimate = PoolEstimate.objects.filter(enterprise=OuterRef("pk")).values("distance")[:1]
    return Coalesce(Subquery(latest), Subquery(estimate), output_field=IntegerField())


def _annotate_closeness(qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    """The source, score and eligibility of each candidate, for the rows shown; the list is sorted by the
    stored ``pool_distance`` (a filing's distance is never null, and 0 exactly when eligible, as an
    estimate's is by a constraint)."""
    latest = _latest_filing()
    has_filing = Q(pool_filing_distance__isnull=False)
    has_estimate = Q(pool_estimate__isnull=False)
    return qs.annotate(
        pool_filing_distance=Subquery(latest.annotate(v=_filing_distance()).values("v")[:1]),
        pool_filing_score=Subquery(latest.annotate(v=snapshot_score()).values("v")[:1]),
        pool_filing_declaration=Subquery(latest.values("snapshot__declaration")[:1]),
    ).annotate(
        pool_source=Case(
            When(has_filing, then=Value(closeness.SOURCE_FILING)),
            When(has_estimate, then=Value(closeness.SOURCE_ESTIMATE)),
            default=Value(closeness.SOURCE_NONE),
            output_field=CharField(),
        ),
        pool_score=Case(
            When(has_filing, then=F("pool_filing_score")),
            When(has_estimate, then=F("pool_estimate__total_score")),
            default=None,
            output_field=IntegerField(),
        ),
        pool_eligible=Case(
            When(pool_distance=0, then=Value(True)),
            When(pool_distance__isnull=False, then=Value(False)),
            default=None,
            output_field=BooleanField(),
        ),
    )


def pool_candidates(user, filters: Mapping | None = None, sort: str | None = None) -> QuerySet[Enterprise]:
    """The pool as the user may see it, closest to eligibility first unless ``sort`` names another of
    :data:`POOL_SORTING` (sorted by the database).

    District officials: their district's pool (a ``district`` filter is ignored). City officials:
    the whole city, optionally one ``district``. Everyone else: nothing. Other filters: ``q``
    (name or credit code), ``source`` (filing/estimate/none), ``eligible`` and ``restricted``
    (True/False/None; "not eligible" includes candidates without data).
    """
    filters = filters or {}
    qs = (
        enterprises_managed_by(user)
        .filter(in_cultivation_pool=True)
        .select_related("managing_district", "pool_estimate")
    )
    if filters.get("district") and enterprise_scope(user).everything:
        qs = qs.filter(managing_district=filters["district"])
    qs = _annotate_closeness(search_enterprises(qs, filters.get("q")))
    if filters.get("source") in SOURCES:
        qs = qs.filter(pool_source=filters["source"])
    if filters.get("eligible") is True:
        qs = qs.filter(pool_eligible=True)
    elif filters.get("eligible") is False:
        qs = qs.filter(Q(pool_eligible=False) | Q(pool_eligible__isnull=True))
    if filters.get("restricted") is True:
        qs = qs.filter(restricted_industry_q())
    elif filters.get("restricted") is False:
        qs = qs.exclude(restricted_industry_q())
    return POOL_SORTING.order_by(qs, sort)


def open_candidates(*, year: int, day: dt.date) -> QuerySet[Enterprise]:
    """The pool's open candidates (培育库待申报): pool enterprises that have not filed for ``year`` and hold
    no registration valid on ``day``. A firm already filed, under notice or registered is the review's
    or the registry's, no longer a candidate; the dashboard's count and its list both come from here."""
    filed = Application.objects.filter(enterprise=OuterRef("pk"), evaluation_year=year, state__in=FILED)
    registered = Registration.objects.filter(
        enterprise=OuterRef("pk"), valid_from__lte=day, valid_until__gte=day, revoked_at__isnull=True
    )
    return Enterprise.objects.filter(in_cultivation_pool=True).exclude(Exists(filed)).exclude(Exists(registered))


@dataclass(frozen=True)
class PoolHead:
    """A district's open candidates: how many, and the ``limit`` closest to eligibility."""

    size: int
    closest: list[dict]


def closest_by_district(limit: int, *, year: int, day: dt.date) -> dict[int, PoolHead]:
    """Every managing district's open candidates (:func:`open_candidates`): their number and the ``limit``
    closest to eligibility (one query, no scoping).

    For the quota job, which stores them with the district's snapshot: each candidate as
    ``{"id", "name", "source", "score", "eligible", "distance"}``, closest first.
    """
    by_district = F("managing_district_id")
    ranked = (
        _annotate_closeness(open_candidates(year=year, day=day))
        .annotate(
            rank=Window(RowNumber(), partition_by=by_district, order_by=CLOSENESS_ORDER),
            size=Window(Count("pk"), partition_by=by_district),
        )
        .filter(rank__lte=limit)
        .order_by("managing_district_id", "rank")
        .values_list(
            "managing_district_id",
            "size",
            "pk",
            "name",
            "pool_source",
            "pool_score",
            "pool_eligible",
            "pool_distance",
        )
    )
    heads: dict[int, PoolHead] = {}
    for district_id, size, pk, name, source, score, eligible, distance in ranked:
        head = heads.setdefault(district_id, PoolHead(size=size, closest=[]))
        head.closest.append(
            {"id": pk, "name": name, "source": source, "score": score, "eligible": eligible, "distance": distance}
        )
    return heads


def pool_addable(user, text: str | None) -> list[Enterprise]:
    """Operating enterprises in the user's scope, not yet in the pool, matching a name or credit code."""
    if not (text or "").strip():
        return []
    qs = enterprises_managed_by(user).filter(in_cultivation_pool=False, status=Enterprise.Status.OPERATING)
    return list(first_matches(search_enterprises(qs, text), SEARCH_LIMIT).select_related("managing_district"))
