"""The enterprise's profile shows its registration number, validity and proof (through the certification
template tag: the enterprises app does not import certification)."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PROFILE = reverse("enterprises:profile")


def test_the_profile_shows_the_newest_registration_with_its_proof(client, enterprise_user, enterprise):
    factories.registered_filing(enterprise, year=2025)
    newest = factories.registered_filing(enterprise, year=2026)
    client.force_login(enterprise_user)
    body = client.get(PROFILE).content.decode()
    assert 'data-testid="registration-card"' in body
    assert newest.number in body and "2026-12-31" in body
    assert reverse("certification:registration_proof", args=[newest.pk]) in body


def test_no_card_before_registration_and_none_of_another_enterprise(client, enterprise_user, other_enterprise):
    other = factories.registered_filing(other_enterprise, year=2026)
    client.force_login(enterprise_user)
    body = client.get(PROFILE).content.decode()
    assert 'data-testid="registration-card"' not in body and other.number not in body


def test_the_profile_query_count_does_not_grow_with_registrations(
    client, enterprise_user, enterprise, django_assert_max_num_queries
):
    client.force_login(enterprise_user)
    factories.registered_filing(enterprise, year=2024)
    with django_assert_max_num_queries(9) as few:
        client.get(PROFILE)
    for year in (2025, 2026):
        factories.registered_filing(enterprise, year=year)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PROFILE)
