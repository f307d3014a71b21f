"""The cultivation pool (培育库): services, the database-sorted selector and the pages."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import Application, PoolEstimate, Registration
from certification.rules import closeness, industry
from certification.selectors.pool import (
    closest_by_district,
    open_candidates,
    pool_addable,
    pool_candidates,
    restricted_industry_q,
)
from certification.services.pool import pool_add, pool_estimate_save, pool_remove
from enterprises.models import Enterprise
from tests import factories

WORKED = {  # RULES.md §2 worked example: 8 + 50 + 18 = 76, eligible
    "evaluation_year": 2026,
    "total_staff": Decimal("40"),
    "tech_staff": Decimal("6"),
    "sales_revenue": Decimal("800"),
    "total_costs": Decimal("700"),
    "rd_expense": Decimal("48"),
    "total_assets": Decimal("1000"),
    "class1_ip": 0,
    "class2_ip": 3,
    "resident_enterprise": True,
    "audited_tax_collection": True,
    "compliance_violation": False,
    "direct_paths": [],
}


def in_pool(district, name, **kwargs):
    return factories.EnterpriseFactory(managing_district=district, name=name, in_cultivation_pool=True, **kwargs)


def estimate(enterprise, actor, **changes):
    return pool_estimate_save(actor=actor, enterprise_id=enterprise.pk, data={**WORKED, **changes})


def filing(enterprise, *, year=2026, score=76, eligible=True, state=Application.State.SUBMITTED, rd="48"):
    declared = {key: str(value) if isinstance(value, Decimal) else value for key, value in WORKED.items()}
    declared.update(evaluation_year=year, rd_expense=rd, restricted_industry=False)
    return factories.ApplicationFactory(
        enterprise=enterprise,
        evaluation_year=year,
        state=state,
        submitted_on=dt.date(year, 4, 1),
        snapshot={"declaration": declared, "evaluation": {"eligible": eligible, "total_score": score, "gap": []}},
    )


# --- Services: membership ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_official", "city_official", "admin_user_persona"])
def test_pool_add_and_remove_in_scope_record_who(request, enterprise, persona):
    actor = request.getfixturevalue(persona)
    pool_add(actor=actor, enterprise_id=enterprise.pk)
    enterprise.refresh_from_db()
    assert enterprise.in_cultivation_pool and enterprise.updated_by == actor
    pool_add(actor=actor, enterprise_id=enterprise.pk)  # idempotent
    pool_remove(actor=actor, enterprise_id=enterprise.pk)
    enterprise.refresh_from_db()
    assert not enterprise.in_cultivation_pool and enterprise.updated_by == actor


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["other_district_official", "enterprise_user", "department_user", "other_enterprise_user"]
)
@pytest.mark.parametrize("action", [pool_add, pool_remove])
def test_pool_membership_out_of_scope_is_404(request, enterprise, persona, action):
    enterprise.in_cultivation_pool = action is pool_remove
    enterprise.save()
    with pytest.raises(Http404):
        action(actor=request.getfixturevalue(persona), enterprise_id=enterprise.pk)
    with pytest.raises(Http404):
        action(actor=AnonymousUser(), enterprise_id=enterprise.pk)
    enterprise.refresh_from_db()
    assert enterprise.in_cultivation_pool is (action is pool_remove)


@pytest.mark.django_db
def test_pool_add_refuses_a_cancelled_enterprise_and_unknown_ids(district_official, enterprise):
    enterprise.status = Enterprise.Status.CANCELLED
    enterprise.save()
    with pytest.raises(ValidationError):
        pool_add(actor=district_official, enterprise_id=enterprise.pk)
    assert not Enterprise.objects.get(pk=enterprise.pk).in_cultivation_pool
    with pytest.raises(Http404):
        pool_add(actor=district_official, enterprise_id=enterprise.pk + 1000)


# --- Services: the quick estimate ------------------------------------------------------------------


@pytest.mark.django_db
def test_estimate_caches_the_engine_result_and_replaces_the_previous_one(district_official, enterprise):
    saved = estimate(enterprise, district_official)
    assert (saved.total_score, saved.eligible, saved.distance) == (76, True, 0)
    assert saved.created_by == saved.updated_by == district_official and saved.computed_at is not None
    again = estimate(enterprise, district_official, rd_expense=Decimal("32"))  # 8 + 30 + 18 = 56
    assert again.pk == saved.pk and PoolEstimate.objects.count() == 1
    again.refresh_from_db()
    assert (again.total_score, again.eligible, again.distance, again.rd_expense) == (56, False, 4, Decimal("32"))
    assert again.declaration() == closeness.declaration_from_snapshot(
        {**WORKED, "rd_expense": "32", "restricted_industry": False}
    )


@pytest.mark.django_db
def test_estimate_restricted_flag_defaults_to_the_enterprise_industry(district, district_official):
    shop = factories.EnterpriseFactory(managing_district=district, industry_section="F", industry_code="5110")
    saved = estimate(shop, district_official)
    assert saved.restricted_industry is True
    assert (saved.total_score, saved.eligible, saved.distance) == (76, False, closeness.BASIC_CONDITIONS_DISTANCE)
    # An official who knows better may untick it.
    overridden = estimate(shop, district_official, restricted_industry=False)
    assert (overridden.restricted_industry, overridden.eligible, overridden.distance) == (False, True, 0)
    software = factories.EnterpriseFactory(managing_district=district)
    assert estimate(software, district_official).restricted_industry is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tech_staff": Decimal("41")}, "tech_staff"),  # more tech staff than staff
        ({"rd_expense": Decimal("-1")}, "rd_expense"),
        ({"total_assets": None}, "total_assets"),
        ({"class2_ip": -1}, "class2_ip"),
        ({"evaluation_year": 2016}, "evaluation_year"),
        ({"direct_paths": ["bribes"]}, "direct_paths"),
    ],
)
def test_estimate_validation(district_official, enterprise, changes, field):
    with pytest.raises(ValidationError) as caught:
        estimate(enterprise, district_official, **changes)
    assert field in caught.value.message_dict
    assert not PoolEstimate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_district_official", "enterprise_user", "department_user"])
def test_estimate_out_of_scope_is_404(request, enterprise, persona):
    with pytest.raises(Http404):
        estimate(enterprise, request.getfixturevalue(persona))
    assert not PoolEstimate.objects.exists()


# --- Selector ------------------------------------------------------------------------------------


@pytest.fixture
def ranked(district, district_official):
    """Pool members created (and named) in an order unlike their closeness; returned closest first."""
    no_data = in_pool(district, "A 无数据")
    far = in_pool(district, "B 差距大")
    estimate(far, district_official, rd_expense=Decimal("16"))  # 36 points: 24 short
    blocked = in_pool(district, "C 限制类", industry_section="H", industry_code="6110")
    estimate(blocked, district_official)  # 76 points, basic condition (三) fails: 100
    close = in_pool(district, "D 差一点")
    estimate(close, district_official, rd_expense=Decimal("32"))  # 56 points: 4 short
    eligible_estimate = in_pool(district, "F 估算达标")
    estimate(eligible_estimate, district_official)
    eligible_filing = in_pool(district, "E 申报达标")
    filing(eligible_filing)
    return [eligible_filing, eligible_estimate, close, far, blocked, no_data]


@pytest.mark.django_db
def test_candidates_are_ordered_by_closeness_in_the_database(district_official, ranked):
    qs = pool_candidates(district_official)
    assert list(qs) == ranked
    assert [(e.pool_source, e.pool_score, e.pool_eligible, e.pool_distance) for e in qs] == [
        ("filing", 76, True, 0),
        ("estimate", 76, True, 0),
        ("estimate", 56, False, 4),
        ("estimate", 36, False, 24),
        ("estimate", 76, False, 100),
        ("none", None, None, None),
    ]
    # The order is the SQL's, not a Python sort: it survives slicing.
    assert list(qs[2:4]) == ranked[2:4]


def shown(candidate: dict) -> tuple:
    return tuple(candidate[key] for key in ("id", "name", "source", "score", "eligible", "distance"))


@pytest.mark.django_db
def test_closest_by_district_is_the_head_of_each_districts_pool_list(
    ranked, district, other_district, district_official, city_official
):
    for n, score in enumerate((58, 30, 58, 45, 59, 10)):  # two ties at 58: by name
        filing(in_pool(district, f"G{n} 申报未达标"), score=score, eligible=False)
    theirs = in_pool(other_district, "游仙企业")
    estimate(theirs, city_official)
    in_pool(other_district, "游仙无数据")
    factories.EnterpriseFactory(managing_district=other_district, name="不在库")

    # In 2027 the 2026 filings are last year's: every pool firm is an open candidate again.
    heads = closest_by_district(10, year=2027, day=dt.date(2027, 3, 1))
    closest = {pk: head.closest for pk, head in heads.items()}

    assert set(closest) == {district.pk, other_district.pk}
    assert heads[other_district.pk].size == 2
    for place in (district, other_district):
        head = pool_candidates(city_official, {"district": place})[:10]
        expected = [(e.pk, e.name, e.pool_source, e.pool_score, e.pool_eligible, e.pool_distance) for e in head]
        assert [shown(c) for c in closest[place.pk]] == expected
    assert len(closest[district.pk]) == 10 and ranked[-1].pk not in {c["id"] for c in closest[district.pk]}
    assert [shown(c)[2:] for c in closest[other_district.pk]] == [("estimate", 76, True, 0), ("none", None, None, None)]


@pytest.mark.django_db
def test_a_firm_already_filed_or_registered_is_not_an_open_candidate(district):
    """The dashboard's pool card counted the whole pool while its list showed firms under notice: one
    definition now serves both (open_candidates), and the job stores the count with the list."""
    open_one = in_pool(district, "待申报")
    filed = in_pool(district, "已提交")
    filing(filed, state=Application.State.UNDER_NOTICE)
    withdrawn = in_pool(district, "已撤回")
    filing(withdrawn, state=Application.State.WITHDRAWN)
    drafted = in_pool(district, "草稿")
    filing(drafted, state=Application.State.DRAFT)
    last_year = in_pool(district, "去年申报")
    filing(last_year, year=2025, state=Application.State.REJECTED)
    registered = in_pool(district, "已入库")
    application = filing(registered, year=2025, state=Application.State.REGISTERED)
    Registration.objects.create(
        application=application,
        enterprise=registered,
        evaluation_year=2025,
        number="2025510703T000001",
        valid_from=dt.date(2025, 11, 1),
        valid_until=dt.date(2028, 10, 31),
    )
    expired = in_pool(district, "已过期")
    application = filing(expired, year=2023, state=Application.State.EXPIRED)
    Registration.objects.create(
        application=application,
        enterprise=expired,
        evaluation_year=2023,
        number="2023510703T000001",
        valid_from=dt.date(2023, 11, 1),
        valid_until=dt.date(2026, 3, 31),
    )
    factories.EnterpriseFactory(managing_district=district, name="不在库")

    expected = {open_one.pk, withdrawn.pk, drafted.pk, last_year.pk, expired.pk}
    assert set(open_candidates(year=2026, day=dt.date(2026, 6, 1)).values_list("pk", flat=True)) == expected
    head = closest_by_district(10, year=2026, day=dt.date(2026, 6, 1))[district.pk]
    assert head.size == 5 and {c["id"] for c in head.closest} == expected
    assert closest_by_district(2, year=2026, day=dt.date(2026, 6, 1))[district.pk].size == 5  # all, not the head


@pytest.mark.django_db
def test_latest_submitted_filing_wins_over_the_estimate(district, district_official):
    enterprise = in_pool(district, "有申报")
    estimate(enterprise, district_official, rd_expense=Decimal("16"))
    filing(enterprise, year=2025, score=56, eligible=False)
    filing(enterprise, year=2026, score=80, state=Application.State.WITHDRAWN)  # withdrawn: ignored
    row = pool_candidates(district_official).get()
    assert (row.pool_source, row.pool_score, row.pool_eligible, row.pool_distance) == ("filing", 56, False, 4)
    filing(enterprise, year=2027, score=70)
    row = pool_candidates(district_official).get()
    assert (row.pool_source, row.pool_score, row.pool_eligible, row.pool_distance) == ("filing", 70, True, 0)


@pytest.mark.django_db
def test_candidates_are_scoped(district, other_district, district_official, city_official, request):
    mine = in_pool(district, "涪城企业")
    theirs = in_pool(other_district, "游仙企业")
    factories.EnterpriseFactory(managing_district=district, name="不在库")
    assert list(pool_candidates(district_official)) == [mine]
    assert list(pool_candidates(district_official, {"district": other_district})) == [mine]
    assert set(pool_candidates(city_official)) == {mine, theirs}
    assert list(pool_candidates(city_official, {"district": other_district})) == [theirs]
    for persona in ("enterprise_user", "department_user", "other_enterprise_user"):
        assert not pool_candidates(request.getfixturevalue(persona)).exists()
    assert not pool_candidates(AnonymousUser()).exists()


@pytest.mark.django_db
def test_candidate_filters(district_official, ranked):
    eligible_filing, eligible_estimate, close, far, blocked, no_data = ranked
    assert list(pool_candidates(district_official, {"source": "estimate"})) == [eligible_estimate, close, far, blocked]
    assert list(pool_candidates(district_official, {"source": "none"})) == [no_data]
    assert list(pool_candidates(district_official, {"eligible": True})) == [eligible_filing, eligible_estimate]
    assert list(pool_candidates(district_official, {"eligible": False})) == [close, far, blocked, no_data]
    assert list(pool_candidates(district_official, {"restricted": True})) == [blocked]
    assert blocked not in pool_candidates(district_official, {"restricted": False})
    assert list(pool_candidates(district_official, {"q": "差一点"})) == [close]
    assert list(pool_candidates(district_official, {"q": close.credit_code.lower()})) == [close]


@pytest.mark.django_db
def test_restricted_query_agrees_with_the_pure_helper(district):
    table = [
        ("F", "5110"), ("H", "6110"), ("K", "7010"), ("L", "7211"), ("C", "1610"), ("", "1620"), ("", "C1690"),
        ("R", "9011"), ("", "R9020"), ("f", "5110"), ("", "F5110"), ("I", "6510"), ("C", "3911"), ("C", "1510"),
        ("R", "8810"), ("R", "9190"), ("M", "7320"), ("", ""), ("I", "F5110"),
    ]  # fmt: skip
    made = [
        factories.EnterpriseFactory(managing_district=district, industry_section=section, industry_code=code)
        for section, code in table
    ]
    flagged = set(Enterprise.objects.filter(restricted_industry_q()).values_list("pk", flat=True))
    assert {e.pk for e in made if industry.is_restricted_industry(e.industry_section, e.industry_code)} == flagged
    assert len(flagged) == 11


@pytest.mark.django_db
def test_addable_search_is_scoped(district, other_district, district_official, city_official):
    candidate = factories.EnterpriseFactory(managing_district=district, name="绵阳星河科技")
    in_pool(district, "绵阳星河已入库")
    factories.EnterpriseFactory(managing_district=district, name="绵阳星河注销", status=Enterprise.Status.CANCELLED)
    elsewhere = factories.EnterpriseFactory(managing_district=other_district, name="绵阳星河游仙")
    assert pool_addable(district_official, "星河") == [candidate]
    assert pool_addable(district_official, candidate.credit_code) == [candidate]
    assert pool_addable(district_official, elsewhere.credit_code) == []
    assert pool_addable(district_official, "  ") == []
    assert set(pool_addable(city_official, "星河")) == {candidate, elsewhere}


# --- Pages ---------------------------------------------------------------------------------------


def row_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-testid="pool-row" data-enterprise="(\d+)"', html)]


@pytest.mark.django_db
def test_list_page_shows_candidates_closest_first_with_gap_and_badges(client, district_official, ranked):
    client.force_login(district_official)
    response = client.get(reverse("certification:pool"))
    assert response.status_code == 200
    html = response.content.decode()
    assert row_ids(html) == [e.pk for e in ranked]
    assert html.count('data-testid="restricted"') == 1
    assert 'data-source="filing"' in html and 'data-source="none"' in html
    assert 'data-code="rd_expense"' in html  # the close one's gap analysis
    assert 'data-code="basic_conditions_unmet"' in html
    assert f'href="{reverse("certification:pool")}"' in html  # the nav item
    assert 'name="district"' not in html  # district officials see only their district


@pytest.mark.django_db
def test_list_page_filters_and_city_district_filter(client, city_official, ranked, other_district):
    theirs = in_pool(other_district, "游仙候选")
    client.force_login(city_official)
    html = client.get(reverse("certification:pool")).content.decode()
    assert 'name="district"' in html and theirs.pk in row_ids(html)
    html = client.get(reverse("certification:pool"), {"district": other_district.pk}).content.decode()
    assert row_ids(html) == [theirs.pk]
    html = client.get(reverse("certification:pool"), {"eligible": "true"}).content.decode()
    assert row_ids(html) == [e.pk for e in ranked[:2]]


def _list_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("certification:pool"))  # warm up the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("certification:pool"), {"add_q": "科技"})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_the_pool(client, district, district_official):
    def grow(start, count):
        for n in range(start, start + count):
            enterprise = in_pool(district, f"候选{n:02d}")
            if n % 3 == 0:
                estimate(enterprise, district_official, rd_expense=Decimal(n))
            elif n % 3 == 1:
                filing(enterprise)

    grow(0, 3)
    small = _list_queries(client, district_official)
    grow(3, 27)
    assert _list_queries(client, district_official) == small <= 7


@pytest.mark.django_db
def test_add_and_remove_through_the_page(client, district_official, enterprise):
    client.force_login(district_official)
    back = reverse("certification:pool") + "?eligible=true"
    response = client.post(reverse("certification:pool_add", args=[enterprise.pk]), {"back": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Enterprise.objects.get(pk=enterprise.pk).in_cultivation_pool
    response = client.post(
        reverse("certification:pool_remove", args=[enterprise.pk]), {"back": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("certification:pool")
    assert not Enterprise.objects.get(pk=enterprise.pk).in_cultivation_pool


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_district_official", "enterprise_user", "department_user"])
@pytest.mark.parametrize("name", ["certification:pool_add", "certification:pool_remove"])
def test_add_remove_pages_refuse_out_of_scope_with_404(client, request, enterprise, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse(name, args=[enterprise.pk])).status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, enterprise):
    for url in (
        reverse("certification:pool"),
        reverse("certification:pool_estimate", args=[enterprise.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("certification:pool_add", args=[enterprise.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Enterprise.objects.get(pk=enterprise.pk).in_cultivation_pool


def _form(**changes):
    data = {
        key: ("true" if value is True else str(value))
        for key, value in {**WORKED, **changes}.items()
        if value is not False and key != "direct_paths"
    }
    return data


@pytest.mark.django_db
def test_estimate_page_saves_and_shows_the_calculator_partial(client, district_official, enterprise):
    client.force_login(district_official)
    url = reverse("certification:pool_estimate", args=[enterprise.pk])
    page = client.get(url).content.decode()
    assert f'hx-post="{reverse("certification:calculator_result")}"' in page
    for name in ("evaluation_year", "total_staff", "tech_staff", "rd_expense", "direct_paths", "restricted_industry"):
        assert f'name="{name}"' in page
    response = client.post(url, _form(rd_expense="32"))
    assert response.status_code == 302 and response["Location"] == url
    saved = PoolEstimate.objects.get(enterprise=enterprise)
    assert (saved.total_score, saved.eligible, saved.distance, saved.restricted_industry) == (56, False, 4, False)
    page = client.get(url).content.decode()
    assert re.search(r'data-testid="total-score">\s*56\s*<', page)
    assert 'data-code="rd_expense"' in page


@pytest.mark.django_db
def test_estimate_page_shows_errors_and_saves_nothing(client, district_official, enterprise):
    client.force_login(district_official)
    url = reverse("certification:pool_estimate", args=[enterprise.pk])
    response = client.post(url, _form(tech_staff="41"))
    assert response.status_code == 200
    assert "科技人员数不能超过职工总数" in response.content.decode()
    response = client.post(url, _form(rd_expense="-5"))
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not PoolEstimate.objects.exists()


@pytest.mark.django_db
def test_estimate_page_prefills_the_restricted_flag(client, district, district_official):
    shop = factories.EnterpriseFactory(managing_district=district, industry_section="F", industry_code="5110")
    client.force_login(district_official)
    page = client.get(reverse("certification:pool_estimate", args=[shop.pk])).content.decode()
    assert re.search(r'<input[^>]*name="restricted_industry"[^>]*checked', page)
    assert 'data-testid="restricted"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_district_official", "enterprise_user", "department_user"])
def test_estimate_page_out_of_scope_is_404(client, request, enterprise, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("certification:pool_estimate", args=[enterprise.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _form()).status_code == 404
    assert not PoolEstimate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "sees_pool"),
    [("district_official", True), ("city_official", True), ("enterprise_user", False), ("department_user", False)],
)
def test_nav_item(client, request, persona, sees_pool):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("certification:pool")}"' in html) is sees_pool
