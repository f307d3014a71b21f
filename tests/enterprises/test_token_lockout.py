"""The token exchange under the login lockout (django-axes, the username and address pair): a locked pair gets
the 403 the API schema documents, with the reason, whatever the password, and the refused attempt does not
extend the lock."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.test import APIClient

from smeportal.models import ApiToken

pytestmark = pytest.mark.django_db

PASSWORD = "portal-pass-2026"
TOKEN = "/api/v1/auth/token/"
LOCKED = "登录失败次数过多。为保护账号安全，请一小时后再试，或联系管理员解锁。"


def fail_logins(client, times: int, username: str = "ent_user") -> None:
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong"})


def ask_token(password: str, username: str = "ent_user", address: str = "127.0.0.1", **extra):
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address, **extra
    )


def failures(username: str = "ent_user") -> int:
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def test_a_locked_account_asking_for_a_token_gets_the_documented_403(client, enterprise_user):
    """After the lockout the right password answered 400 "unable to log in with the provided credentials":
    the client (and the person) was told the right password was wrong and kept trying, extending the lock."""
    fail_logins(client, 5)

    response = ask_token(PASSWORD)

    assert response.status_code == 403
    assert response.json() == {"detail": LOCKED}
    assert not ApiToken.objects.filter(user=enterprise_user).exists()


def test_a_locked_account_gets_the_same_403_for_a_wrong_password_and_it_is_not_counted(client, enterprise_user):
    fail_logins(client, 5)
    counted = failures()

    wrong, right = ask_token("wrong"), ask_token(PASSWORD)

    assert (wrong.status_code, wrong.json()) == (right.status_code, right.json()) == (403, {"detail": LOCKED})
    assert failures() == counted


def test_one_failure_short_of_the_limit_the_right_password_gets_its_token(client, enterprise_user):
    fail_logins(client, 4)

    response = ask_token(PASSWORD)

    assert response.status_code == 200 and response.json()["token"]


def test_the_failure_that_reaches_the_limit_on_the_exchange_answers_403(client, enterprise_user):
    fail_logins(client, 4)

    reaching = ask_token("wrong")

    assert (reaching.status_code, reaching.json()) == (403, {"detail": LOCKED})
    assert ask_token(PASSWORD).status_code == 403


def test_a_wrong_password_below_the_limit_still_answers_400(enterprise_user):
    response = ask_token("wrong")

    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_the_lock_holds_the_username_and_address_pair_only(client, enterprise_user, other_enterprise_user):
    fail_logins(client, 5)

    assert ask_token(PASSWORD, address="203.0.113.9").status_code == 200  # the same account elsewhere
    assert ask_token(PASSWORD, username="other_ent_user").status_code == 200  # another account here


def test_the_lockout_reason_is_translated(client, enterprise_user):
    fail_logins(client, 5)

    response = ask_token(PASSWORD, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Too many failed login attempts.")


@pytest.mark.parametrize("body", [{"username": ["ent_user"], "password": PASSWORD}, {"password": PASSWORD}, []])
def test_a_malformed_request_is_a_400_not_a_lock_check(client, enterprise_user, body):
    fail_logins(client, 5)

    assert APIClient().post(TOKEN, body, format="json").status_code == 400
