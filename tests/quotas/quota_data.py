"""A small hand-built data set for the quota jobs, shared by the tech-share, department-share and alert tests.

Policy 2026: baseline 2025-01-01, tech share 10%, new-enterprise share 20%. The day is 2026-11-20.

涪城区 (510703): 30 enterprises established since the baseline, 3 in the pool, filings:
  a0 registered (valid 2026-06-01..2029-05-31), a1 registered then revoked on 2026-10-01, a2 registered
  in 2025 and expired on 2026-05-31 (still counted: never revoked), a3 submitted, a4 draft, a5 withdrawn,
  a6 under notice; plus one registered enterprise established before the baseline, one established
  after the day, and an individual business (92…) established since the baseline (not an enterprise).
  → new 30, open pool candidates 1 (a7: a0 is registered, a3 filed), filed 4, recommended 3,
  registered 2 (valid on the day 1): 6.67%, short by 1.
游仙区 (510704): 10 new, b0 registered (introduced, founded by a graduate, in the 电子信息 cluster) → 10%, met.
安州区 (510705): no enterprises → zeros, met.
City: 40 new, 3 registered (2 valid) → 7.5%, short by 1.

Departments 2026: 市科技局 10 agreements, 2 with new enterprises, task 20 → 20% met, progress 50%;
市经信局 9 agreements, 1 new, no task → short by 1. Archived and 2025 agreements don't count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from assistance.models import AssistanceAgreement, DepartmentTarget, QuotaPolicy
from certification.models import Application, Registration
from enterprises.models import Enterprise
from tests import factories

DAY = dt.date(2026, 11, 20)
YEAR = 2026
S = Application.State


def policy() -> QuotaPolicy:
    return QuotaPolicy.objects.update_or_create(
        year=YEAR,
        defaults={
            "baseline_date": dt.date(2025, 1, 1),
            "tech_share_target": Decimal("0.100"),
            "new_enterprise_target": Decimal("0.200"),
        },
    )[0]


def enterprises(district, count: int, *, established_on=dt.date(2025, 6, 1), **fields) -> list[Enterprise]:
    """``count`` enterprises of the district in one bulk insert."""
    built = [
        factories.EnterpriseFactory.build(managing_district=district, established_on=established_on, **fields)
        for _ in range(count)
    ]
    return Enterprise.objects.bulk_create(built)


def filing(enterprise, state, *, year=YEAR, submitted_on=dt.date(2026, 4, 1)) -> Application:
    submitted = None if state == S.DRAFT else submitted_on
    return factories.ApplicationFactory(
        enterprise=enterprise, evaluation_year=year, state=state, submitted_on=submitted, first_time_applicant=False
    )


def registration(enterprise, *, state=S.REGISTERED, year=YEAR, valid_from, valid_until, revoked_at=None):
    application = filing(enterprise, state, year=year, submitted_on=dt.date(year, 4, 1))
    return Registration.objects.create(
        application=application,
        enterprise=enterprise,
        evaluation_year=year,
        number=f"{year}510703T{application.pk:06d}",
        valid_from=valid_from,
        valid_until=valid_until,
        revoked_at=revoked_at,
    )


def tech_share_data(district, other_district):
    """The districts' enterprises and filings described in the module docstring; returns 安州区."""
    policy()
    cluster = factories.IndustryClusterFactory(code="electronics", name="电子信息")
    a = enterprises(district, 30)
    for index in (0, 3, 7):
        a[index].in_cultivation_pool = True
    Enterprise.objects.bulk_update([a[0], a[3], a[7]], ["in_cultivation_pool"])
    valid = {"valid_from": dt.date(2026, 6, 1), "valid_until": dt.date(2029, 5, 31)}
    registration(a[0], **valid)
    revoked_on = dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC)
    registration(a[1], state=S.REVOKED, revoked_at=revoked_on, **valid)
    registration(a[2], state=S.EXPIRED, year=2025, valid_from=dt.date(2025, 6, 1), valid_until=dt.date(2026, 5, 31))
    filing(a[3], S.SUBMITTED)
    filing(a[4], S.DRAFT)
    filing(a[5], S.WITHDRAWN)
    filing(a[6], S.UNDER_NOTICE)
    (old,) = enterprises(district, 1, established_on=dt.date(2024, 12, 31))
    registration(old, **valid)
    enterprises(district, 1, established_on=DAY + dt.timedelta(days=1))
    enterprises(district, 1, credit_code=factories.credit_code_for(900_001, kind="92"))

    b = enterprises(other_district, 10)
    b[0].origin, b[0].introduced_on, b[0].founder_category, b[0].cluster = (
        "introduced",
        dt.date(2025, 6, 1),
        "graduate",
        cluster,
    )
    Enterprise.objects.bulk_update([b[0]], ["origin", "introduced_on", "founder_category", "cluster"])
    registration(b[0], **valid)
    return factories.DistrictFactory(code="510705", name="安州区")


def department_share_data(department, other_department):
    """The agreements described in the module docstring."""
    policy()
    DepartmentTarget.objects.create(department=department, year=YEAR, enterprises_to_assist=20)
    district = factories.DistrictFactory(code="510703", name="涪城区")
    pool = enterprises(district, 25, established_on=dt.date(2020, 1, 1))  # before the tech-share baseline
    agreements = [
        factories.AssistanceAgreementFactory.build(department=department, enterprise=e, counts_as_new=i < 2)
        for i, e in enumerate(pool[:10])
    ]
    agreements += [
        factories.AssistanceAgreementFactory.build(department=other_department, enterprise=e, counts_as_new=i < 1)
        for i, e in enumerate(pool[10:19])
    ]
    # Neither counts: an archived agreement with a new enterprise, and last year's.
    agreements.append(
        factories.AssistanceAgreementFactory.build(
            department=other_department, enterprise=pool[20], counts_as_new=True, archived=True
        )
    )
    agreements.append(
        factories.AssistanceAgreementFactory.build(
            department=other_department, enterprise=pool[21], counts_as_new=True, year=2025
        )
    )
    AssistanceAgreement.objects.bulk_create(agreements)
