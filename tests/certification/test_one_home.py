"""One home per rule: the pool, the filing's prefilled declaration, the review list and the demo ask the
same rules (certification.rules) and give the same answers on the cases that used to diverge."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.guards import on_site_grounds
from certification.models import Application
from certification.rules import on_site
from certification.rules.industry import is_restricted_industry
from certification.selectors.pool import pool_candidates
from certification.services.filing_items import filing_start
from demo.histories import needs_on_site_check as demo_needs_on_site_check
from tests import factories

# (section, code, restricted): a blank section with a code of tobacco (C16) or entertainment (R90)
# used to be restricted for the pool and not for the filing's prefill.
INDUSTRY_CASES = [
    ("", "C1610", True),
    ("", "9011", True),
    ("", "1610", True),
    ("C", "1610", True),
    ("F", "5191", True),
    ("", "F5191", True),
    ("", "K7010", True),
    ("I", "6513", False),
    ("", "6513", False),
    ("C", "3911", False),
    ("", "", False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("section", "code", "restricted"), INDUSTRY_CASES)
def test_pool_and_filing_prefill_agree_on_restricted_industries(
    section, code, restricted, district, district_official, enterprise_user
):
    assert is_restricted_industry(section, code) is restricted
    enterprise = enterprise_user.enterprise_membership.enterprise
    enterprise.industry_section, enterprise.industry_code, enterprise.in_cultivation_pool = section, code, True
    enterprise.save()
    in_restricted_filter = pool_candidates(district_official, {"restricted": True}).filter(pk=enterprise.pk).exists()
    assert in_restricted_filter is restricted
    filing = filing_start(actor=enterprise_user, evaluation_year=timezone.localdate().year)
    assert filing.restricted_industry is restricted


# (total staff, tech staff, first-time applicant, on-site check required)
ON_SITE_CASES = [
    ("5", "1", False, True),
    ("5.01", "1", False, False),
    ("50", "45", False, True),
    ("50", "44.99", False, False),
    ("49.99", "49", False, False),
    ("40", "6", True, True),
    ("40", "6", False, False),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("total", "tech", "first_time", "required"), ON_SITE_CASES)
def test_review_service_review_list_and_demo_agree_on_the_on_site_check(
    client, district_official, enterprise, total, tech, first_time, required
):
    filing = factories.ApplicationFactory(
        enterprise=enterprise,
        state=Application.State.SUBMITTED,
        total_staff=Decimal(total),
        tech_staff=Decimal(tech),
        first_time_applicant=first_time,
    )
    assert bool(on_site_grounds(filing, timezone.localdate())) is required
    assert demo_needs_on_site_check(filing) is required
    client.force_login(district_official)
    page = client.get(reverse("certification:review_list")).text
    row = page.split(f'data-filing="{filing.pk}"')[1].split("</tr>")[0]
    assert ('data-on-site="required"' in row) is required


@pytest.mark.django_db
def test_a_recent_revocation_requires_the_check_in_the_service_and_the_list(client, district_official, enterprise):
    registration = factories.registered_filing(enterprise, year=2024)
    registration.revoked_at = timezone.now() - dt.timedelta(days=400)
    registration.save()
    filing = factories.ApplicationFactory(enterprise=enterprise, state=Application.State.SUBMITTED)
    assert on_site.REVOKED_RECENTLY in on_site_grounds(filing, timezone.localdate())
    client.force_login(district_official)
    row = client.get(reverse("certification:review_list")).text.split(f'data-filing="{filing.pk}"')[1]
    assert 'data-on-site="required"' in row.split("</tr>")[0]
