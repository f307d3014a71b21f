"""Password reset mails are limited per client address and per e-mail address written to
(PASSWORD_RESET_THROTTLE_RATE), like the other anonymous forms that cost something; beyond a limit nothing is
sent and the answer is the page every reset request gets, so the limit tells nothing about accounts."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from smeportal.models import SecurityEvent
from smeportal.throttling import PageThrottle
from tests import factories

pytestmark = pytest.mark.django_db

RESET = reverse("password_reset")
DONE = reverse("password_reset_done")


@pytest.fixture
def rate(settings):
    settings.PASSWORD_RESET_THROTTLE_RATE = "3/hour"


def ask(client: Client, email: str, address: str = "198.51.100.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def same_answer(response) -> bool:
    return response.status_code == 302 and response["Location"] == DONE


def test_password_reset_mails_are_throttled_per_client(client, enterprise_user):
    """Anyone could otherwise flood a user's (or an official's) mailbox, and the portal's mail server, with
    reset mails: a client asking again and again gets the stock rate's worth, and the same answer each time."""
    answers = [ask(client, enterprise_user.email) for _ in range(30)]

    assert len(mail.outbox) == 5  # the default rate, 5 an hour
    assert all(same_answer(answer) for answer in answers)


def test_one_client_asking_for_many_addresses_is_limited(client, rate):
    users = [factories.UserFactory(username=f"user{n}") for n in range(5)]
    answers = [ask(client, user.email) for user in users]

    assert [message.to for message in mail.outbox] == [[user.email] for user in users[:3]]
    assert all(same_answer(answer) for answer in answers)


def test_one_address_asked_for_from_many_clients_is_limited(client, enterprise_user, rate):
    """Rotating the client address does not flood one mailbox: the address written to has its own limit."""
    answers = [ask(Client(), enterprise_user.email, f"203.0.113.{n}") for n in range(6)]

    assert len(mail.outbox) == 3
    assert all(same_answer(answer) for answer in answers)


def test_the_address_is_counted_whatever_its_case(client, rate):
    user = factories.UserFactory(username="forgetful", email="forgetful@example.cn")
    spellings = ["forgetful@example.cn", "Forgetful@Example.cn", "FORGETFUL@EXAMPLE.CN", "forgetful@EXAMPLE.cn"]
    for n, spelling in enumerate(spellings):
        ask(Client(), spelling, f"203.0.113.{n}")

    assert len(mail.outbox) == 3 and {tuple(message.to) for message in mail.outbox} == {(user.email,)}


def test_a_limited_answer_tells_nothing_about_the_account(client, enterprise_user, rate):
    """Known or unknown address, under or over a limit: the same redirect to the same page."""
    for _ in range(3):
        ask(client, enterprise_user.email)
    over_known = ask(client, enterprise_user.email)
    over_unknown = ask(client, "nobody@example.cn")
    fresh_unknown = ask(Client(), "nobody@example.cn", "203.0.113.50")

    assert len(mail.outbox) == 3
    for answer in (over_known, over_unknown, fresh_unknown):
        assert same_answer(answer)
        assert answer.content == over_known.content


def test_other_clients_and_addresses_are_not_held_by_one_clients_limit(client, enterprise_user, rate):
    other = factories.UserFactory(username="other")
    for _ in range(4):
        ask(client, enterprise_user.email)
    assert len(mail.outbox) == 3

    ask(Client(), other.email, "203.0.113.9")

    assert len(mail.outbox) == 4 and mail.outbox[-1].to == [other.email]


def test_the_limit_lifts_after_its_period(client, enterprise_user, rate, monkeypatch):
    now = {"t": 1_900_000_000.0}
    monkeypatch.setattr(PageThrottle, "timer", staticmethod(lambda: now["t"]))
    for _ in range(4):
        ask(client, enterprise_user.email)
    assert len(mail.outbox) == 3

    now["t"] += 3601

    ask(client, enterprise_user.email)
    assert len(mail.outbox) == 4


def test_an_invalid_form_costs_nothing(client, enterprise_user, rate):
    for _ in range(5):
        refused = client.post(RESET, {"email": "not-an-address"})
        assert refused.status_code == 200 and refused.context["form"].errors
    ask(client, enterprise_user.email)

    assert len(mail.outbox) == 1


def reset_requests():
    return list(SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_RESET_REQUESTED).order_by("pk"))


def test_every_reset_request_is_in_the_security_log_the_refused_ones_marked(client, enterprise_user, rate):
    """A flood of reset requests is what an auditor looks for: each request is logged with the address asked
    for and the account it names, and those over the limit say so (no mail went out for them)."""
    for _ in range(4):
        ask(client, enterprise_user.email)

    events = reset_requests()
    assert [event.details["throttled"] for event in events] == [False, False, False, True]
    assert {(event.user_id, event.target, event.ip_address) for event in events} == {
        (enterprise_user.pk, enterprise_user.email, "198.51.100.7")
    }
    assert len(mail.outbox) == 3


def test_a_request_for_an_unknown_address_is_logged_without_an_account(client):
    ask(client, "nobody@example.cn")

    (event,) = reset_requests()
    assert (event.user_id, event.username, event.target, event.details) == (
        None,
        "",
        "nobody@example.cn",
        {"accounts": 0, "throttled": False},
    )
