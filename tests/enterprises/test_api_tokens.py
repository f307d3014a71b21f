"""API tokens: a key is shown once and stored as a digest, dies with a password change, and its owner
lists and revokes their own on /accounts/tokens/ (nobody else's)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from smeportal.models import ApiToken, token_digest

pytestmark = pytest.mark.django_db

LIST = "/api/v1/certification/filings/"


def refused(response) -> bool:
    return response.status_code in {401, 403} and response.json()["detail"] == "令牌无效或已失效。"


def api_with(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_a_password_change_makes_every_earlier_token_invalid(client, enterprise_user):
    _token, key = ApiToken.issue(enterprise_user)
    assert api_with(key).get(LIST).status_code == 200
    client.force_login(enterprise_user)
    new_password = "another-pass-2027"
    changed = client.post(
        reverse("password_change"),
        {"old_password": "portal-pass-2026", "new_password1": new_password, "new_password2": new_password},
    )
    assert changed.status_code == 302
    assert refused(api_with(key).get(LIST))
    enterprise_user.refresh_from_db()
    _new, new_key = ApiToken.issue(enterprise_user)
    assert api_with(new_key).get(LIST).status_code == 200


def test_the_owner_issues_a_token_and_sees_its_key_once(client, enterprise_user):
    client.force_login(enterprise_user)
    issued = client.post(reverse("tokens"), {"name": "财务系统对接"})
    assert issued.status_code == 200
    key = issued.context["issued_key"]
    assert key and key in issued.content.decode()
    token = ApiToken.objects.get(user=enterprise_user)
    assert token.digest == token_digest(key) and key not in (token.digest, token.prefix)
    listed = client.get(reverse("tokens")).content.decode()
    assert "财务系统对接" in listed and token.prefix in listed
    assert key not in listed


def test_the_owner_revokes_a_token_and_it_stops_working(client, enterprise_user):
    token, key = ApiToken.issue(enterprise_user, name="旧系统")
    client.force_login(enterprise_user)
    response = client.post(reverse("token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert refused(api_with(key).get(LIST))


def test_nobody_lists_or_revokes_another_users_token(client, enterprise_user, other_enterprise_user):
    token, key = ApiToken.issue(enterprise_user, name="企业甲的令牌")
    client.force_login(other_enterprise_user)
    assert "企业甲的令牌" not in client.get(reverse("tokens")).content.decode()
    assert client.post(reverse("token_revoke", args=[token.pk])).status_code == 404
    assert api_with(key).get(LIST).status_code == 200


def test_the_admin_shows_the_prefix_never_a_key(client, enterprise_user, admin_user_persona):
    token, key = ApiToken.issue(enterprise_user)
    client.force_login(admin_user_persona)
    page = client.get(reverse("admin:smeportal_apitoken_change", args=[token.pk])).content.decode()
    assert token.prefix in page
    assert key not in page and token.digest not in page
