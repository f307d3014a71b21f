"""Persona fixtures and service guards shared by the whole suite.

Tests marked ``needs_redis`` / ``needs_postgres`` skip locally when the service is missing, and
fail in CI (CI=true), where the services are always there.

Celery runs every task in-process (eager) whatever CELERY_BROKER_URL says, except in tests marked
``needs_redis`` or ``celery_as_configured``, which see the app as the settings configure it.
"""

import datetime as dt
import io
import os
import socket

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from smeportal.celery import app as celery_app
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


# A shell that runs a worker exports CELERY_BROKER_URL, and the settings then send tasks to the broker:
# a test's .delay(...).get() would wait for a worker that is not there.
CELERY_IN_PROCESS = {
    "task_always_eager": True,
    "task_eager_propagates": True,
    "result_backend": "cache+memory://",
}
# Celery takes these from the environment in preference to any broker or result backend it is configured
# with, including the broker a real-worker test hands its client (the worker itself is given its own).
CELERY_ENVIRONMENT = ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL", "CELERY_RESULT_BACKEND")


@pytest.fixture(autouse=True)
def celery_in_process(request, settings, monkeypatch):
    for name in CELERY_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    if request.node.get_closest_marker("needs_redis") or request.node.get_closest_marker("celery_as_configured"):
        yield
        return
    # Values set on app.conf shadow the CELERY_* settings, so the app's own configuration is what decides;
    # the settings are overridden too so that both say the same.
    for key, value in CELERY_IN_PROCESS.items():
        setattr(settings, f"CELERY_{key.upper()}", value)
    changes = celery_app.conf.changes
    shadowed = {key: changes[key] for key in CELERY_IN_PROCESS if key in changes}
    celery_app.conf.update(CELERY_IN_PROCESS)
    # Creating another Celery app (a test's broker client) makes it the thread's current app, and shared
    # tasks run on the current app.
    celery_app.set_current()
    yield
    for key in CELERY_IN_PROCESS:
        changes.pop(key, None)
    changes.update(shadowed)


@pytest.fixture(autouse=True)
def default_language():
    """A request through LocaleMiddleware leaves its language active on the thread; each test starts in
    the portal's default language, as a worker process does."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def campaigns_open_all_year(request):
    """Tests file, review and register on whatever dates they name: each year's campaign is open from
    1 January to 31 December (tests of the windows store their own campaign over it)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        yield
        return
    transactional = (
        marker is not None and marker.kwargs.get("transaction")
    ) or "transactional_db" in request.fixturenames
    request.getfixturevalue("transactional_db" if transactional else "db")
    open_campaigns_all_year()
    yield


def open_campaigns_all_year() -> None:
    from certification.models import EvaluationCampaign

    campaigns = []
    for year in range(2017, dt.date.today().year + 6):
        campaign = EvaluationCampaign.with_defaults(year)
        campaign.filing_opens, campaign.filing_closes = dt.date(year, 1, 1), dt.date(year, 12, 31)
        campaign.batch_cutoffs = []
        campaign.notices_end_by = dt.date(year, 12, 31)
        campaigns.append(campaign)
    EvaluationCampaign.objects.bulk_create(campaigns, ignore_conflicts=True)


@pytest.fixture
def today(monkeypatch):
    """Pin the portal's 'today' (views call timezone.localdate())."""

    def pin(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return day

    return pin


@pytest.fixture(autouse=True)
def fresh_cache():
    """Throttles and lockouts count in the cache: each test starts with none spent by another."""
    cache.clear()
    yield
    cache.clear()


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Most tests create users with passwords; the default PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("CI must run on PostgreSQL (set DATABASE_URL)")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://postgres@127.0.0.1:5432/smeportal)")


@pytest.fixture
def reference(db):
    """The city's districts, clusters and departments (RULES.md §6), as ``make demo`` loads them."""
    call_command("load_reference_data", stdout=io.StringIO())


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


# The sessions' clock in the tests of their limits (smeportal.sessions.clock), pinned by ``travel``.
SESSION_CLOCK_START = 1_900_000_000.0


@pytest.fixture
def travel(monkeypatch):
    """Pins the sessions' clock at SESSION_CLOCK_START; ``travel(seconds)`` moves it that far past it."""
    from smeportal import sessions

    moment = {"now": SESSION_CLOCK_START}
    monkeypatch.setattr(sessions, "clock", lambda: moment["now"])

    def to(seconds: float) -> None:
        moment["now"] = SESSION_CLOCK_START + seconds

    return to


@pytest.fixture
def session_limits(settings):
    """Short limits, shorter still for officials, so a test can pass each by moving the clock."""
    settings.SESSION_IDLE_TIMEOUT = 600
    settings.SESSION_ABSOLUTE_LIFETIME = 3600
    settings.SESSION_IDLE_TIMEOUT_OFFICIALS = 300
    settings.SESSION_ABSOLUTE_LIFETIME_OFFICIALS = 1800


@pytest.fixture
def persona_client(client, request):
    """A test client logged in as the named persona fixture (or anonymous)."""

    def login(name: str):
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return login
