"""The city and district dashboards: figures from snapshots, persona access, fixed query counts, chart data."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.models import Application
from certification.selectors.pool import closest_by_district
from dashboards import selectors
from enterprises.models import Enterprise
from quotas.models import TechShareSnapshot
from tests import factories
from tests.dashboards import snapshots as snap

pytestmark = pytest.mark.django_db

D1 = dt.date(2026, 10, 1)
D2 = dt.date(2026, 11, 1)
CITY_URL = reverse("dashboards:city")
DISTRICT_URL = reverse("dashboards:district")


@pytest.fixture
def third_district(db):
    return factories.DistrictFactory(code="510705", name="安州区")


@pytest.fixture
def league(district, other_district, third_district):
    """Two snapshot dates. On D1: 游仙 12%, 安州 8%, 涪城 5%; on D2: 涪城 15% (▲2), 游仙 11% (▼1), 安州 6% (▼1)."""
    snap.save_all(
        [
            snap.tech(district, D1, registered=5),
            snap.tech(other_district, D1, registered=12),
            snap.tech(third_district, D1, registered=8),
            snap.tech(None, D1, new=300, registered=25),
            snap.tech(district, D2, registered=15, breakdown={"origin": {"new": 10, "introduced": 5}}),
            snap.tech(other_district, D2, registered=11),
            snap.tech(third_district, D2, registered=6),
            snap.tech(
                None,
                D2,
                new=400,
                registered=32,
                candidates=120,
                filed=60,
                recommended=40,
                breakdown={
                    "origin": {"new": 20, "introduced": 9, "existing": 3},
                    "founder_category": {"": 25, "graduate": 7},
                    "cluster": {"电子信息": 12, "": 20},
                },
            ),
        ]
    )


def league_rows(html: str) -> list[tuple[str, str, str, str]]:
    """(code, rank, tr class, rank change) of each league row, in page order."""
    rows = []
    for chunk in html.split('data-testid="league-row"')[1:]:
        code = re.search(r'data-code="(\w+)"', chunk).group(1)
        rank = re.search(r'data-rank="(\d+)"', chunk).group(1)
        change = re.search(r'data-change="(\w+)"', chunk).group(1)
        rows.append((code, rank, change))
    classes = re.findall(r'<tr class="(table-\w+)" data-testid="league-row" data-code="(\w+)"', html)
    return [(*row, {c: k for k, c in classes}[row[0]]) for row in rows]


def chart_json(html: str) -> dict:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries its chart data"
    return json.loads(match.group(1))


# --- City dashboard -----------------------------------------------------------------------------


def test_city_dashboard_league_order_rank_changes_and_met_classes(persona_client, city_official, league):
    response = persona_client("city_official").get(CITY_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert league_rows(html) == [
        ("510703", "1", "up", "table-success"),
        ("510704", "2", "down", "table-success"),
        ("510705", "3", "down", "table-danger"),
    ]
    assert "▲2" in html and "▼1" in html
    overview = response.context["overview"]
    assert overview.as_of == D2 and overview.previous_as_of == D1
    assert [row.share_change for row in overview.districts] == [10, -1, -2]
    assert overview.row_for("510705").short_by == 4


def test_every_league_row_has_a_figure_under_each_heading(persona_client, city_official, league):
    """The table is the chart's data as text (and its only copy for a screen reader): each district's row and the
    city's total line carry the share, its change, the counts and whether the target is met."""
    html = persona_client("city_official").get(CITY_URL).content.decode()
    table = re.search(r'data-testid="table-league">(.*?)</table>', html, re.S).group(1)
    headings = len(re.findall(r"<th scope=\"col\"", table))
    rows = re.findall(r"<tr[^>]*data-testid=\"league-(?:row|city)\"[^>]*>(.*?)</tr>", table, re.S)
    assert len(rows) == 4 and headings == 11
    assert [len(re.findall(r"<t[dh][ >]", row)) for row in rows] == [headings] * 4
    city = rows[-1]
    assert "8.00%" in city and ">400<" in city and ">32<" in city and "差 8 家" in city
    assert "15.00%" in rows[0] and "达标" in rows[0]


def test_city_dashboard_headline_and_computed_at(persona_client, city_official, league):
    html = persona_client("city_official").get(CITY_URL).content.decode()
    for key, value in {"newly_registered": 400, "candidates": 120, "filed": 60, "registered": 32}.items():
        assert f'data-testid="headline-{key}">{value}<' in html
    assert 'data-testid="headline-share">8.00%<' in html
    assert 'data-met="0"' in html and "差 8 家" in html  # ⌈10% × 400⌉ − 32
    stamp = timezone.localtime(snap.COMPUTED_AT).strftime("%Y-%m-%d %H:%M")
    assert stamp in re.search(r'data-testid="computed-at">(.*?)</p>', html, re.S).group(1)
    assert "2026-11-01" in html


def test_city_dashboard_filters_by_date_and_year(persona_client, city_official, league, district):
    snap.save_all([snap.tech(None, dt.date(2025, 12, 31), year=2025, new=50, registered=9),
                   snap.tech(district, dt.date(2025, 12, 31), year=2025, new=50, registered=9)])  # fmt: skip
    client = persona_client("city_official")
    response = client.get(CITY_URL, {"date": "2026-10-15"})  # the latest snapshot not after the date: D1
    assert response.context["overview"].as_of == D1
    assert 'data-testid="headline-registered">25<' in response.content.decode()
    response = client.get(CITY_URL, {"year": "2025"})
    assert response.context["period"].as_of == dt.date(2025, 12, 31)
    assert response.context["period"].years == [2026, 2025]
    assert client.get(CITY_URL, {"year": "1999"}).context["period"].year == 2026  # unknown year: the latest


def test_city_dashboard_department_table(persona_client, city_official, league, department, other_department):
    snap.department(department, D2, agreements=10, new=2, task=20, assisted=10)  # 20% met, 50% of the task
    snap.department(other_department, D2, agreements=9, new=1, task=0, assisted=0)  # short by 1
    snap.department(department, D2, year=2025, agreements=99)  # another year: not shown
    html = persona_client("city_official").get(CITY_URL).content.decode()
    rows = html.split('data-testid="department-row"')[1:]
    assert len(rows) == 2
    assert "市科技局" in rows[1] and "20.00%" in rows[1] and 'class="progress-bar w-pct-50"' in rows[1]
    assert "市经信局" in rows[0] and "差 1 家" in rows[0]
    assert html.count('<tr class="table-success" data-testid="department-row"') == 1
    assert html.count('<tr class="table-danger" data-testid="department-row"') == 1


def test_department_without_agreements_is_not_shown_as_short(persona_client, city_official, league, department):
    snap.department(department, D2, agreements=0, new=0, task=20, assisted=0)
    html = persona_client("city_official").get(CITY_URL).content.decode()
    row = html.split('data-testid="department-row"')[1]
    assert "尚无协议" in row and "差 0 家" not in row
    assert '<tr class="table-secondary" data-testid="department-row"' in html


def test_chart_data_matches_the_view_models(persona_client, city_official, league):
    response = persona_client("city_official").get(CITY_URL)
    data = chart_json(response.content.decode())
    overview, city, trend = response.context["overview"], response.context["headline"], response.context["trend"]
    assert data["target"] == 10.0
    assert data["league"]["names"] == [row.name for row in overview.districts] == ["涪城区", "游仙区", "安州区"]
    assert data["league"]["shares"] == [float(row.share_percent) for row in overview.districts] == [15.0, 11.0, 6.0]
    assert data["league"]["met"] == [row.met for row in overview.districts] == [True, True, False]
    assert data["trend"]["dates"] == ["2026-10-01", "2026-11-01"] == [day.isoformat() for day in trend.dates]
    city_series = data["trend"]["series"][0]
    assert trend.series[0].key == "city"
    assert city_series["name"] == "全市" and city_series["data"] == [float(s) for s in trend.series[0].shares] == [
        8.33,
        8.0,
    ]
    assert [(s["name"], s["data"]) for s in data["trend"]["series"][1:]] == [
        ("涪城区", [5.0, 15.0]),
        ("游仙区", [12.0, 11.0]),
        ("安州区", [8.0, 6.0]),
    ]
    assert data["funnel"] == [{"name": step.label, "value": step.count} for step in city.funnel.steps]
    assert [item["value"] for item in data["funnel"]] == [400, 60, 40, 32]  # the pool is not a step
    breakdown = {group["title"]: group["items"] for group in data["breakdown"]}
    assert breakdown["企业来源"] == [
        {"name": "新设立", "value": 20},
        {"name": "招商引进", "value": 9},
        {"name": "存量企业", "value": 3},
    ]
    assert {"name": "未归入重点产业集群", "value": 20} in breakdown["重点产业集群"]
    flat = [(group, item["name"], item["value"]) for group, items in breakdown.items() for item in items]
    assert flat == [(group.title, item.label, item.count) for group in city.breakdown.groups for item in group.items]
    # The same view models are on the page as tables.
    html = response.content.decode()
    for table in ("trend", "funnel", "breakdown", "league", "departments"):
        assert f'data-testid="table-{table}"' in html
        assert f'data-testid="export-{table}"' in html
    table = re.search(r'data-testid="table-trend">(.*?)</table>', html, re.S).group(1)
    assert re.findall(r'<th scope="row" class="fw-normal">([\d-]+)</th>', table) == ["2026-10-01", "2026-11-01"]
    assert '<td class="text-end">8.33</td>' in table and "全市（%）" in table
    step = re.search(r'<tr data-step="registered">(.*?)</tr>', html).group(1)
    assert ">已入库<" in step and '<td class="text-end">32</td>' in step and '<td class="text-end">8.00</td>' in step


def test_breakdown_charts_find_their_kind_by_name(persona_client, district_official, district):
    """A breakdown with clusters only: the cluster pie gets the clusters, the other two pies nothing."""
    snap.save_all([snap.tech(district, D2, registered=12, breakdown={"cluster": {"电子信息": 12}}),
                   snap.tech(None, D2, registered=12)])  # fmt: skip
    response = persona_client("district_official").get(DISTRICT_URL)
    html = response.content.decode()
    groups = {group["kind"]: group for group in chart_json(html)["breakdown"]}
    assert list(groups) == ["origin", "founder_category", "cluster"]
    assert groups["origin"]["items"] == [] and groups["founder_category"]["items"] == []
    assert groups["cluster"] == {
        "kind": "cluster",
        "title": "重点产业集群",
        "items": [{"name": "电子信息", "value": 12}],
    }
    assert response.context["headline"].breakdown.group("cluster").items[0].count == 12
    for kind in groups:
        assert f'data-chart="breakdown-{kind}"' in html


def test_empty_state_with_recompute_for_city_officials(persona_client, city_official, district_official):
    html = persona_client("city_official").get(CITY_URL).content.decode()
    assert 'data-testid="empty-state"' in html
    assert f'action="{reverse("quotas:recompute")}"' in html
    assert "dashboard-data" not in html


def test_empty_state_without_recompute_for_district_officials(persona_client, district_official):
    response = persona_client("district_official").get(DISTRICT_URL)
    html = response.content.decode()
    assert 'data-testid="empty-state"' in html and "quotas:recompute" not in html
    assert reverse("quotas:recompute") not in html


# --- District dashboard -------------------------------------------------------------------------


def test_district_official_sees_own_district(persona_client, district_official, league):
    response = persona_client("district_official").get(DISTRICT_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["district"].code == "510703"
    assert 'data-testid="headline-registered">15<' in html
    assert "其中有效期内 12 家" in html  # the second figure: registrations still valid on the day
    assert 'data-testid="headline-share">15.00%<' in html and 'data-met="1"' in html
    assert "排名第 1" in html and 'data-change="up"' in html
    data = chart_json(html)
    assert [s["name"] for s in data["trend"]["series"]] == ["全市", "涪城区"]
    assert "league" not in data
    assert (
        persona_client("district_official").get(reverse("dashboards:district_code", args=["510703"])).status_code == 200
    )


@pytest.mark.parametrize(
    "url",
    [reverse("dashboards:district_code", args=["510704"]), f"{DISTRICT_URL}?district=510704"],
)
def test_district_official_cannot_open_another_district(persona_client, district_official, other_district, url):
    assert persona_client("district_official").get(url).status_code == 404


def test_city_official_opens_any_district(persona_client, city_official, league):
    client = persona_client("city_official")
    for url in (reverse("dashboards:district_code", args=["510704"]), f"{DISTRICT_URL}?district=510704"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["district"].name == "游仙区"
        assert 'data-testid="headline-registered">11<' in response.content.decode()
    assert client.get(reverse("dashboards:district_code", args=["999999"])).status_code == 404


@pytest.mark.parametrize("persona", ["enterprise_user", "department_user"])
def test_other_roles_are_refused(persona_client, persona, league):
    client = persona_client(persona)
    assert client.get(CITY_URL).status_code == 404
    assert client.get(DISTRICT_URL).status_code == 404


def test_district_official_cannot_open_city_dashboard(persona_client, district_official, league):
    assert persona_client("district_official").get(CITY_URL).status_code == 404


def test_anonymous_goes_to_login(client):
    for url in (CITY_URL, DISTRICT_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_district_work_lists(persona_client, district_official, district, other_district, league):
    S = Application.State
    mine = factories.EnterpriseFactory.create_batch(12, managing_district=district)
    for n, enterprise in enumerate(mine):
        factories.ApplicationFactory(
            enterprise=enterprise,
            state=S.ON_SITE_CHECK if n % 2 else S.SUBMITTED,
            submitted_on=dt.date(2026, 4, 1) + dt.timedelta(days=n),
            first_time_applicant=False,
        )
    returned = factories.EnterpriseFactory(managing_district=district)
    factories.ApplicationFactory(enterprise=returned, state=S.RETURNED, submitted_on=dt.date(2026, 3, 1))
    theirs = factories.EnterpriseFactory(managing_district=other_district)
    factories.ApplicationFactory(enterprise=theirs, state=S.SUBMITTED, submitted_on=dt.date(2026, 3, 1))
    Enterprise.objects.filter(pk__in=[e.pk for e in mine[:3]] + [theirs.pk]).update(in_cultivation_pool=True)
    open_ones = factories.EnterpriseFactory.create_batch(2, managing_district=district, in_cultivation_pool=True)
    # The quota job stores each district's open candidates with its snapshot: their number and the
    # closest; the three pool firms already filed are no longer candidates, in the card nor the list.
    head = closest_by_district(10, year=2026, day=D2)[district.pk]
    TechShareSnapshot.objects.filter(scope_key=district.code, as_of=D2).update(
        candidates=head.size, closest_candidates=head.closest
    )

    response = persona_client("district_official").get(DISTRICT_URL)
    html = response.content.decode()
    assert 'data-testid="waiting-count">12<' in html
    waiting = response.context["waiting"]
    assert [f.enterprise_id for f in waiting] == [e.pk for e in mine[:10]]  # the oldest first
    assert html.count('data-testid="waiting-row"') == 10
    assert {c.id for c in response.context["candidates"]} == {e.pk for e in open_ones}
    assert html.count('data-testid="candidate-row"') == 2
    assert 'data-testid="pool-count">2<' in html and 'data-testid="headline-candidates">2<' in html
    assert reverse("enterprises:detail", args=[open_ones[0].pk]) in html
    assert html.count('<span class="badge text-bg-secondary">暂无数据</span>') == 2
    # The work lists come first: before the headline figures and the charts.
    assert html.index('data-testid="table-waiting"') < html.index('data-testid="headline"')
    assert html.index('data-testid="table-candidates"') < html.index('data-testid="table-trend"')
    assert 'data-testid="export-candidates"' in html and 'data-testid="export-waiting"' in html


# --- Query counts -------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_pages_run_the_same_small_number_of_queries_whatever_the_data(client, django_assert_max_num_queries):
    made = snap.many(3, 2, first=dt.date(2026, 1, 5))
    city = factories.OfficialMembershipFactory(district=None).user
    official = factories.OfficialMembershipFactory(district=made[0]).user
    pages = [
        (city, CITY_URL),
        (city, reverse("dashboards:district_code", args=[made[1].code])),
        (official, DISTRICT_URL),
    ]

    def measure():
        counts = []
        for user, url in pages:
            client.force_login(user)
            with django_assert_max_num_queries(15):
                counts.append(count_queries(client, url))
        return counts

    small = measure()
    snap.many(12, 30, first=dt.date(2026, 2, 1))  # 12 districts (the first 3 reused) on 30 more dates
    large_data = measure()
    client.force_login(city)
    assert client.get(CITY_URL).context["overview"].as_of == dt.date(2026, 3, 2)
    assert len(client.get(CITY_URL).context["overview"].districts) == 12
    assert small == large_data, (small, large_data)
    print("queries (city, district as city official, district as district official):", small)


def test_selectors_read_snapshots_in_one_query_each(league, django_assert_num_queries):
    with django_assert_num_queries(1):
        overview = selectors.city_overview(D2)
    assert overview.city.registered == 32 and len(overview.districts) == 3
    with django_assert_num_queries(1):
        trend = selectors.district_trend(["510703", "city"], since=D1)
    assert trend.dates == [D1, D2]
    with django_assert_num_queries(1):
        assert selectors.latest_as_of(2026) == D2
    with django_assert_num_queries(1):
        assert selectors.department_rows(2026, D2) == []
    assert selectors.latest_as_of(2030) is None
    assert selectors.city_overview(None).districts == []


def test_navigation_links_the_dashboards(persona_client, city_official, district_official):
    city_nav = persona_client("city_official").get(reverse("home")).context["portal_nav"]
    assert {"label": "全市看板", "url": CITY_URL, "active": False} in [
        {**item, "label": str(item["label"])} for item in city_nav
    ]
    district_nav = persona_client("district_official").get(reverse("home")).context["portal_nav"]
    labels = [str(item["label"]) for item in district_nav]
    assert "区县看板" in labels and "全市看板" not in labels
