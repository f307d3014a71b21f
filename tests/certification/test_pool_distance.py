"""The pool's stored sort key (Enterprise.pool_distance): kept in step with every filing and estimate, so
the pool is read in order from an index, and always what the database would work out afresh."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from certification.models import Application, PoolEstimate
from certification.selectors.pool import pool_candidates, pool_distance_now
from certification.services.filing import application_save_draft, application_submit, application_withdraw
from certification.services.pool import pool_distances_refresh, pool_estimate_save
from enterprises.models import Enterprise
from tests import factories
from tests.certification.test_pool import WORKED, filing, in_pool
from tests.helpers import reload

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 20)
FAR = {"rd_expense": Decimal("1"), "class2_ip": 0}  # the worked example with almost no R&D: not eligible


def stored(enterprise) -> int | None:
    return reload(enterprise).pool_distance


def worked_out(enterprise) -> int | None:
    return Enterprise.objects.filter(pk=enterprise.pk).annotate(now=pool_distance_now()).get().now


def test_without_a_filing_or_an_estimate_there_is_no_distance(district):
    enterprise = in_pool(district, "甲")
    assert stored(enterprise) is None is worked_out(enterprise)


def test_an_estimate_sets_the_distance_and_its_deletion_clears_it(district, district_official):
    enterprise = in_pool(district, "甲")
    estimate = pool_estimate_save(actor=district_official, enterprise_id=enterprise.pk, data={**WORKED, **FAR})
    assert estimate.distance >= 1
    assert stored(enterprise) == estimate.distance == worked_out(enterprise)
    pool_estimate_save(actor=district_official, enterprise_id=enterprise.pk, data=WORKED)
    assert stored(enterprise) == 0
    PoolEstimate.objects.get(enterprise=enterprise).delete()
    assert stored(enterprise) is None


def test_the_latest_filing_outweighs_the_estimate_and_a_newer_year_the_older(district, district_official):
    enterprise = in_pool(district, "甲")
    estimate = pool_estimate_save(actor=district_official, enterprise_id=enterprise.pk, data={**WORKED, **FAR})
    older = filing(enterprise, year=2025, score=40, eligible=False)
    assert stored(enterprise) == 20 == worked_out(enterprise)  # 60 − 40 points short
    newer = filing(enterprise, year=2026, score=76, eligible=True)
    assert stored(enterprise) == 0
    newer.delete()
    assert stored(enterprise) == 20
    older.state = Application.State.WITHDRAWN
    older.save()
    assert stored(enterprise) == estimate.distance == worked_out(enterprise)


def test_a_draft_is_nobodys_latest_filing(district):
    enterprise = in_pool(district, "甲")
    draft = factories.ApplicationFactory(enterprise=enterprise, evaluation_year=2026)
    assert draft.submitted_on is None and stored(enterprise) is None
    draft.delete()
    assert stored(enterprise) is None


def test_submission_and_withdrawal_through_the_services_move_the_key(
    district, enterprise, enterprise_user, district_official
):
    enterprise.in_cultivation_pool = True
    enterprise.save(update_fields=["in_cultivation_pool"])
    estimate = pool_estimate_save(actor=district_official, enterprise_id=enterprise.pk, data={**WORKED, **FAR})
    draft = application_save_draft(
        actor=enterprise_user,
        evaluation_year=2026,
        data={key: str(value) for key, value in WORKED.items() if key not in {"evaluation_year", "direct_paths"}}
        | {"class1_ip": 0, "class2_ip": 3},
    )
    assert stored(enterprise) == estimate.distance
    application_submit(application_id=draft.pk, actor=enterprise_user, today=DAY)
    assert stored(enterprise) == 0 == worked_out(enterprise)
    application_withdraw(application_id=draft.pk, actor=enterprise_user)
    assert stored(enterprise) == estimate.distance == worked_out(enterprise)


def test_the_pool_is_listed_by_the_stored_key(district, city_official, district_official):
    far = in_pool(district, "乙远")
    pool_estimate_save(actor=district_official, enterprise_id=far.pk, data={**WORKED, **FAR})
    eligible = in_pool(district, "丙符合")
    filing(eligible)
    without = in_pool(district, "甲无数据")
    listed = list(pool_candidates(city_official))
    assert [e.pk for e in listed] == [eligible.pk, far.pk, without.pk]
    assert [e.pool_eligible for e in listed] == [True, False, None]
    # A key written behind the services' back is what the list follows: the order is read, not worked out.
    Enterprise.objects.filter(pk=without.pk).update(pool_distance=0)
    assert [e.pk for e in pool_candidates(city_official)] == [eligible.pk, without.pk, far.pk]  # 0 then by name


def test_a_refresh_writes_what_the_database_works_out(district):
    enterprises = [in_pool(district, f"企业{n}") for n in range(4)]
    filing(enterprises[0], score=30, eligible=False)
    filing(enterprises[1])
    Enterprise.objects.update(pool_distance=99)  # stale, as after a bulk insert without signals
    assert pool_distances_refresh([e.pk for e in enterprises]) == 4
    assert [stored(e) for e in enterprises] == [30, 0, None, None]


def test_the_admin_shows_the_key_read_only(client, admin_user_persona, district):
    enterprise = in_pool(district, "甲")
    filing(enterprise, score=47, eligible=False)
    client.force_login(admin_user_persona)
    page = client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])).content.decode()
    assert re.search(r"距符合条件的差距.*?<div class=\"readonly\">13</div>", page, re.S)
