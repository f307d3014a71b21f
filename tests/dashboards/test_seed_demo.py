"""seed_demo: deterministic, idempotent, valid and realistic demo data with one login per role."""

import datetime as dt
import io

import pandas as pd
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assistance.models import Department, DepartmentMembership
from assistance.roles import member_department_id
from dashboards import demo
from dashboards.demo import DEMO_PASSWORD, SeedContext, generate_enterprise_chunk, seed_demo
from enterprises.creditcode import valid_credit_codes
from enterprises.models import District, Enterprise, EnterpriseMembership, IndustryCluster, OfficialMembership
from enterprises.roles import is_city_official, is_official, member_enterprise_id, official_district_id

pytestmark = pytest.mark.django_db

ROLES = ["city", "fucheng", "gaoxin", "kjj", "jxj", "enterprise", "admin"]
COLUMNS = ["credit_code", "name", "legal_representative", "established_on", "managing_district__code", "industry_code"]


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reference(db):
    call_command("load_reference_data", stdout=io.StringIO())


def snapshot() -> list[tuple]:
    return list(Enterprise.objects.order_by("credit_code").values_list(*COLUMNS))


def counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(),
        "users": get_user_model().objects.count(),
        "officials": OfficialMembership.objects.count(),
        "departments": DepartmentMembership.objects.count(),
        "enterprise_users": EnterpriseMembership.objects.count(),
    }


def wipe():
    EnterpriseMembership.objects.all().delete()
    Enterprise.objects.all().delete()
    get_user_model().objects.all().delete()  # cascades to the official and department memberships


def test_same_seed_gives_the_same_data_and_another_seed_other_data(reference):
    seed_demo(enterprises=300, seed=7)
    first = snapshot()
    wipe()
    seed_demo(enterprises=300, seed=7)
    assert snapshot() == first
    assert len(first) == 300
    assert len({row[0] for row in first}) == 300

    wipe()
    seed_demo(enterprises=300, seed=8)
    other = snapshot()
    assert not {row[0] for row in other} & {row[0] for row in first}
    assert [row[1] for row in other] != [row[1] for row in first]


def test_an_index_has_the_same_enterprise_whatever_n(reference):
    ctx = SeedContext.load(seed=2026)
    small = generate_enterprise_chunk(ctx, 0, size=40)
    large = generate_enterprise_chunk(ctx, 0, size=demo.CHUNK)
    assert [(e.credit_code, e.name, e.established_on) for e in small] == [
        (e.credit_code, e.name, e.established_on) for e in large[:40]
    ]
    # The next chunk draws from its own stream: it does not repeat chunk 0.
    assert not {e.credit_code for e in generate_enterprise_chunk(ctx, 1, size=200)} & {e.credit_code for e in large}


def test_second_run_creates_nothing_and_a_larger_n_adds_only_the_missing(reference):
    first = seed_demo(enterprises=300)
    assert first.created == {"enterprises": 300, "users": len(ROLES)}
    before, rows = counts(), snapshot()

    again = seed_demo(enterprises=300)
    assert again.created == {"enterprises": 0, "users": 0}
    assert counts() == before
    assert snapshot() == rows

    more = seed_demo(enterprises=450)
    assert more.created == {"enterprises": 150, "users": 0}
    assert Enterprise.objects.count() == 450
    assert set(rows) <= set(snapshot())


def test_credit_codes_are_valid_unique_and_carry_the_registering_authority(reference):
    seed_demo(enterprises=1000)
    frame = pd.DataFrame.from_records(
        Enterprise.objects.values("credit_code", "managing_district__code", "managing_district__kind")
    )
    assert valid_credit_codes(frame["credit_code"]).all()
    assert frame["credit_code"].is_unique
    assert frame["credit_code"].str.startswith("91").all()
    area = frame["credit_code"].str[2:8]
    zone = frame["managing_district__kind"] == District.Kind.ZONE
    assert zone.any() and (~zone).any()
    assert (area[zone] == "510700").all()
    assert (area[~zone] == frame.loc[~zone, "managing_district__code"]).all()


def test_every_district_and_zone_gets_enterprises_and_the_big_ones_lead(reference):
    seed_demo(enterprises=300)
    per_district = dict(District.objects.annotate(n=Count("managed_enterprises")).values_list("name", "n"))
    assert len(per_district) == 12
    assert all(count > 0 for count in per_district.values()), per_district
    big = ["涪城区", "高新区", "游仙区", "科技城新区", "经开区"]
    assert sum(per_district[name] for name in big) > 0.55 * 300
    assert per_district["涪城区"] == max(per_district.values())
    # A zone's enterprises are legally registered in an administrative district it lies in.
    kjc = Enterprise.objects.filter(managing_district__code="ZKJC")
    assert set(kjc.values_list("registered_district__code", flat=True)) <= {"510703", "510704", "510705"}
    county = Enterprise.objects.filter(managing_district__code="510781")
    assert set(county.values_list("registered_district__code", flat=True)) == {"510781"}


def test_dates_are_never_in_the_future_and_recent_years_have_more(reference):
    seed_demo(enterprises=2000)
    today = timezone.localdate()
    established = pd.to_datetime(pd.Series(Enterprise.objects.values_list("established_on", flat=True)))
    assert established.max().date() <= today
    assert established.min().date() >= dt.date(2015, 1, 1)
    years = established.dt.year.value_counts()
    assert years[2015] < years[2024]
    introduced = Enterprise.objects.filter(origin=Enterprise.Origin.INTRODUCED)
    assert introduced.exists()
    assert not introduced.filter(introduced_on__isnull=True).exists()
    assert not introduced.filter(introduced_on__gt=today).exists()
    for established_on, introduced_on in introduced.values_list("established_on", "introduced_on"):
        assert established_on <= introduced_on
    assert (
        not Enterprise.objects.exclude(origin=Enterprise.Origin.INTRODUCED).filter(introduced_on__isnull=False).exists()
    )


def test_the_mix_is_realistic(reference):
    seed_demo(enterprises=2000)
    frame = pd.DataFrame.from_records(
        Enterprise.objects.values(
            "name",
            "industry_code",
            "industry_section",
            "cluster_id",
            "origin",
            "founder_category",
            "military_civilian",
            "status",
            "on_abnormal_list",
            "seriously_dishonest",
            "in_cultivation_pool",
        )
    )
    assert frame["name"].str.endswith("公司").all()
    assert frame["name"].str.contains("绵阳").mean() > 0.5
    assert frame["name"].nunique() > 1900
    assert {"F", "H", "K"} <= set(frame["industry_section"])
    assert set(frame["origin"]) == {"new", "introduced", "existing"}
    assert len(set(frame["founder_category"])) >= 8
    assert 0.85 < (frame["status"] == "operating").mean() < 0.97
    assert 0 < frame["on_abnormal_list"].mean() < 0.08
    assert frame["seriously_dishonest"].sum() > 0
    assert 0 < frame["military_civilian"].mean() < 0.1
    assert 0.007 < frame["in_cultivation_pool"].mean() < 0.025
    pool = frame[frame["in_cultivation_pool"]]
    assert (pool["status"] == "operating").all()
    assert not pool["on_abnormal_list"].any() and not pool["industry_section"].isin(["F", "H", "K", "L"]).any()
    # Clusters follow IndustryCluster.industry_prefixes.
    prefixes = dict(IndustryCluster.objects.values_list("id", "industry_prefixes"))
    for code, cluster_id in frame[["industry_code", "cluster_id"]].drop_duplicates().itertuples(index=False):
        matching = {cid for cid, pfx in prefixes.items() if any(code.startswith(p) for p in pfx)}
        assert ({int(cluster_id)} if pd.notna(cluster_id) else set()) == matching, code


@pytest.mark.parametrize("username", ROLES)
def test_every_demo_login_works_and_has_its_role(reference, client, username):
    seed_demo(enterprises=300)
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    user = get_user_model().objects.get(username=username)
    fucheng = District.objects.get(name="涪城区")
    expected = {
        "city": (True, None, None, None),
        "fucheng": (False, fucheng.pk, None, None),
        "gaoxin": (False, District.objects.get(name="高新区").pk, None, None),
        "kjj": (False, None, Department.objects.get(name="市科技局").pk, None),
        "jxj": (False, None, Department.objects.get(name="市经信局").pk, None),
        "enterprise": (False, None, None, "linked"),
        "admin": (True, None, None, None),
    }[username]
    enterprise_id = member_enterprise_id(user)
    actual = (
        is_city_official(user),
        official_district_id(user),
        member_department_id(user),
        "linked" if enterprise_id else None,
    )
    assert actual == expected
    assert user.is_superuser == user.is_staff == (username == "admin")
    if username == "enterprise":
        assert not is_official(user)
        assert Enterprise.objects.get(pk=enterprise_id).managing_district == fucheng


def test_a_wrong_password_is_refused(reference, client):
    seed_demo(enterprises=10)
    response = client.post(reverse("login"), {"username": "city", "password": "demo-pass-2025"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_query_count_does_not_grow_with_n(reference, django_assert_max_num_queries):
    measured = []
    for n in (200, 2000):
        wipe()
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(20):
            result = seed_demo(enterprises=n)
        assert result.enterprises_created == n
        measured.append(len(queries))
    assert measured[0] == measured[1]


def test_command_loads_reference_data_when_missing_and_prints_the_logins(db):
    assert not District.objects.exists()
    out = io.StringIO()
    call_command("seed_demo", "--enterprises", "50", "--seed", "3", stdout=out)
    assert District.objects.count() == 12
    assert Enterprise.objects.count() == 50
    text = out.getvalue()
    for username in ROLES:
        assert f"| {username} " in text
    assert text.count(DEMO_PASSWORD) == len(ROLES)
    assert "市级管理人员" in text and "系统管理员" in text and "涪城区" in text


def test_refuses_nonsense(db, reference):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--enterprises", "0", stdout=io.StringIO())
    with pytest.raises(ValueError):
        seed_demo(enterprises=0)


def test_needs_reference_data(db):
    with pytest.raises(ValueError):
        seed_demo(enterprises=10)
    assert not Enterprise.objects.exists()


def test_refuses_reference_data_without_the_demo_scopes_before_writing(reference):
    Department.objects.filter(code="jxj").delete()
    with pytest.raises(CommandError):
        call_command("seed_demo", "--enterprises", "20", stdout=io.StringIO())
    assert not Enterprise.objects.exists()
    assert not get_user_model().objects.exists()
