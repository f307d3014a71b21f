"""A signed-in account without any role (one the identity provider created) claims its enterprise on the claim
page, with what registration asks and through the same service; then it waits for verification as any claimant.
Accounts that hold a role claim nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseMembership
from enterprises.oidc import ProvincialIdentityBackend
from enterprises.services.accounts import RegistrationError, enterprise_claim
from tests import factories
from tests.helpers import messages_of

pytestmark = pytest.mark.django_db
Status = EnterpriseMembership.Status
UNKNOWN_CODE = factories.credit_code_for(987_655)


@pytest.fixture
def provider_account(db, settings):
    """An account the identity provider created at a first sign-in: no password, no role."""
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "smeportal", "secret-for-the-test"
    for endpoint in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{endpoint}_ENDPOINT", f"https://idp.example.gov.cn/{endpoint.lower()}")
    return ProvincialIdentityBackend().create_user({"sub": "330102199001011234", "email": "li@example.cn"})


def claim_data(credit_code, **overrides):
    return {
        "credit_code": credit_code,
        "company_name": "绵阳新创科技有限公司",
        "contact_name": "李四",
        "contact_phone": "0816-2345678",
        "managing_district": "",
        "established_on": "",
        **overrides,
    }


def test_an_account_of_the_identity_provider_can_claim_its_enterprise(
    client, provider_account, enterprise, district_official, django_capture_on_commit_callbacks
):
    """README: a new account from the provider "still claims its enterprise as above": the claim page offers the
    form registration asks (credit code, company, contact), the claim waits for verification and the page then
    asks for the stamped authorisation letter. The district is told, the enterprise having no administrator."""
    client.force_login(provider_account)
    page = client.get(reverse("claim_status"))
    assert page.status_code == 200 and 'name="credit_code"' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("claim_status"), claim_data(enterprise.credit_code.lower()))

    assert response.status_code == 302 and response["Location"] == reverse("claim_status")
    claim = EnterpriseMembership.objects.get(user=provider_account)
    assert (claim.enterprise, claim.status, claim.is_admin, claim.contact_name) == (
        enterprise,
        Status.CLAIMED,
        False,
        "李四",
    )
    assert district_official.notifications.filter(link=reverse("enterprises:claims")).exists()
    status = client.get(reverse("claim_status")).content.decode()
    assert 'data-status="claimed"' in status and 'name="letter"' in status
    # A claim opens nothing of the enterprise until it is verified.
    assert client.get(reverse("enterprises:profile")).status_code == 404


def test_a_claim_on_an_unknown_code_makes_a_pending_enterprise_under_the_chosen_district(
    client, provider_account, district
):
    client.force_login(provider_account)
    response = client.post(
        reverse("claim_status"),
        claim_data(UNKNOWN_CODE, managing_district=district.pk, established_on="2025-06-01"),
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(credit_code=UNKNOWN_CODE)
    assert (enterprise.confirmed, enterprise.managing_district, enterprise.created_by) == (
        False,
        district,
        provider_account,
    )
    assert enterprise.memberships.get().user == provider_account
    assert any("登记数据中暂无贵企业" in message for message in messages_of(response))


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("credit_code", {"credit_code": "91510703MA62QK7L2X"}),  # wrong check character
        ("managing_district", {"credit_code": UNKNOWN_CODE}),  # unknown code: district and date needed
        ("contact_phone", {"contact_phone": "电话"}),
        ("contact_name", {"contact_name": ""}),
    ],
)
def test_a_claim_the_form_refuses_is_shown_again_and_writes_nothing(
    client, provider_account, enterprise, field, overrides
):
    client.force_login(provider_account)
    response = client.post(reverse("claim_status"), {**claim_data(enterprise.credit_code), **overrides})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not EnterpriseMembership.objects.filter(user=provider_account).exists()
    assert not Enterprise.objects.filter(credit_code=UNKNOWN_CODE).exists()


def test_an_account_with_a_claim_sees_its_status_not_a_second_claim(client, enterprise_user, other_enterprise):
    client.force_login(enterprise_user)
    page = client.get(reverse("claim_status")).content.decode()
    assert 'data-testid="claim-status"' in page and 'name="credit_code"' not in page
    client.post(reverse("claim_status"), claim_data(other_enterprise.credit_code))
    assert EnterpriseMembership.objects.get(user=enterprise_user).enterprise_id != other_enterprise.pk


@pytest.mark.parametrize("persona", ["district_official", "city_official", "department_user", "admin_user_persona"])
def test_an_account_with_another_role_gets_no_claim_form(persona_client, persona, enterprise):
    client = persona_client(persona)
    assert client.get(reverse("claim_status")).status_code == 404
    assert client.post(reverse("claim_status"), claim_data(enterprise.credit_code)).status_code == 404
    assert not EnterpriseMembership.objects.filter(status=Status.CLAIMED).exists()


def test_a_staff_account_without_a_role_gets_no_claim_form(client, enterprise):
    client.force_login(factories.UserFactory(is_staff=True))
    assert client.get(reverse("claim_status")).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login(client, enterprise):
    for response in (
        client.get(reverse("claim_status")),
        client.post(reverse("claim_status"), claim_data(enterprise.credit_code)),
    ):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not EnterpriseMembership.objects.exists()


def test_the_service_claims_once_and_never_for_an_account_with_a_role(
    provider_account, enterprise, other_enterprise, district_official
):
    """The rule lives in the service the registration and the claim page share, not only in the page."""
    arguments = {"company_name": "甲", "contact_name": "乙", "contact_phone": "13800000000"}
    enterprise_claim(user=provider_account, credit_code=enterprise.credit_code, **arguments)
    with pytest.raises(RegistrationError):
        enterprise_claim(user=provider_account, credit_code=other_enterprise.credit_code, **arguments)
    with pytest.raises(RegistrationError):
        enterprise_claim(user=district_official, credit_code=enterprise.credit_code, **arguments)
    with pytest.raises(RegistrationError):  # unknown code without district and date
        enterprise_claim(
            user=factories.UserFactory(), credit_code=UNKNOWN_CODE, established_on=dt.date(2025, 1, 1), **arguments
        )
    assert list(EnterpriseMembership.objects.values_list("user", "enterprise")) == [
        (provider_account.pk, enterprise.pk)
    ]
    assert not Enterprise.objects.filter(credit_code=UNKNOWN_CODE).exists()


def test_an_account_without_a_role_finds_the_claim_page_in_its_menu(client, django_user_model):
    """A first sign-in through the identity provider lands on the home page: its menu leads to the claim."""
    account = django_user_model.objects.create_user("oidc-menu", password=None)
    client.force_login(account)
    page = client.get("/").content.decode()
    assert f'href="{reverse("claim_status")}"' in page and "认领企业" in page


def test_staff_without_a_role_are_not_offered_a_claim(client, django_user_model):
    account = django_user_model.objects.create_user("operator", password=None, is_staff=True)
    client.force_login(account)
    assert f'href="{reverse("claim_status")}"' not in client.get("/").content.decode()
