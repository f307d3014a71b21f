"""Accounts: enterprise self-registration, password reset by e-mail, login lockout (django-axes)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseMembership
from enterprises.services.accounts import RegistrationError, enterprise_user_register
from tests import factories
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db
User = get_user_model()
PASSWORD = "Mianyang-Kj-2026!"
UNKNOWN_CODE = factories.credit_code_for(987_654)


def form_data(**overrides):
    data = {
        "username": "new_company",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "email": "hr@new-company.cn",
        "credit_code": UNKNOWN_CODE,
        "company_name": "绵阳新创科技有限公司",
        "contact_name": "李四",
        "contact_phone": "0816-2345678",
        "managing_district": "",
        "established_on": "",
    }
    data.update(overrides)
    return data


def spaced_lower(code: str) -> str:
    """How a clerk types a code: groups separated by spaces, lower case."""
    return " ".join(code[i : i + 6] for i in range(0, 18, 6)).lower()


def assert_nothing_written(users_before: int, enterprises_before: int):
    assert User.objects.count() == users_before
    assert Enterprise.objects.count() == enterprises_before
    assert not EnterpriseMembership.objects.exists()


def test_register_page_renders_for_anonymous(client, district):
    response = client.get(reverse("register"))
    assert response.status_code == 200
    body = response.content.decode()
    for name in (
        "username",
        "password1",
        "password2",
        "email",
        "credit_code",
        "company_name",
        "contact_name",
        "contact_phone",
        "managing_district",
        "established_on",
    ):
        assert f'name="{name}"' in body
    assert "涪城区" in body  # the district choice


def test_signed_in_user_is_not_offered_registration(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("register"))
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_registration_with_a_known_code_makes_a_claim_that_shows_nothing_of_the_enterprise(client, enterprise):
    """Credit codes are public: registering with one gives no access until the claim is verified."""
    response = client.post(
        reverse("register"),
        form_data(credit_code=spaced_lower(enterprise.credit_code), company_name="随便写的名字"),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("claim_status")
    user = User.objects.get(username="new_company")
    membership = user.enterprise_membership
    assert membership.enterprise == enterprise and membership.status == EnterpriseMembership.Status.CLAIMED
    assert (membership.contact_name, membership.contact_phone) == ("李四", "0816-2345678")
    assert user.email == "hr@new-company.cn" and user.check_password(PASSWORD)
    assert Enterprise.objects.count() == 1  # claimed, not duplicated
    enterprise.refresh_from_db()
    assert enterprise.name != "随便写的名字" and enterprise.confirmed
    assert any("验证" in m for m in messages_of(response))
    # Logged in, but the enterprise's pages stay closed and the claim page shows only the typed code.
    assert client.get(reverse("enterprises:profile")).status_code == 404
    status = client.get(reverse("claim_status")).content.decode()
    assert enterprise.credit_code in status and enterprise.name not in status


def test_registration_tells_the_enterprise_verified_accounts_of_the_claim(
    client, enterprise_user, enterprise, mailoutbox, django_capture_on_commit_callbacks
):
    enterprise_user.email = "boss@company.cn"
    enterprise_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register"), form_data(credit_code=enterprise.credit_code))
    assert response.status_code == 302
    assert EnterpriseMembership.objects.filter(enterprise=enterprise).count() == 2
    told = enterprise_user.notifications.get()
    assert "new_company" in told.message and told.link == reverse("enterprises:members")
    assert [m.to for m in mailoutbox] == [["boss@company.cn"]]


def test_registration_with_unknown_code_creates_a_pending_enterprise(client, district):
    response = client.post(reverse("register"), form_data(managing_district=district.pk, established_on="2025-06-01"))
    assert response.status_code == 302
    assert response["Location"] == reverse("claim_status")
    enterprise = Enterprise.objects.get(credit_code=UNKNOWN_CODE)
    assert enterprise.confirmed is False
    assert enterprise.name == "绵阳新创科技有限公司"
    assert enterprise.managing_district == district
    assert enterprise.established_on == dt.date(2025, 6, 1)
    user = User.objects.get(username="new_company")
    assert user.enterprise_membership.enterprise == enterprise
    assert user.enterprise_membership.status == EnterpriseMembership.Status.CLAIMED
    assert enterprise.created_by == user
    assert any("区县确认" in m for m in messages_of(response))
    assert "授权委托书" in client.get(reverse("claim_status")).content.decode()


def test_unknown_code_needs_district_and_establishment_date(client, district):
    users, enterprises = User.objects.count(), Enterprise.objects.count()
    response = client.post(reverse("register"), form_data())
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"managing_district", "established_on"}
    assert "区县确认" in errors["managing_district"][0]
    assert_nothing_written(users, enterprises)


def test_future_establishment_date_is_refused(client, district):
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    response = client.post(
        reverse("register"), form_data(managing_district=district.pk, established_on=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "established_on" in response.context["form"].errors
    assert not Enterprise.objects.exists()


def test_bad_check_character_is_refused_with_a_chinese_message(client, district):
    good = factories.credit_code_for(42)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    users, enterprises = User.objects.count(), Enterprise.objects.count()
    response = client.post(
        reverse("register"), form_data(credit_code=bad, managing_district=district.pk, established_on="2025-06-01")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        "统一社会信用代码校验位不正确，请核对最后一位（校验码）是否输入有误。"
    ]
    assert "校验位不正确" in response.content.decode()
    assert_nothing_written(users, enterprises)


@pytest.mark.parametrize("code", ["91510703MA62QK7L2", "91510703MA62QK7L2UX", "91510703MA62QK7LOU", ""])
def test_malformed_credit_code_is_refused(client, district, code):
    response = client.post(
        reverse("register"), form_data(credit_code=code, managing_district=district.pk, established_on="2025-06-01")
    )
    assert response.status_code == 200
    assert "credit_code" in response.context["form"].errors
    assert not User.objects.exists()


def test_duplicate_username_is_refused_case_insensitively(client, district):
    factories.UserFactory(username="New_Company")
    users = User.objects.count()
    response = client.post(reverse("register"), form_data(managing_district=district.pk, established_on="2025-06-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["该用户名已被注册，请换一个。"]
    assert User.objects.count() == users
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("password2", {"password2": PASSWORD + "x"}),  # confirmation differs
        ("password2", {"password1": "12345678", "password2": "12345678"}),  # Django's validators
        ("email", {"email": "not-an-email"}),
        ("contact_phone", {"contact_phone": "电话"}),
        ("company_name", {"company_name": ""}),
        ("contact_name", {"contact_name": ""}),
    ],
)
def test_invalid_input_writes_nothing(client, enterprise, field, overrides):
    users, enterprises = User.objects.count(), Enterprise.objects.count()
    response = client.post(reverse("register"), form_data(credit_code=enterprise.credit_code, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert_nothing_written(users, enterprises)
    assert "_auth_user_id" not in client.session


def test_service_rolls_back_the_pending_enterprise_when_the_user_cannot_be_created(district):
    factories.UserFactory(username="taken")
    with pytest.raises(RegistrationError):
        enterprise_user_register(
            username="taken",
            password=PASSWORD,
            email="a@b.cn",
            credit_code=UNKNOWN_CODE,
            company_name="绵阳回滚测试有限公司",
            contact_name="王五",
            contact_phone="13800000000",
            managing_district_id=district.pk,
            established_on=dt.date(2025, 1, 1),
        )
    assert not Enterprise.objects.filter(credit_code=UNKNOWN_CODE).exists()


def test_service_refuses_an_invalid_code_and_a_new_code_without_district(district):
    common = {
        "username": "x1",
        "password": PASSWORD,
        "email": "a@b.cn",
        "company_name": "甲",
        "contact_name": "乙",
        "contact_phone": "13800000000",
    }
    with pytest.raises(RegistrationError):
        enterprise_user_register(credit_code="91510703MA62QK7L2X", **common)
    with pytest.raises(RegistrationError):
        enterprise_user_register(credit_code=UNKNOWN_CODE, established_on=dt.date(2025, 1, 1), **common)
    assert not User.objects.exists() and not Enterprise.objects.exists()


# --- Password reset by e-mail ---------------------------------------------------------------------


def test_password_reset_sends_a_working_link(client):
    user = factories.UserFactory(username="forgetful", email="forgetful@example.cn")
    response = client.post(reverse("password_reset"), {"email": "forgetful@example.cn"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgetful@example.cn"]
    assert "重置密码" in message.subject and "\n" not in message.subject
    assert "forgetful" in message.body
    link = re.search(r"https?://testserver(/accounts/reset/\S+/)", message.body).group(1)

    # The emailed link swaps the token for a session and redirects to the set-password form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": "Fresh-Pass-2026!", "new_password2": "Fresh-Pass-2026!"})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("Fresh-Pass-2026!")

    # The link works once only.
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "链接无效" in again.content.decode()


def test_password_reset_for_unknown_email_sends_nothing_but_looks_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_password_change_needs_login_and_works(client):
    user = factories.UserFactory(username="changer")
    anonymous = client.get(reverse("password_change"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "portal-pass-2026",
            "new_password1": "Another-Pass-2026!",
            "new_password2": "Another-Pass-2026!",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Another-Pass-2026!")


# --- Login and lockout (django-axes: 5 failures lock the username/IP pair) -----------------------


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_form_logs_in(client):
    factories.UserFactory(username="clerk")
    response = post_login(client, "clerk", "portal-pass-2026")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"]


def test_four_failures_do_not_lock_the_account(client):
    factories.UserFactory(username="clerk")
    for _ in range(4):
        response = post_login(client, "clerk", "wrong")
        assert response.status_code == 200
        assert response.context["form"].errors
    assert post_login(client, "clerk", "portal-pass-2026").status_code == 302


def test_fifth_failure_locks_the_account_even_for_the_right_password(client):
    factories.UserFactory(username="clerk")
    for _ in range(4):
        assert post_login(client, "clerk", "wrong").status_code == 200
    locked = post_login(client, "clerk", "wrong")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    after = post_login(client, "clerk", "portal-pass-2026")
    assert after.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "older_hasher",
    [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",  # Django's heavier parameters: 100 MiB, 8 lanes
    ],
)
def test_passwords_are_argon2id_at_owasp_parameters_and_an_older_hash_is_rewritten_at_login(
    client, settings, older_hasher
):
    from django.contrib.auth.hashers import get_hasher, make_password
    from django.utils.module_loading import import_string

    from smeportal import settings as portal_settings

    settings.PASSWORD_HASHERS = portal_settings.PASSWORD_HASHERS  # the real list, not the tests' fast one
    user = factories.UserFactory(username="old-hash")
    user.password = make_password("一个足够长的密码-2026", hasher=import_string(older_hasher)())
    user.save(update_fields=["password"])

    login = client.post("/accounts/login/", {"username": "old-hash", "password": "一个足够长的密码-2026"})

    assert login.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert get_hasher("default").verify("一个足够长的密码-2026", user.password)
