"""Name and code search by index (enterprises/search.py): the minimum length said to the user, the public
lookup's cap and throttle, the lookup's semantics, and on PostgreSQL the index the planner uses."""

import datetime as dt
import importlib
import json

import pytest
from django.db import connection
from django.urls import reverse

from certification.models import Application, Registration
from certification.selectors.registration import registration_search_condition, registrations_found
from enterprises.models import Enterprise
from enterprises.search import doubled, name_or_code_condition
from tests.factories import ApplicationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def register(enterprise, serial: int) -> Registration:
    application = ApplicationFactory(enterprise=enterprise, evaluation_year=2025, state=Application.State.REGISTERED)
    return Registration.objects.create(
        application=application,
        enterprise=enterprise,
        evaluation_year=2025,
        number=f"2025510703{serial:06d}",
        valid_from=dt.date(2025, 7, 1),
        valid_until=dt.date(2026, 6, 30),
    )


def found(text: str) -> set[str]:
    return set(Enterprise.objects.filter(name_or_code_condition("", text)).values_list("name", flat=True))


def test_a_name_is_found_by_any_two_characters_ignoring_case_and_wildcards(district):
    EnterpriseFactory(name="四川长虹ABC电器股份有限公司", managing_district=district)
    EnterpriseFactory(name="绵阳九洲科技有限公司", managing_district=district)
    EnterpriseFactory(name="折扣100%_商贸", managing_district=district)
    assert found("长虹") == {"四川长虹ABC电器股份有限公司"}
    assert found("abc") == {"四川长虹ABC电器股份有限公司"}
    assert found("0%") == {"折扣100%_商贸"}  # % and _ are the characters themselves, not LIKE's wildcards
    assert found("%_") == {"折扣100%_商贸"}
    assert found("洲科技有") == {"绵阳九洲科技有限公司"}
    assert found("虹九") == set()


def test_a_credit_code_is_found_whole_or_by_its_start(district):
    one = EnterpriseFactory(managing_district=district)
    other = EnterpriseFactory(managing_district=district)
    assert found(one.credit_code) == {one.name}
    assert found(one.credit_code[:-1].lower()) == {one.name}
    assert found(one.credit_code[:8]) == {one.name, other.name}  # the same registering authority
    assert doubled("长虹") == "长长虹虹"


def test_the_lookup_says_the_minimum_length_and_searches_nothing_shorter(client):
    response = client.get(reverse("certification:lookup"), {"q": "绵"})
    assert response.status_code == 200 and response.context["page"] is None
    assert "请至少输入2个字符。" in response.content.decode()
    assert 'minlength="2"' in client.get(reverse("certification:lookup")).content.decode()


def test_the_enterprise_list_and_api_say_the_minimum_length(client, city_official, enterprise):
    client.force_login(city_official)
    page = client.get(reverse("enterprises:list"), {"q": "绵"})
    assert page.status_code == 200 and "请至少输入2个字符。" in page.content.decode()
    api = client.get("/api/v1/enterprises/", {"q": "绵"})
    assert api.status_code == 400 and api.json() == {"q": ["请至少输入2个字符。"]}
    assert client.get("/api/v1/enterprises/", {"q": enterprise.name[:2]}).status_code == 200


def test_the_pool_and_revocation_filters_say_the_minimum_length(client, city_official):
    client.force_login(city_official)
    for name in ("certification:pool", "certification:revocation_list"):
        body = client.get(reverse(name), {"q": "绵"}).content.decode()
        assert "请至少输入2个字符。" in body, name


def test_the_lookup_caps_its_results(client, district, monkeypatch):
    monkeypatch.setattr("certification.views.public.LOOKUP_PER_PAGE", 2)
    monkeypatch.setattr("certification.views.public.LOOKUP_MAX_PAGES", 2)
    for serial in range(1, 6):
        register(EnterpriseFactory(name=f"绵阳封顶科技{serial}", managing_district=district), serial)
    last = client.get(reverse("certification:lookup"), {"q": "封顶", "page": 2})
    assert len(last.context["page"].object_list) == 2
    assert not last.context["page"].has_next  # a fifth match exists, but no third page is offered
    assert "只显示前4条结果" in last.content.decode()
    assert client.get(reverse("certification:lookup"), {"q": "封顶", "page": 3}).status_code == 404
    first = client.get(reverse("certification:lookup"), {"q": "封顶"})
    assert first.context["page"].has_next and "只显示前" not in first.content.decode()


def test_the_lookup_finds_a_registration_by_name_code_or_number(client, district):
    registration = register(EnterpriseFactory(name="绵阳查询科技有限公司", managing_district=district), 7)
    for text in ("查询科技", registration.enterprise.credit_code, registration.number.lower()):
        page = client.get(reverse("certification:lookup"), {"q": text}).context["page"]
        assert [found.pk for found in page.object_list] == [registration.pk], text


@pytest.mark.parametrize("name", ["certification:lookup", "certification:revocations_public"])
def test_public_searches_are_throttled_per_client(client, settings, name):
    settings.PUBLIC_SEARCH_THROTTLE_RATE = "2/min"
    url = reverse(name)
    assert [client.get(url, {"q": "绵阳"}).status_code for _ in range(2)] == [200, 200]
    refused = client.get(url, {"q": "长虹"})
    assert refused.status_code == 429 and "查询过于频繁，请稍后再试。" in refused.content.decode()
    assert client.get(url).status_code == 200  # the page without a search is not a search
    other = client.get(url, {"q": "绵阳"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200  # another client has its own allowance


def test_a_short_query_is_not_counted_against_the_client(client, settings):
    settings.PUBLIC_SEARCH_THROTTLE_RATE = "1/min"
    url = reverse("certification:lookup")
    assert client.get(url, {"q": "绵"}).status_code == 200
    assert client.get(url, {"q": "绵阳"}).status_code == 200


@pytest.fixture
def name_index(require_postgres):
    """The migration's own SQL (the suite builds its tables without migrations)."""
    migration = importlib.import_module("enterprises.migrations.0008_name_search_trigram_index")
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(migration.CREATE)


@pytest.mark.parametrize("text", ["长虹", "九洲科技", "ABC"])
def test_postgresql_searches_a_name_through_the_trigram_index(name_index, district, text):
    EnterpriseFactory.create_batch(30, managing_district=district)
    EnterpriseFactory(name="四川长虹ABC电器股份有限公司", managing_district=district)
    EnterpriseFactory(name="绵阳九洲科技有限公司", managing_district=district)
    queryset = Enterprise.objects.filter(name__substring=text).order_by()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
        # A table this small is read whole, or in the order of a btree, unless told otherwise.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.explain()
    assert "enterprise_name_doubled_trgm" in plan, plan
    assert queryset.count() == 1


def test_postgresql_finds_a_credit_code_and_a_registration_number_by_btree(name_index, district):
    registration = register(EnterpriseFactory(managing_district=district), 9)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    by_code = Enterprise.objects.filter(name_or_code_condition("", registration.enterprise.credit_code[:10])).order_by()
    assert "enterprise_credit_code_unique" in by_code.explain()  # the unique btree, by a range
    by_number = Registration.objects.filter(number=registration.number)
    assert "number" in by_number.explain() and "Index" in by_number.explain()


def test_postgresql_checks_the_plain_name_before_doubling_it(require_postgres):
    """Row by row (inside an OR, as in the lookup's name-or-code filter) the cheap ILIKE refuses most names
    before regexp_replace doubles them; PostgreSQL keeps the order of an OR's own conditions."""
    sql, _params = Enterprise.objects.filter(name_or_code_condition("", "91510703MA6")).query.sql_with_params()
    assert sql.index('"name" ILIKE') < sql.index("regexp_replace("), sql


def test_a_joined_search_finds_the_same_names(district):
    EnterpriseFactory(name="四川长虹ABC电器股份有限公司", managing_district=district)
    EnterpriseFactory(name="折扣100%_商贸", managing_district=district)
    EnterpriseFactory(name="长长虹虹", managing_district=district)  # a doubled pattern met at an odd place
    for text in ("长虹", "abc", "0%", "%_", "虹长", "长长", "虹虹虹", "电子"):
        by_substring = set(Enterprise.objects.filter(name__substring=text).values_list("name", flat=True))
        joined = set(Enterprise.objects.filter(name__joined_substring=text).values_list("name", flat=True))
        assert joined == by_substring, text


def test_postgresql_expects_a_common_word_in_the_lookup_as_often_as_it_is(name_index, district):
    """The lookup joins names to registrations: the planner must expect a common word in many names
    (here 40 of 80) to walk the registrations in order instead of reading every matching name first."""
    for serial in range(80):
        name = f"绵阳{serial}电子有限公司" if serial % 2 else f"九洲{serial}科技有限公司"
        register(EnterpriseFactory(name=name, managing_district=district), serial)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprises_enterprise")
        cursor.execute("ANALYZE certification_registration")
    plan = json.loads(Registration.objects.filter(registration_search_condition("电子")).explain(format="json"))
    assert plan[0]["Plan"]["Plan Rows"] >= 30, plan
    assert registrations_found("电子").count() == 40


def test_postgresql_joined_search_keeps_the_plain_test_for_what_may_be_a_code(require_postgres):
    """A code-shaped text is rare in names (the low estimate does no harm) and is searched by walking the
    registrations, where the plain test refuses each name before it is doubled; a word is not."""
    for text, plain in (("91510703MA6", True), ("电子", False)):
        condition = name_or_code_condition("enterprise__", text, joined=True)
        sql, _params = Registration.objects.filter(condition).query.sql_with_params()
        assert ('"name" ILIKE' in sql) is plain, (text, sql)
        assert "regexp_replace(" in sql
