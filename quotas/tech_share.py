"""The tech-share quota job (RULES.md §5): per managing district and for the whole city.

Among the enterprises newly registered (established) since the policy's baseline date and on or
before the day, how many are in the cultivation pool, have a submitted filing of the policy year,
were recommended (or got further), and hold a registration valid on the day. The share is
registered ÷ newly registered against the year's target.

Each district's snapshot also keeps the pool candidates closest to eligibility at the time of the
run, which the district dashboard lists (the live, filterable list is the pool page).

The job runs a fixed number of queries whatever the size of the registry (policy, districts, one
grouped count, one ranked pool query, one upsert): aggregation happens in
the database and no Python loop runs over enterprises. The upsert makes a rerun write the same rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from assistance.models import QuotaPolicy
from certification.models import Application, Registration
from certification.selectors.pool import closest_by_district
from certification.states import FILED, RECOMMENDED_OR_LATER
from enterprises.models import District, Enterprise

from .models import TechShareSnapshot

FOUR_PLACES = Decimal("0.0001")

BREAKDOWNS = {"origin": "origin", "founder_category": "founder_category", "cluster": "cluster__name"}
COUNTED_FIELDS = ("newly_registered", "candidates", "filed", "recommended", "registered")
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
    """The policy's baseline date; 1 January of the policy year when none is set."""
    return policy.baseline_date or dt.date(policy.year, 1, 1)


def share_of(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(FOUR_PLACES, ROUND_HALF_UP) if whole else Decimal(0)


def short_by(*, new: int, registered: int, target: Decimal) -> int:
    """Enterprises still needed to reach the target: max(0, ⌈target × new⌉ − registered)."""
    return max(0, math.ceil(Decimal(target) * Decimal(new)) - registered)


def registered_on_q(day: dt.date) -> Q:
    """A registration valid on ``day`` and not revoked by then (revoked later: it still counted that day)."""
    return Q(valid_from__lte=day, valid_until__gte=day) & (Q(revoked_at__isnull=True) | Q(revoked_at__date__gt=day))


def new_enterprises(*, day: dt.date, policy: QuotaPolicy) -> QuerySet[Enterprise]:
    """Enterprises newly registered since the baseline, up to and including ``day``."""
    return Enterprise.objects.filter(established_on__gte=baseline_of(policy), established_on__lte=day)


def tech_share_compute(*, day: dt.date, year: int | None = None) -> int:
    """Compute and upsert the tech-share snapshots of every managing district and the city as of ``day``.

    ``year`` selects the quota policy (default: the day's year). Returns the number of rows written.
    """
    policy = QuotaPolicy.for_year(year or day.year)
    target = Decimal(policy.tech_share_target)
    districts = list(District.objects.order_by("sort_order", "code"))

    registered = Exists(Registration.objects.filter(registered_on_q(day), enterprise=OuterRef("pk")))
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
        new_enterprises(day=day, policy=policy)
        .order_by()
        .values("managing_district", *BREAKDOWNS.values())
        .annotate(
            newly_registered=Count("pk"),
            candidates=Count("pk", filter=Q(in_cultivation_pool=True)),
            filed=Count("pk", filter=filed),
            recommended=Count("pk", filter=recommended),
            registered=Count("pk", filter=registered),
        )
    )
    grouped: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED_FIELDS, 0))
    breakdowns: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: {name: {} for name in BREAKDOWNS})
    for group in groups:
        totals = grouped[group["managing_district"]]
        for field in COUNTED_FIELDS:
            totals[field] += group[field]
        if group["registered"]:
            breakdown = breakdowns[group["managing_district"]]
            for name, field in BREAKDOWNS.items():
                key = str(group[field]) if group[field] is not None else ""
                breakdown[name][key] = breakdown[name].get(key, 0) + group["registered"]

    closest = closest_by_district(CLOSEST_CANDIDATES)

    now = timezone.now()
    snapshots = []
    city_counts = dict.fromkeys(COUNTED_FIELDS, 0)
    city_breakdown: dict[str, dict[str, int]] = {name: {} for name in BREAKDOWNS}
    for district in districts:
        counts, breakdown = grouped[district.pk], breakdowns[district.pk]  # zeros and {} without new ones
        for field in COUNTED_FIELDS:
            city_counts[field] += counts[field]
        for name, values in breakdown.items():
            for key, n in values.items():
                city_breakdown[name][key] = city_breakdown[name].get(key, 0) + n
        snapshot = _snapshot(district.code, district, day, policy.year, target, counts, breakdown, now)
        snapshot.closest_candidates = closest.get(district.pk, [])
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
