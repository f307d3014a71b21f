"""The external identity provider (OpenID Connect) is a switch: off by default, and when configured the
login page offers it and accounts are keyed by the provider's subject, with no enterprise access."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from enterprises.oidc import ProvincialIdentityBackend
from enterprises.scoping import enterprise_scope

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


@pytest.mark.django_db
def test_accounts_are_keyed_by_the_subject_and_act_for_no_enterprise(settings):
    for name, value in PROVIDER.items():
        setattr(settings, name, value)
    backend = ProvincialIdentityBackend()
    user = backend.create_user({"sub": "330102199001011234", "email": "li@example.cn"})
    assert user.username == "oidc-330102199001011234" and not user.has_usable_password()
    assert list(backend.filter_users_by_claims({"sub": "330102199001011234", "email": "x@y.cn"})) == [user]
    assert not backend.filter_users_by_claims({"email": "li@example.cn"}).exists()
    assert enterprise_scope(user).is_empty
