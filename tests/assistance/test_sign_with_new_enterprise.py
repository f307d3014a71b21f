"""The "sign an agreement" shortcut: from a new enterprise nobody assists to the agreement form, prefilled."""

import datetime as dt

import pytest
from django.urls import reverse

from assistance.models import AssistanceAgreement
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("assistance:agreement_create")


@pytest.fixture
def newcomer(district):
    return EnterpriseFactory(managing_district=district, established_on=dt.date(2026, 3, 1))


def test_the_department_signs_from_the_list_with_the_enterprise_filled_in(client, department_user, newcomer):
    client.force_login(department_user)
    body = client.get(reverse("assistance:without_assistance"), {"year": 2026}).content.decode()
    link = f"{CREATE}?enterprise={newcomer.credit_code}&amp;year=2026"
    assert link in body and "签订帮扶协议" in body
    page = client.get(CREATE, {"enterprise": newcomer.credit_code, "year": "2026"})
    form = page.context["form"]
    assert form["enterprise"].value() == newcomer.credit_code and form["year"].value() == 2026
    # The code alone says nothing to the person signing: the firm is named, with its district.
    named = f'data-testid="enterprise-named">{newcomer.name} · {newcomer.managing_district.name}</p>'
    assert named in page.content.decode()
    response = client.post(
        CREATE,
        {"enterprise": form["enterprise"].value(), "year": form["year"].value(), "signed_on": "2026-05-01",
         "measures": ["policy"], "responsible_officer": "王五", "status": "active"},
    )  # fmt: skip
    assert response.status_code == 302
    assert AssistanceAgreement.objects.get().enterprise == newcomer
    assert newcomer.name not in client.get(reverse("assistance:without_assistance"), {"year": 2026}).content.decode()


def test_city_officials_see_the_list_without_the_action(client, city_official, newcomer):
    client.force_login(city_official)
    body = client.get(reverse("assistance:without_assistance"), {"year": 2026}).content.decode()
    assert newcomer.name in body and 'data-testid="sign-agreement"' not in body


@pytest.mark.parametrize("year", ["1999", "abc", "２０２６x", ""])
def test_a_prefill_out_of_range_is_ignored(client, department_user, year):
    client.force_login(department_user)
    response = client.get(CREATE, {"enterprise": "x" * 500, "year": year})
    assert response.status_code == 200
    form = response.context["form"]
    assert form["year"].value() == dt.date.today().year and len(form["enterprise"].value()) == 200
    assert 'data-testid="enterprise-named"' not in response.content.decode()  # names no firm
