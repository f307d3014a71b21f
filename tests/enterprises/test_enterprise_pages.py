"""Enterprise list, detail, profile and API: role scoping, search, filters, flat query counts, confirmation."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from enterprises.models import Enterprise, IndustryCluster
from enterprises.services.accounts import ConfirmationError, enterprise_confirm
from tests import factories

pytestmark = pytest.mark.django_db
API_LIST = "/api/v1/enterprises/"


def api_detail(pk: int) -> str:
    return f"/api/v1/enterprises/{pk}/"


def listed_ids(response) -> set[int]:
    assert response.status_code == 200
    return {e.pk for e in response.context["page"].object_list}


def api_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_api_urls_are_the_router_routes():
    assert reverse("enterprise-list") == API_LIST
    assert reverse("enterprise-detail", args=[7]) == api_detail(7)


# --- Scoping ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["city_official", "admin_user_persona"])
def test_city_official_and_admin_see_the_whole_city(persona_client, persona, enterprise, other_enterprise):
    client = persona_client(persona)
    assert listed_ids(client.get(reverse("enterprises:list"))) == {enterprise.pk, other_enterprise.pk}
    assert api_ids(client.get(API_LIST)) == {enterprise.pk, other_enterprise.pk}
    for target in (enterprise, other_enterprise):
        assert client.get(target.get_absolute_url()).status_code == 200
        assert client.get(api_detail(target.pk)).json()["credit_code"] == target.credit_code


def test_district_official_sees_only_their_district(persona_client, enterprise, other_enterprise):
    client = persona_client("district_official")
    assert listed_ids(client.get(reverse("enterprises:list"))) == {enterprise.pk}
    assert api_ids(client.get(API_LIST)) == {enterprise.pk}
    assert client.get(enterprise.get_absolute_url()).status_code == 200
    assert client.get(api_detail(enterprise.pk)).status_code == 200
    # The other district's enterprise does not exist for them, in HTML and API alike.
    assert client.get(other_enterprise.get_absolute_url()).status_code == 404
    assert client.get(api_detail(other_enterprise.pk)).status_code == 404
    # Filtering for the other district does not widen the scope.
    response = client.get(reverse("enterprises:list"), {"managing_district": other_enterprise.managing_district_id})
    assert listed_ids(response) == set()


def test_other_district_official_is_scoped_the_other_way(persona_client, enterprise, other_enterprise):
    client = persona_client("other_district_official")
    assert listed_ids(client.get(reverse("enterprises:list"))) == {other_enterprise.pk}
    assert client.get(enterprise.get_absolute_url()).status_code == 404
    assert client.get(api_detail(enterprise.pk)).status_code == 404


def test_enterprise_user_sees_only_its_own_enterprise(persona_client, enterprise, other_enterprise):
    client = persona_client("enterprise_user")
    assert api_ids(client.get(API_LIST)) == {enterprise.pk}
    assert client.get(api_detail(enterprise.pk)).status_code == 200
    assert client.get(api_detail(other_enterprise.pk)).status_code == 404
    profile = client.get(reverse("enterprises:profile"))
    assert profile.status_code == 200
    assert profile.context["enterprise"] == enterprise
    assert other_enterprise.name not in profile.content.decode()
    # The officials' pages are not theirs, not even for their own enterprise.
    assert client.get(reverse("enterprises:list")).status_code == 404
    assert client.get(enterprise.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", ["department_user", "no_role_user"])
def test_users_without_an_enterprise_role_get_404(client, request, persona, enterprise):
    user = factories.UserFactory(username="nobody") if persona == "no_role_user" else request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("enterprises:list")).status_code == 404
    assert client.get(enterprise.get_absolute_url()).status_code == 404
    assert client.get(reverse("enterprises:profile")).status_code == 404
    # The API refuses users without an enterprise scope outright.
    assert client.get(API_LIST).status_code == 403
    assert client.get(api_detail(enterprise.pk)).status_code == 403


def test_officials_get_404_on_the_enterprise_profile(persona_client):
    assert persona_client("district_official").get(reverse("enterprises:profile")).status_code == 404


def test_anonymous_is_sent_to_login_or_refused_by_the_api(client, enterprise):
    for url in (reverse("enterprises:list"), enterprise.get_absolute_url(), reverse("enterprises:profile")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    assert client.get(API_LIST).status_code in {401, 403}
    assert client.get(api_detail(enterprise.pk)).status_code in {401, 403}


# --- Search and filters --------------------------------------------------------------------------


@pytest.fixture
def two_kinds(district, other_district):
    """Two enterprises that differ in every filtered attribute."""
    cluster = IndustryCluster.objects.create(code="electronics", name="电子信息", industry_prefixes=["39"])
    a = factories.EnterpriseFactory(
        name="绵阳九洲智能科技有限公司",
        managing_district=district,
        cluster=cluster,
        origin=Enterprise.Origin.INTRODUCED,
        introduced_on=dt.date(2025, 5, 1),
        status=Enterprise.Status.OPERATING,
        in_cultivation_pool=True,
        industry_section="C",
    )
    b = factories.EnterpriseFactory(
        name="游仙长虹软件有限公司",
        managing_district=other_district,
        cluster=None,
        origin=Enterprise.Origin.NEW,
        status=Enterprise.Status.CANCELLED,
        in_cultivation_pool=False,
        confirmed=False,
        industry_section="I",
    )
    return a, b, cluster


@pytest.mark.parametrize(
    ("params_for_a", "params_for_b"),
    [
        (
            lambda a, b, c: {"managing_district": a.managing_district_id},
            lambda a, b, c: {"managing_district": b.managing_district_id},
        ),
        (lambda a, b, c: {"cluster": c.pk}, None),
        (lambda a, b, c: {"origin": "introduced"}, lambda a, b, c: {"origin": "new"}),
        (lambda a, b, c: {"status": "operating"}, lambda a, b, c: {"status": "cancelled"}),
        (lambda a, b, c: {"in_cultivation_pool": "true"}, lambda a, b, c: {"in_cultivation_pool": "false"}),
        (lambda a, b, c: {"confirmed": "true"}, lambda a, b, c: {"confirmed": "false"}),
        (lambda a, b, c: {"industry_section": "c"}, lambda a, b, c: {"industry_section": "I"}),
    ],
    ids=["district", "cluster", "origin", "status", "cultivation_pool", "confirmed", "industry_section"],
)
def test_each_filter_narrows_the_list_and_the_api(persona_client, two_kinds, params_for_a, params_for_b):
    a, b, cluster = two_kinds
    client = persona_client("city_official")
    assert listed_ids(client.get(reverse("enterprises:list"))) == {a.pk, b.pk}
    for make_params, expected in ((params_for_a, {a.pk}), (params_for_b, {b.pk})):
        if make_params is None:
            continue
        params = make_params(a, b, cluster)
        assert listed_ids(client.get(reverse("enterprises:list"), params)) == expected, params
        assert api_ids(client.get(API_LIST, params)) == expected, params


@pytest.mark.parametrize(
    ("query", "expected"),
    [("九洲", "a"), ("长虹软件", "b"), ("有限公司", "ab"), ("不存在的企业", "")],
)
def test_search_by_name(persona_client, two_kinds, query, expected):
    a, b, _ = two_kinds
    wanted = {"a": a.pk, "b": b.pk}
    client = persona_client("city_official")
    assert listed_ids(client.get(reverse("enterprises:list"), {"q": query})) == {wanted[x] for x in expected}
    assert api_ids(client.get(API_LIST, {"q": query})) == {wanted[x] for x in expected}


def test_search_by_credit_code_typed_with_spaces_and_lower_case(persona_client, two_kinds):
    a, b, _ = two_kinds
    typed = " ".join(a.credit_code[i : i + 6] for i in range(0, 18, 6)).lower()
    client = persona_client("city_official")
    assert listed_ids(client.get(reverse("enterprises:list"), {"q": typed})) == {a.pk}
    assert api_ids(client.get(API_LIST, {"q": f"  {typed}-"})) == {a.pk}
    # The full-width form a clerk may paste from a Chinese document.
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in b.credit_code)
    assert listed_ids(client.get(reverse("enterprises:list"), {"q": full_width})) == {b.pk}


def test_list_is_paginated_without_counting(persona_client, district):
    factories.EnterpriseFactory.create_batch(51, managing_district=district)
    client = persona_client("district_official")
    first = client.get(reverse("enterprises:list"))
    assert len(first.context["page"].object_list) == 50 and first.context["page"].has_next
    second = client.get(reverse("enterprises:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 1 and not second.context["page"].has_next
    assert client.get(reverse("enterprises:list"), {"page": 3}).status_code == 404


# --- Query counts stay flat as the registry grows -------------------------------------------------


@pytest.mark.parametrize("persona", ["city_official", "district_official", "enterprise_user"])
def test_list_and_api_query_counts_are_flat(persona_client, persona, district, django_assert_max_num_queries):
    """Measured: list page 7 queries (one of them the total), API 4 (5 for an enterprise user), whatever the
    registry size."""
    cluster = IndustryCluster.objects.create(code="materials", name="新材料")
    client = persona_client(persona)
    urls = [API_LIST, f"{API_LIST}?q=有限公司"]
    if persona != "enterprise_user":
        urls.append(reverse("enterprises:list"))

    def counts() -> list[int]:
        result = []
        for url in urls:
            with django_assert_max_num_queries(8) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    factories.EnterpriseFactory.create_batch(5, managing_district=district, cluster=cluster)
    small = counts()
    factories.EnterpriseFactory.create_batch(60, managing_district=district, cluster=cluster)
    assert counts() == small


# --- Confirming self-registered enterprises ------------------------------------------------------


@pytest.fixture
def pending(district):
    return factories.EnterpriseFactory(managing_district=district, confirmed=False, name="待确认新创科技有限公司")


def confirm_url(enterprise) -> str:
    return reverse("enterprises:confirm", args=[enterprise.pk])


def test_pending_detail_shows_the_confirm_button_and_confirmed_does_not(persona_client, pending, enterprise):
    client = persona_client("district_official")
    body = client.get(pending.get_absolute_url()).content.decode()
    assert confirm_url(pending) in body and "待区县确认" in body
    body = client.get(enterprise.get_absolute_url()).content.decode()
    assert confirm_url(enterprise) not in body


def test_unconfirmed_filter_finds_the_pending_enterprise(persona_client, pending, enterprise):
    client = persona_client("district_official")
    assert listed_ids(client.get(reverse("enterprises:list"), {"confirmed": "false"})) == {pending.pk}


@pytest.mark.parametrize("persona", ["district_official", "city_official", "admin_user_persona"])
def test_official_in_scope_confirms(persona_client, request, persona, pending):
    client = persona_client(persona)
    response = client.post(confirm_url(pending))
    assert response.status_code == 302 and response["Location"] == pending.get_absolute_url()
    pending.refresh_from_db()
    assert pending.confirmed is True
    assert pending.updated_by == request.getfixturevalue(persona)
    assert any("已确认企业" in str(m) for m in get_messages(response.wsgi_request))


def test_second_confirm_is_refused_with_a_message(persona_client, pending):
    client = persona_client("district_official")
    client.post(confirm_url(pending))
    pending.refresh_from_db()
    response = client.post(confirm_url(pending), follow=True)
    assert response.status_code == 200
    assert "该企业已确认，无需重复操作。" in response.content.decode()
    with pytest.raises(ConfirmationError):
        enterprise_confirm(enterprise_id=pending.pk, actor=pending.updated_by)


@pytest.mark.parametrize(
    "persona", ["other_district_official", "enterprise_user", "other_enterprise_user", "department_user"]
)
def test_confirm_outside_scope_is_404_and_changes_nothing(persona_client, persona, pending, enterprise_user):
    # enterprise_user's own enterprise is the pending one here: members cannot confirm themselves.
    membership = enterprise_user.enterprise_membership
    membership.enterprise = pending
    membership.save()
    response = persona_client(persona).post(confirm_url(pending))
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.confirmed is False


def test_confirm_needs_login_and_post(client, pending, persona_client):
    response = client.post(confirm_url(pending))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert persona_client("district_official").get(confirm_url(pending)).status_code == 405
    pending.refresh_from_db()
    assert pending.confirmed is False


def test_confirm_service_refuses_non_officials_and_other_districts(pending, enterprise_user, other_district_official):
    for actor in (enterprise_user, other_district_official):
        with pytest.raises(Enterprise.DoesNotExist):
            enterprise_confirm(enterprise_id=pending.pk, actor=actor)
    pending.refresh_from_db()
    assert pending.confirmed is False
