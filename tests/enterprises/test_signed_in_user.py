"""The user a request signs in comes with its memberships: the role checks of every page cost no query."""

import pytest
from django.contrib.auth import get_user_model

from assistance.roles import member_department_id
from enterprises.backends import PortalModelBackend
from enterprises.roles import is_city_official, member_enterprise_id, official_district_id

pytestmark = pytest.mark.django_db


def roles(user) -> tuple:
    return (
        is_city_official(user),
        official_district_id(user),
        member_department_id(user),
        member_enterprise_id(user),
    )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("city_official", lambda p: (True, None, None, None)),
        ("district_official", lambda p: (False, p.official_membership.district_id, None, None)),
        ("department_user", lambda p: (False, None, p.department_membership.department_id, None)),
        ("enterprise_user", lambda p: (False, None, None, p.enterprise_membership.enterprise_id)),
    ],
)
def test_every_role_check_reads_the_memberships_loaded_with_the_user(
    request, persona, expected, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    with django_assert_num_queries(1):
        loaded = PortalModelBackend().get_user(user.pk)
    with django_assert_num_queries(0):
        assert roles(loaded) == expected(user)


def test_a_user_without_any_membership_is_nobody_without_a_query(django_assert_num_queries):
    plain = get_user_model().objects.create_user("plain", password="x")
    loaded = PortalModelBackend().get_user(plain.pk)
    with django_assert_num_queries(0):
        assert roles(loaded) == (False, None, None, None)


def test_an_inactive_or_missing_user_is_not_signed_in(enterprise_user):
    enterprise_user.is_active = False
    enterprise_user.save(update_fields=["is_active"])
    assert PortalModelBackend().get_user(enterprise_user.pk) is None
    assert PortalModelBackend().get_user(10**9) is None


def test_a_signed_in_page_asks_for_the_session_the_user_and_the_unread_count_only(
    client, district_official, django_assert_num_queries
):
    client.force_login(district_official)
    # The session, the user with its memberships, the navigation's unread notifications.
    with django_assert_num_queries(3):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
