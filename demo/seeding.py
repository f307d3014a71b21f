"""``seed_demo``: deterministic demo data for the whole city (``manage.py seed_demo``), also used by the
benchmarks. It runs the steps in this order:

- :mod:`demo.enterprises`: the registry, one chunk of ``CHUNK`` indices at a time;
- :mod:`demo.users`: one login per role, pointed at its demo scope;
- :mod:`demo.quotas`: the yearly quota policies and the departments' targets;
- :mod:`demo.notices`: the notice batches, and the registrations that follow them;
- :mod:`demo.filings` with :mod:`demo.histories`: the filings, the path each took and its events;
- :mod:`demo.assistance`: the agreements and their service records;
- :mod:`demo.snapshots`: the quota snapshots of each month's end since the baseline, and of today.

:mod:`demo.context` holds what the steps share (the chunking, the random streams, the lookups),
:mod:`demo.data` the data tables. Each step inserts only the rows whose key is missing, so seeding again
with the same seed adds nothing and a larger N adds only the missing indices.

The seeding writes no change history (:mod:`smeportal.history`): seeded rows are nobody's change, and
their history starts with the first change made in the portal, the admin or an import.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, reset_queries, transaction
from django.utils.translation import gettext as _

from assistance.models import Department
from certification.services.registration import agency_code
from dashboards.models import YearReportRun
from dashboards.tasks import year_report_run
from enterprises.models import District, Enterprise

from .assistance import agreement_shares, agreements_for_chunk, new_enterprise_preference, seed_agreements_chunk
from .context import CHUNK, ActivityContext, SeedContext
from .data import FLAGSHIP_DISTRICT_CODE
from .enterprises import ORG_SPACE, chunk_enterprises, seed_enterprises
from .filings import filings_for_chunk, seed_filings_chunk
from .notices import number_notice_batches, registration_sequences, seed_notice_batches
from .quotas import seed_campaigns, seed_department_targets, seed_quota_policies
from .snapshots import seed_quota_history
from .users import DemoLogin, demo_scopes, seed_users

DEFAULT_ENTERPRISES = 5000
DEFAULT_SEED = 2026


@dataclass
class SeedResult:
    enterprises_requested: int
    seed: int
    created: dict[str, int] = field(default_factory=dict)  # per kind: "enterprises", "users", then ACTIVITY_KINDS
    logins: list[DemoLogin] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def enterprises_created(self) -> int:
        return self.created.get("enterprises", 0)


def _prepare_activity(ctx: SeedContext, *, enterprises: int, counts: dict[str, int]) -> ActivityContext:
    """Quota policies, department targets and notice batches (idempotent), and the shared lookups."""
    years = (ctx.today.year - 1, ctx.today.year)
    window_years = seed_quota_policies(years, counts)
    campaigns = seed_campaigns(years, counts)
    departments = list(Department.objects.order_by("sort_order", "code"))
    shares = agreement_shares(departments)
    seed_department_targets(departments, shares, years=years, enterprises=enterprises, counts=counts)
    registered_batch, notice_batch = seed_notice_batches(ctx, years, counts)
    districts = {district.pk: district for district in District.objects.all()}
    # The demo logins act in the histories they would have written (the others are anonymous).
    users = dict(
        get_user_model()
        .objects.filter(username__in=["enterprise", "fucheng", "gaoxin", "city"])
        .values_list("username", "id")
    )
    names = {FLAGSHIP_DISTRICT_CODE: "fucheng", "ZGX": "gaoxin"}
    reviewers = {pk: names[d.code] for pk, d in districts.items() if d.code in names}
    return ActivityContext(
        base=ctx,
        enterprises=enterprises,
        years=years,
        districts=districts,
        agency={pk: agency_code(district) for pk, district in districts.items()},
        registered_batch=registered_batch,
        notice_batch=notice_batch,
        sequences=registration_sequences(years),
        window_years=window_years,
        campaigns=campaigns,
        department_ids=np.array([d.pk for d in departments]),
        department_weights=shares,
        department_new_preference=new_enterprise_preference(departments),
        demo_user_id=users.get("enterprise"),
        reviewer_ids={pk: users[name] for pk, name in reviewers.items() if name in users},
        city_user_id=users.get("city"),
    )


ACTIVITY_KINDS = (
    "quota_policies",
    "campaigns",
    "department_targets",
    "notice_batches",
    "filings",
    "application_events",
    "registrations",
    "agreements",
    "service_records",
)


def seed_activity(ctx: SeedContext, *, enterprises: int, stdout: TextIO | None = None) -> dict[str, int]:
    """Filings, notices, registrations, policies, targets, agreements and service records of the
    enterprises 0 … enterprises-1; returns how many rows of each kind were created.

    Per chunk: one transaction and a fixed number of queries (the enterprise ids, then per kind the
    existing keys, one insert and the new ids); the serial counters are written with the registrations.
    """
    counts = dict.fromkeys(ACTIVITY_KINDS, 0)
    with transaction.atomic():
        act = _prepare_activity(ctx, enterprises=enterprises, counts=counts)
    chunks = (enterprises + CHUNK - 1) // CHUNK
    for chunk in range(chunks):
        size = min(CHUNK, enterprises - chunk * CHUNK)
        ents = chunk_enterprises(act, chunk, size)
        filings = filings_for_chunk(act, chunk, size, ents)
        agreements = agreements_for_chunk(act, chunk, size, ents)
        codes = {p["application"].enterprise.credit_code for p in filings}
        codes |= {p["agreement"].enterprise.credit_code for p in agreements}
        with transaction.atomic():
            ids = dict(Enterprise.objects.filter(credit_code__in=codes).values_list("credit_code", "id"))
            seed_filings_chunk(act, filings, ids, counts)
            seed_agreements_chunk(act, agreements, ids, counts)
        del ents, filings, agreements
        if settings.DEBUG and not connection.force_debug_cursor:
            reset_queries()
        if stdout is not None and (chunk + 1) % 20 == 0:
            done = (chunk + 1) * CHUNK
            stdout.write(
                _("已生成 {done} / {total} 家企业的申报与帮扶数据").format(done=done, total=enterprises) + "\n"
            )
    if counts["filings"]:
        with transaction.atomic():
            number_notice_batches(act)
    return counts


def seed_demo(
    *, enterprises: int = DEFAULT_ENTERPRISES, seed: int = DEFAULT_SEED, stdout: TextIO | None = None
) -> SeedResult:
    """Seed enterprises 0 … enterprises-1, the demo users, then their filings, notices, registrations,
    quota policies, department targets, agreements, service records, the quota snapshots' history and the
    stored year-end reports;
    idempotent for the same seed."""
    if enterprises < 1:
        raise ValueError(_("企业数量至少为 1。"))
    if enterprises > ORG_SPACE:
        raise ValueError(_("企业数量过大。"))
    started = time.perf_counter()
    ctx = SeedContext.load(seed=seed)
    scopes = demo_scopes()  # fail before writing anything when the reference data lacks a demo scope
    result = SeedResult(enterprises_requested=enterprises, seed=seed)
    result.created["enterprises"] = seed_enterprises(ctx, enterprises=enterprises, stdout=stdout)
    result.created["users"], result.logins = seed_users(ctx, scopes=scopes)
    result.created.update(seed_activity(ctx, enterprises=enterprises, stdout=stdout))
    result.created["quota_snapshot_days"] = 0
    refresh = any(result.created.values())  # new rows change the past figures too
    seed_quota_history(ctx.today.year - 1, ctx.today, refresh=refresh, counts=result.created)
    # As the nightly job does, so the year-end report opens without counting and its run is on the jobs page.
    if refresh or not YearReportRun.objects.filter(as_of=ctx.today, status=YearReportRun.Status.DONE).exists():
        year_report_run(ctx.today)
    result.seconds = time.perf_counter() - started
    return result
