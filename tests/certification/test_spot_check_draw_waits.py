"""The year's spot-check draw waits for the year's registrations (RULES.md §3: 5% of "the year's registered
enterprises"): refused while filings of the year are recommended or under notice, with their number, by the
service and the command; drawn once they are registered or decided, and not held by filings that can never
be registered (a barred enterprise's, or any once the year's registrations are no longer made)."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from certification.models import Application, Registration, SpotCheck, SpotCheckDraw
from certification.services.notice import notice_batch_create
from certification.services.registration import notice_batch_register_due
from certification.services.spot_check import spot_check_draw
from certification.workflow import TransitionError
from tests import factories
from tests.helpers import reload

pytestmark = pytest.mark.django_db

S = Application.State
YEAR = 2026
START = dt.date(2026, 9, 28)  # the notice runs to mid-October (National Day in between)


def firm(district):
    return factories.EnterpriseFactory(managing_district=district)


@pytest.fixture
def registered(district):
    return factories.registered_filing(firm(district), year=YEAR)


@pytest.fixture
def under_notice(district, city_official, registered, today):
    """One filing of the year under a notice that started on START (pinned as today)."""
    today(START)
    filing = factories.recommended_filing(firm(district), year=YEAR)
    notice_batch_create(actor=city_official, title="2026年第4批公示", start_date=START, application_ids=[filing.pk])
    return reload(filing)


def test_the_draw_is_refused_while_a_filing_of_the_year_is_under_notice(under_notice, city_official):
    assert under_notice.state == S.UNDER_NOTICE
    with pytest.raises(TransitionError, match="2026年度还有1件申报处于已推荐或公示中"):
        spot_check_draw(actor=city_official, year=YEAR, seed=1)
    assert not SpotCheckDraw.objects.exists() and not SpotCheck.objects.exists()


def test_the_draw_is_refused_after_the_notice_ended_until_the_filing_is_registered(under_notice, city_official, today):
    """The notice's end is not enough: an ended notice waits for "register due", still outside the population."""
    today(under_notice.notice_batch.end_date + dt.timedelta(days=1))
    with pytest.raises(TransitionError, match="还有1件"):
        spot_check_draw(actor=city_official, year=YEAR, seed=1)
    created = notice_batch_register_due(today=timezone.localdate(), actor=city_official)
    assert [registration.application_id for registration in created] == [under_notice.pk]
    draw = spot_check_draw(actor=city_official, year=YEAR, share="1", seed=1)
    assert (draw.population, draw.drawn) == (2, 2)  # the late registration is in the population


def test_recommended_filings_hold_the_draw_and_are_counted(district, registered, city_official):
    for _ in range(3):
        factories.recommended_filing(firm(district), year=YEAR)
    with pytest.raises(TransitionError) as refused:
        spot_check_draw(actor=city_official, year=YEAR, seed=1)
    assert str(refused.value) == (
        "2026年度还有3件申报处于已推荐或公示中，尚未入库登记。抽查须从本年度全部入库企业中抽取，"
        "请待这些申报入库登记或作出不予通过的决定后再抽取。"
    )


def test_decided_filings_and_other_years_do_not_hold_the_draw(district, registered, city_official):
    factories.ApplicationFactory(enterprise=firm(district), evaluation_year=YEAR, state=S.REJECTED)
    factories.ApplicationFactory(enterprise=firm(district), evaluation_year=YEAR, state=S.SUBMITTED)
    factories.recommended_filing(firm(district), year=YEAR + 1)
    factories.recommended_filing(firm(district), year=YEAR - 1)
    assert spot_check_draw(actor=city_official, year=YEAR, seed=1).drawn == 1


def test_a_barred_enterprises_filing_does_not_hold_the_draw(district, registered, city_official):
    """It stays under notice for ever (never registered): counting it would make the year undrawable."""
    barred = firm(district)
    earlier = factories.registered_filing(barred, year=YEAR - 1)
    Registration.objects.filter(pk=earlier.pk).update(
        revoked_at=dt.datetime(YEAR, 3, 1, tzinfo=dt.UTC), revocation_grounds=Registration.Grounds.FRAUD
    )
    factories.ApplicationFactory(enterprise=barred, evaluation_year=YEAR, state=S.UNDER_NOTICE)
    factories.recommended_filing(firm(district), year=YEAR)
    with pytest.raises(TransitionError, match="还有1件"):  # the other firm's filing only
        spot_check_draw(actor=city_official, year=YEAR, seed=1)


@pytest.mark.parametrize(("day", "refused"), [(dt.date(YEAR, 12, 31), True), (dt.date(YEAR + 1, 1, 4), False)])
def test_once_the_years_registrations_are_over_nothing_holds_the_draw(under_notice, city_official, today, day, refused):
    """Up to the campaign's registration_valid_until (31 December) the filing may still be registered."""
    today(day)
    if refused:
        with pytest.raises(TransitionError, match="还有1件"):
            spot_check_draw(actor=city_official, year=YEAR, seed=1)
    else:
        assert spot_check_draw(actor=city_official, year=YEAR, seed=1).population == 1


def test_the_command_refuses_while_filings_are_under_notice(under_notice):
    with pytest.raises(CommandError, match="2026年度还有1件申报处于已推荐或公示中"):
        call_command("draw_spot_checks", "--year", str(YEAR), "--json", stdout=io.StringIO())
    assert not SpotCheckDraw.objects.exists()


def test_a_year_already_drawn_says_so_first(registered, city_official, district):
    """Filings recommended after the draw (e.g. a resubmission) are told of the draw, not asked to wait."""
    spot_check_draw(actor=city_official, year=YEAR, seed=1)
    factories.recommended_filing(firm(district), year=YEAR)
    with pytest.raises(TransitionError, match="每年只抽取一次"):
        spot_check_draw(actor=city_official, year=YEAR, seed=2)
