"""The external identity provider (OpenID Connect) is a switch: off by default, and when configured the
login page offers it and accounts are keyed by the provider's subject (stored in its own table, unique in the
database), never by a username anyone may register, with no enterprise access."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.urls import reverse

from enterprises.models import ProviderIdentity
from enterprises.oidc import ProvincialIdentityBackend
from enterprises.scoping import enterprise_scope
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = {
    "OIDC_ENABLED": "1",
    "OIDC_RP_CLIENT_ID": "smeportal",
    "OIDC_RP_CLIENT_SECRET": "secret-for-the-test",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.gov.cn/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.gov.cn/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.gov.cn/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.gov.cn/jwks",
}
PROBE = (
    "import json, django; django.setup(); from django.conf import settings; from django.urls import reverse;"
    "from django.test import Client; page = Client().get('/accounts/login/').content.decode();"
    "print(json.dumps({'backends': settings.AUTHENTICATION_BACKENDS, 'url': reverse('oidc_authentication_init'),"
    " 'button': 'data-testid=\"oidc-login\"' in page}))"
)


def run_with(**environment):
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "PYTHONPATH"}}
    env = {**keep, "DJANGO_SETTINGS_MODULE": "smeportal.settings", "DATABASE_URL": "sqlite:///:memory:", **environment}
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_configured_provider_adds_its_backend_its_urls_and_a_login_button():
    result = run_with(**PROVIDER)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["backends"][-1] == "enterprises.oidc.ProvincialIdentityBackend"
    assert values["url"] == "/oidc/authenticate/"
    assert values["button"] is True


def test_without_the_switch_there_is_no_provider():
    result = run_with()
    assert result.returncode != 0 and "NoReverseMatch" in result.stderr


SUBJECT = "330102199001011234"  # a provincial subject is often a resident ID number: no secret


@pytest.fixture
def provider(settings):
    for name, value in PROVIDER.items():
        setattr(settings, name, value)


def signed_in_by_the_provider(monkeypatch, subject=SUBJECT, email="li@example.cn"):
    """The account the backend hands to the login after the provider vouched for ``subject``."""
    backend = ProvincialIdentityBackend()
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: {"sub": subject, "email": email})
    return backend.get_or_create_user("access-token", "id-token", {})


@pytest.mark.django_db
def test_accounts_are_keyed_by_the_subject_and_act_for_no_enterprise(provider):
    backend = ProvincialIdentityBackend()
    user = backend.create_user({"sub": SUBJECT, "email": "li@example.cn"})
    assert user.provider_identity.subject == SUBJECT and not user.has_usable_password()
    # The username says where the account came from, not who the person is (usernames are shown to others).
    assert user.username.startswith("oidc-") and SUBJECT not in user.username
    assert list(backend.filter_users_by_claims({"sub": SUBJECT, "email": "x@y.cn"})) == [user]
    assert not backend.filter_users_by_claims({"email": "li@example.cn"}).exists()
    assert enterprise_scope(user).is_empty


@pytest.mark.django_db
def test_the_next_sign_in_with_the_same_subject_finds_the_same_account(provider, monkeypatch):
    first = signed_in_by_the_provider(monkeypatch)
    again = signed_in_by_the_provider(monkeypatch, email="changed@example.cn")
    assert again == first
    assert ProviderIdentity.objects.filter(subject=SUBJECT).count() == 1


@pytest.mark.django_db
def test_a_provider_login_does_not_land_in_an_account_someone_registered_with_a_password(
    provider, monkeypatch, district
):
    """Account pre-hijacking: whoever knows a person's subject took the username "oidc-<subject>" with a password
    of their own (before the prefix was reserved at registration). The person signing in with the provider gets
    an account of their own, not the stranger's, whatever the stranger's username."""
    stranger = factories.UserFactory(username=f"oidc-{SUBJECT}", password="Attacker-Pass-2026!")

    user = signed_in_by_the_provider(monkeypatch)

    assert user != stranger and not user.check_password("Attacker-Pass-2026!")
    assert user.provider_identity.subject == SUBJECT
    assert not ProviderIdentity.objects.filter(user=stranger).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("username", [f"oidc-{SUBJECT}", f"OIDC-{SUBJECT}", "oidc-anything", "ｏｉｄｃ-fullwidth"])
def test_registration_refuses_the_provider_prefix(client, enterprise, username):
    """Defence in depth: the name of a provider account is nobody's to choose at self-registration."""
    password = "Mianyang-Kj-2026!"
    response = client.post(
        reverse("register"),
        {
            "username": username,
            "password1": password,
            "password2": password,
            "email": "attacker@example.cn",
            "credit_code": enterprise.credit_code,
            "company_name": enterprise.name,
            "contact_name": "王五",
            "contact_phone": "0816-1111111",
        },
    )
    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["username"]] == ["reserved"]
    assert not get_user_model().objects.filter(email="attacker@example.cn").exists()


@pytest.mark.django_db
def test_a_subject_links_one_account_in_the_database():
    first, second = factories.UserFactory(), factories.UserFactory()
    ProviderIdentity.objects.create(user=first, subject=SUBJECT)
    with pytest.raises(IntegrityError):
        ProviderIdentity.objects.create(user=second, subject=SUBJECT)


@pytest.mark.django_db
def test_a_first_sign_in_racing_another_finds_the_account_the_other_made(provider):
    """Two tabs finish the provider's sign-in at once: both found no account; the second to create one meets the
    unique subject and gets the first one's account instead of an error."""
    earlier = ProvincialIdentityBackend().create_user({"sub": SUBJECT, "email": "li@example.cn"})
    users = get_user_model().objects.count()
    assert ProvincialIdentityBackend().create_user({"sub": SUBJECT, "email": "li@example.cn"}) == earlier
    assert get_user_model().objects.count() == users


@pytest.mark.django_db
def test_the_migration_links_the_accounts_the_provider_made_and_nothing_else():
    """Existing provider accounts keep working: named "oidc-<subject>" without a usable password. A self-registered
    name of that shape has a password (it may be a stranger's), and a 150-character name may hold a cut subject."""
    migration = importlib.import_module("enterprises.migrations.0014_provider_identity_one_admin")
    User = get_user_model()
    made_by_provider = User.objects.create_user(username=f"oidc-{SUBJECT}", password=None)
    registered = User.objects.create_user(username="oidc-510102198501011234", password="Attacker-Pass-2026!")
    other = User.objects.create_user(username="li_si", password=None)
    cut = User.objects.create_user(username="oidc-" + "x" * 145, password=None)
    linked = User.objects.create_user(username="oidc-already", password=None)
    ProviderIdentity.objects.create(user=linked, subject="kept-as-it-is")

    migration.link_provider_accounts(apps, None)
    migration.link_provider_accounts(apps, None)  # a second run changes nothing

    assert dict(ProviderIdentity.objects.values_list("user__username", "subject")) == {
        made_by_provider.username: SUBJECT,
        linked.username: "kept-as-it-is",
    }
    assert not ProviderIdentity.objects.filter(user__in=[registered, other, cut]).exists()
