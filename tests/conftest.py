"""Persona fixtures and service guards shared by the whole suite.

Tests marked ``needs_redis`` / ``needs_postgres`` skip locally when the service is missing, and
fail in CI (CI=true), where the services are always there.
"""

import os
import socket

import pytest
from django.db import connection

from tests import factories

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_redis") and not _redis_reachable():
        if IN_CI:
            pytest.fail("Redis at 127.0.0.1:6379 is required in CI but is not reachable")
        pytest.skip("needs Redis at 127.0.0.1:6379 (not reachable here)")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Most tests create users with passwords; the default PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run on PostgreSQL (set DATABASE_URL)")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://postgres@127.0.0.1:5432/smeportal)")


@pytest.fixture
def district(db):
    return factories.DistrictFactory(code="510703", name="涪城区")


@pytest.fixture
def other_district(db):
    return factories.DistrictFactory(code="510704", name="游仙区")


@pytest.fixture
def enterprise(district):
    return factories.EnterpriseFactory(managing_district=district)


@pytest.fixture
def other_enterprise(other_district):
    return factories.EnterpriseFactory(managing_district=other_district)


@pytest.fixture
def enterprise_user(enterprise):
    return factories.EnterpriseMembershipFactory(enterprise=enterprise, user__username="ent_user").user


@pytest.fixture
def other_enterprise_user(other_enterprise):
    return factories.EnterpriseMembershipFactory(enterprise=other_enterprise, user__username="other_ent_user").user


@pytest.fixture
def district_official(district):
    return factories.OfficialMembershipFactory(district=district, user__username="fucheng_official").user


@pytest.fixture
def other_district_official(other_district):
    return factories.OfficialMembershipFactory(district=other_district, user__username="youxian_official").user


@pytest.fixture
def city_official(db):
    return factories.OfficialMembershipFactory(district=None, user__username="city_official").user


@pytest.fixture
def department(db):
    return factories.DepartmentFactory(code="kjj", name="市科技局")


@pytest.fixture
def other_department(db):
    return factories.DepartmentFactory(code="jxj", name="市经信局")


@pytest.fixture
def department_user(department):
    return factories.DepartmentMembershipFactory(department=department, user__username="kjj_user").user


@pytest.fixture
def other_department_user(other_department):
    return factories.DepartmentMembershipFactory(department=other_department, user__username="jxj_user").user


@pytest.fixture
def admin_user_persona(db):
    return factories.UserFactory(username="portal_admin", is_staff=True, is_superuser=True)


PERSONAS = [
    "anonymous",
    "enterprise_user",
    "other_enterprise_user",
    "district_official",
    "other_district_official",
    "department_user",
    "city_official",
    "admin_user_persona",
]


@pytest.fixture
def persona_client(client, request):
    """A test client logged in as the named persona fixture (or anonymous)."""

    def login(name: str):
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return login
