"""Two-factor login in a real Chromium: a city official enrols (QR code and secret, first code, recovery
codes shown once), signs in again with a code computed by django-otp's TOTP, and once with a recovery code."""

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from smeportal.models import SecurityEvent
from tests import factories

from .helpers import PASSWORD, message, screenshots

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


@pytest.fixture
def city_official(transactional_db, settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = True
    return factories.OfficialMembershipFactory(district=None, user__username="city_official").user


def sign_in_with_password(page: Page) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", "city_official")
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()


def sign_out(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    page.locator("nav").get_by_role("button", name="退出").click()


def code(key: bytes, steps_ahead: int = 0) -> str:
    # One step ahead is within the device's tolerance and never the step already used.
    return f"{totp(key, drift=steps_ahead):06d}"


def test_enrol_sign_in_with_a_code_and_recover_with_a_recovery_code(new_page, city_official):
    page = new_page()
    sign_in_with_password(page)

    # Sent to enrol before anything else, even when asking for another page.
    expect(page.get_by_role("heading", level=1)).to_have_text("启用双因素认证")
    page.goto("/dashboards/city/")
    expect(page.get_by_role("heading", level=1)).to_have_text("启用双因素认证")
    expect(page.get_by_test_id("totp-qr")).to_be_visible()
    screenshots(page, "two-factor-enrol")
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    page.get_by_label("验证码").fill(code(key))
    page.get_by_role("button", name="验证并启用").click()

    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    screenshots(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="我已保存，继续").click()
    page.wait_for_url("**/dashboards/city/")

    sign_out(page)
    sign_in_with_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("双因素验证")
    screenshots(page, "two-factor-verify")
    page.get_by_label("验证码").fill("000000" if code(key, 1) != "000000" else "111111")
    page.get_by_role("button", name="验证", exact=True).click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text("验证码不正确")
    page.wait_for_timeout(1200)  # django-otp refuses any code for a second after a wrong one
    page.get_by_label("验证码").fill(code(key, 1))
    page.get_by_role("button", name="验证", exact=True).click()
    page.wait_for_url(lambda url: "/two-factor/" not in url)
    page.goto("/dashboards/city/")
    expect(page).to_have_url(re.compile(r"/dashboards/city/$"))

    sign_out(page)
    sign_in_with_password(page)
    page.get_by_label("验证码").fill(codes[0])
    page.get_by_role("button", name="验证", exact=True).click()
    message(page, "已使用一个恢复码，还剩 9 个")

    kinds = list(SecurityEvent.objects.filter(user=city_official).order_by("id").values_list("kind", flat=True))
    assert kinds == [
        "role_changed",  # the fixture made the account a city official
        "login", "otp_enrolled", "logout", "login", "otp_failed", "otp_verified", "logout", "login", "otp_recovery_used"
    ]  # fmt: skip
