"""The tech-share quota job (RULES.md §5): per managing district and for the whole city.

For a day D and the policy's baseline: the denominator is every *enterprise* (credit code ``91…``,
not individual businesses, cooperatives or other entities) established from the baseline to D; the
numerator those of them registered (入库) by D in an evaluation year from the baseline's year on and
not revoked by D. An expired registration still counts, so the share does not fall on 1 January;
the registrations valid on D are kept as a second figure. Each enterprise counts in the district
that managed it on D (:func:`enterprises.selectors.managing_district_on`). The pipeline figures
(filed, recommended) are of the policy year.

Each district's snapshot also keeps its open pool candidates at the time of the run
(:func:`certification.selectors.pool.open_candidates`: in the pool, not filed for the policy year, no
valid registration): their number, and the ten closest to eligibility, which the district dashboard
lists (the live, filterable list is the pool page). The number and the list are one definition, so
the dashboard's card and its list agree.

The job runs a fixed number of queries whatever the size of the registry (policy, baseline,
districts, one grouped count, one ranked pool query, one upsert): aggregation happens in the
database and no Python loop runs over enterprises. The upsert makes a rerun write the same rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from assistance.models import QuotaPolicy
from assistance.newness import share_of
from certification.models import Application, Registration
from certification.selectors.pool import closest_by_district
from certification.states import FILED, RECOMMENDED_OR_LATER
from enterprises.models import District, Enterprise
from enterprises.selectors import managing_district_on

from .models import TechShareSnapshot

BREAKDOWNS = {"origin": "origin", "founder_category": "founder_category", "cluster": "cluster__name"}
COUNTED_FIELDS = ("newly_registered", "candidates", "filed", "recommended", "registered", "valid_registrations")
GROUPED_FIELDS = tuple(name for name in COUNTED_FIELDS if name != "candidates")  # the new enterprises' figures
UPDATE_FIELDS = [
    "district",
    "policy_year",
    *COUNTED_FIELDS,
    "share",
    "target",
    "met",
    "short_by",
    "breakdown",
    "closest_candidates",
    "computed_at",
]
CLOSEST_CANDIDATES = 10


def baseline_of(policy: QuotaPolicy) -> dt.date:
    """The policy's baseline date; without one, the latest earlier policy's, else 1 January of the year.

    Inherited so that a new year without its own policy row keeps counting from the plan's baseline.
    """
    if policy.baseline_date:
        return policy.baseline_date
    earlier = (
        QuotaPolicy.objects.filter(year__lt=policy.year, baseline_date__isnull=False)
        .order_by("-year")
        .values_list("baseline_date", flat=True)
        .first()
    )
    return earlier or dt.date(policy.year, 1, 1)


def short_by(*, new: int, registered: int, target: Decimal) -> int:
    """Enterprises still needed to reach the target: max(0, ⌈target × new⌉ − registered)."""
    return max(0, math.ceil(Decimal(target) * Decimal(new)) - registered)


def not_revoked_by_q(day: dt.date) -> Q:
    """A registration not revoked on ``day`` (revoked later: it still counted that day)."""
    return Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=day)


def counted_registration_q(*, day: dt.date, baseline: dt.date) -> Q:
    """The numerator's registrations: made by ``day``, of an evaluation year from the baseline's on, not revoked."""
    return Q(valid_from__lte=day, evaluation_year__gte=baseline.year) & not_revoked_by_q(day)


def valid_registration_q(day: dt.date) -> Q:
    """A registration valid on ``day`` and not revoked by then."""
    return Q(valid_from__lte=day, valid_until__gte=day) & not_revoked_by_q(day)


def new_enterprises(*, day: dt.date, baseline: dt.date) -> QuerySet[Enterprise]:
    """Enterprises (entity kind) established since the baseline, up to and including ``day``, that the registry
    knows: a self-registration its district has not confirmed yet may be a stranger's invention."""
    return Enterprise.objects.filter(
        entity_kind=Enterprise.EntityKind.ENTERPRISE,
        established_on__gte=baseline,
        established_on__lte=day,
        confirmed=True,
    )


def tech_share_compute(*, day: dt.date, year: int | None = None) -> int:
    """Compute and upsert the tech-share snapshots of every managing district and the city as of ``day``.

    ``year`` selects the quota policy (default: the day's year). Returns the number of rows written.
    """
    policy = QuotaPolicy.for_year(year or day.year)
    baseline = baseline_of(policy)
    target = Decimal(policy.tech_share_target)
    districts = list(District.objects.order_by("sort_order", "code"))

    registrations = Registration.objects.filter(enterprise=OuterRef("pk"))
    registered = Exists(registrations.filter(counted_registration_q(day=day, baseline=baseline)))
    valid = Exists(registrations.filter(valid_registration_q(day)))
    filed = Exists(
        Application.objects.filter(
            enterprise=OuterRef("pk"),
            evaluation_year=policy.year,
            state__in=FILED,
            submitted_on__lte=day,
        )
    )
    recommended = Exists(
        Application.objects.filter(
            enterprise=OuterRef("pk"), evaluation_year=policy.year, state__in=RECOMMENDED_OR_LATER
        )
    )
    # One grouped count per (district, origin, founder category, cluster): the district totals and the
    # breakdowns of the new tech SMEs are sums over these groups (at most districts × 3 × 9 × clusters
    # rows), so the subqueries run once per enterprise instead of once per figure.
    groups = (
        new_enterprises(day=day, baseline=baseline)
        .annotate(district_on_day=managing_district_on(day))
        .order_by()
        .values("district_on_day", *BREAKDOWNS.values())
        .annotate(
            newly_registered=Count("pk"),
            filed=Count("pk", filter=filed),
            recommended=Count("pk", filter=recommended),
            registered=Count("pk", filter=registered),
            valid_registrations=Count("pk", filter=valid),
        )
    )
    grouped: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED_FIELDS, 0))
    breakdowns: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: {name: {} for name in BREAKDOWNS})
    for group in groups:
        totals = grouped[group["district_on_day"]]
        for field in GROUPED_FIELDS:
            totals[field] += group[field]
        if group["registered"]:
            breakdown = breakdowns[group["district_on_day"]]
            for name, field in BREAKDOWNS.items():
                key = str(group[field]) if group[field] is not None else ""
                breakdown[name][key] = breakdown[name].get(key, 0) + group["registered"]

    pool = closest_by_district(CLOSEST_CANDIDATES, year=policy.year, day=day)

    now = timezone.now()
    snapshots = []
    city_counts = dict.fromkeys(COUNTED_FIELDS, 0)
    city_breakdown: dict[str, dict[str, int]] = {name: {} for name in BREAKDOWNS}
    for district in districts:
        counts, breakdown = grouped[district.pk], breakdowns[district.pk]  # zeros and {} without new ones
        head = pool.get(district.pk)
        counts["candidates"] = head.size if head else 0
        for field in COUNTED_FIELDS:
            city_counts[field] += counts[field]
        for name, values in breakdown.items():
            for key, n in values.items():
                city_breakdown[name][key] = city_breakdown[name].get(key, 0) + n
        snapshot = _snapshot(district.code, district, day, policy.year, target, counts, breakdown, now)
        snapshot.closest_candidates = head.closest if head else []
        snapshots.append(snapshot)
    snapshots.append(
        _snapshot(TechShareSnapshot.CITY, None, day, policy.year, target, city_counts, city_breakdown, now)
    )
    TechShareSnapshot.objects.bulk_create(
        snapshots, update_conflicts=True, unique_fields=["scope_key", "as_of"], update_fields=UPDATE_FIELDS
    )
    return len(snapshots)


def _snapshot(scope_key, district, day, policy_year, target, counts, breakdown, now) -> TechShareSnapshot:
    missing = short_by(new=counts["newly_registered"], registered=counts["registered"], target=target)
    return TechShareSnapshot(
        scope_key=scope_key,
        district=district,
        as_of=day,
        policy_year=policy_year,
        **counts,
        share=share_of(counts["registered"], counts["newly_registered"]),
        target=target,
        met=missing == 0,
        short_by=missing,
        breakdown={name: dict(sorted(values.items())) for name, values in breakdown.items()},
        computed_at=now,
    )
