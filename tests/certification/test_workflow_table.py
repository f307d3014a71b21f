"""The transition table of certification.workflow checked against the filing's states, and the one guarded
move that every transition, single or in bulk, goes through."""

import pytest
from django.db import transaction

from certification import guards
from certification.models import Application, ApplicationEvent
from certification.states import FilingState
from certification.workflow import (
    CITY,
    ENTERPRISE,
    NEW,
    REVIEWER,
    SYSTEM,
    TRANSITIONS,
    TransitionError,
    available,
    move_many,
)
from tests import factories

S = FilingState
# The procedure of RULES.md §3 as edges (from, to); the table must say exactly this.
PROCEDURE = {
    (NEW, S.DRAFT),
    (S.WITHDRAWN, S.DRAFT),
    (S.DRAFT, S.SUBMITTED),
    (S.RETURNED, S.SUBMITTED),
    *((state, S.WITHDRAWN) for state in (S.DRAFT, S.RETURNED, S.SUBMITTED, S.ON_SITE_CHECK)),
    (S.SUBMITTED, S.RETURNED),
    (S.ON_SITE_CHECK, S.RETURNED),
    (S.SUBMITTED, S.ON_SITE_CHECK),
    (S.ON_SITE_CHECK, S.ON_SITE_CHECK),
    (S.SUBMITTED, S.RECOMMENDED),
    (S.ON_SITE_CHECK, S.RECOMMENDED),
    *((state, S.REJECTED) for state in (S.SUBMITTED, S.ON_SITE_CHECK, S.RETURNED, S.RECOMMENDED, S.UNDER_NOTICE)),
    (S.RECOMMENDED, S.UNDER_NOTICE),
    (S.UNDER_NOTICE, S.REGISTERED),
    (S.REGISTERED, S.EXPIRED),
    (S.REGISTERED, S.REVOKED),
    (S.EXPIRED, S.REVOKED),
}


def edges():
    return {(source, t.target) for t in TRANSITIONS.values() for source in t.sources}


def test_the_table_is_the_procedure():
    assert edges() == PROCEDURE


def test_every_state_of_the_table_is_a_filing_state_and_every_filing_state_is_in_the_table():
    states = {state for edge in edges() for state in edge} - {NEW}
    assert states == set(Application.State.values)
    assert {t.target for t in TRANSITIONS.values()} <= set(Application.State.values)


def test_only_rejected_and_revoked_filings_have_no_way_out():
    sources = {source for source, _target in edges()}
    assert set(Application.State.values) - sources == {S.REJECTED, S.REVOKED}


def test_every_transition_names_who_may_take_it_and_why_it_is_refused():
    for transition in TRANSITIONS.values():
        assert transition.roles and transition.roles <= {ENTERPRISE, REVIEWER, CITY, SYSTEM}
        assert str(transition.refusal)


def test_every_step_towards_a_registration_rechecks_the_ban():
    """RULES.md §3's ban is no longer the enterprise's own business once it has submitted: a revocation decided
    during the review or the notice still keeps the filing from being recommended and registered."""
    rechecking = {name for name, transition in TRANSITIONS.items() if guards.not_banned in transition.guards}
    assert rechecking == {"open", "submit", "resubmit", "recommend", "register"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "persona", "expected"),
    [
        (S.SUBMITTED, "district_official", {"return", "require_on_site_check", "recommend", "reject"}),
        (S.SUBMITTED, "enterprise_user", {"withdraw"}),
        (S.SUBMITTED, "other_district_official", set()),
        (S.RECOMMENDED, "district_official", set()),
        (S.RECOMMENDED, "city_official", {"reject_recommended", "publish", "bar"}),
        (S.RETURNED, "enterprise_user", {"resubmit", "withdraw"}),
        (S.REGISTERED, "city_official", {"revoke"}),
    ],
)
def test_available_actions_come_from_the_table(request, enterprise, state, persona, expected):
    filing = factories.ApplicationFactory(enterprise=enterprise, state=state)
    assert available(filing, request.getfixturevalue(persona)) == expected


@pytest.mark.django_db(transaction=True)
def test_a_bulk_move_with_one_filing_in_a_wrong_state_writes_nothing(enterprise, other_enterprise, city_official):
    good = factories.ApplicationFactory(enterprise=enterprise, state=S.RECOMMENDED)
    wrong = factories.ApplicationFactory(enterprise=other_enterprise, state=S.SUBMITTED)
    with pytest.raises(TransitionError), transaction.atomic():
        move_many([good, wrong], "publish", city_official)
    assert set(Application.objects.values_list("state", flat=True)) == {S.RECOMMENDED, S.SUBMITTED}
    assert not ApplicationEvent.objects.exists()


@pytest.mark.django_db
def test_a_bulk_move_writes_one_event_per_filing_the_same_way_as_a_single_move(enterprise, other_enterprise):
    filings = [
        factories.ApplicationFactory(enterprise=enterprise, state=S.REGISTERED),
        factories.ApplicationFactory(enterprise=other_enterprise, state=S.REGISTERED),
    ]
    move_many(filings, "expire", None, comment=lambda filing: f"#{filing.pk}")
    events = ApplicationEvent.objects.order_by("application_id")
    assert [(e.application_id, e.actor_id, e.from_state, e.to_state, e.comment) for e in events] == [
        (filing.pk, None, S.REGISTERED, S.EXPIRED, f"#{filing.pk}") for filing in filings
    ]
    assert set(Application.objects.values_list("state", flat=True)) == {S.EXPIRED}
