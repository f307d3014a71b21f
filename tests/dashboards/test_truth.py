"""Dashboards that tell the truth at a glance: ties shown as ties, the plan's horizon, the city map,
target lines on every share chart, and the map's regions matched to the portal's districts."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from dashboards import charts, geo, selectors
from enterprises.models import District
from tests import factories
from tests.dashboards import snapshots as snap

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 11, 30)
CITY_URL = reverse("dashboards:city")


@pytest.fixture
def tied(district, other_district):
    """涪城区 12%; 游仙区 and three more districts at 0%: four tied for second place."""
    more = [factories.DistrictFactory(code=f"51072{n}", name=f"测试县{n}") for n in range(3)]
    rows = [snap.tech(district, DAY, registered=12), snap.tech(other_district, DAY, registered=0)]
    rows += [snap.tech(d, DAY, registered=0) for d in more]
    rows.append(snap.tech(None, DAY, new=500, registered=12))
    snap.save_all(rows)
    return more


def test_equal_shares_share_a_rank_and_say_so(tied, persona_client, city_official, other_district_official):
    overview = selectors.city_overview(DAY)
    assert [(row.code, row.rank, row.tied_with, row.rank_text) for row in overview.districts][:2] == [
        ("510703", 1, 0, "1"),
        ("510704", 2, 3, "并列2"),
    ]
    assert {row.rank for row in overview.districts[1:]} == {2}
    html = persona_client("city_official").get(CITY_URL).content.decode()
    assert html.count('data-testid="league-rank">并列2<') == 4
    assert 'data-testid="league-rank">1<' in html
    page = persona_client("other_district_official").get(reverse("dashboards:district")).content.decode()
    rank = page.split('data-testid="district-rank">')[1].split("</p>")[0]
    assert "在 5 个区县/功能区中并列第 2（与另外 3 个区县/功能区同为 0.00%）" in rank
    assert "排名第" not in rank


def horizon_data(district, other_district):
    """Year ends 2021 … 2025 and today: 涪城区 climbs 2% → 12%; 游仙区 falls from 9% to 7%."""
    rows = []
    for year, (fucheng, youxian) in zip(range(2021, 2026), [(2, 9), (4, 9), (6, 8), (8, 9), (9, 8)], strict=True):
        day = dt.date(year, 11, 30)
        rows += [
            snap.tech(district, day, year=year, registered=fucheng),
            snap.tech(other_district, day, year=year, registered=youxian),
            snap.tech(None, day, year=year, new=200, registered=fucheng + youxian),
        ]
        rows += [snap.tech(district, dt.date(year, 12, 31), year=year, registered=fucheng)]
        rows += [snap.tech(None, dt.date(year, 12, 31), year=year, new=200, registered=fucheng + youxian)]
    rows += [
        snap.tech(district, DAY, registered=12),
        snap.tech(other_district, DAY, registered=7),
        snap.tech(None, DAY, new=200, registered=19),
    ]
    snap.save_all(rows)


def test_the_plan_horizon_compares_now_with_one_three_and_five_years_before(
    district, other_district, django_assert_num_queries
):
    horizon_data(district, other_district)
    with django_assert_num_queries(2):
        horizon = selectors.plan_horizon(DAY)
    assert horizon.compared_on == [dt.date(2025, 11, 30), dt.date(2023, 11, 30), dt.date(2021, 11, 30)]
    assert horizon.years == [2021, 2022, 2023, 2024, 2025, 2026]
    assert [row.code for row in horizon.rows] == ["city", "510703", "510704"]
    fucheng = horizon.rows[1]
    assert fucheng.share_percent == Decimal("12.00")
    assert [(c.years, c.share_percent, c.change) for c in fucheng.compares] == [
        (1, Decimal("9.00"), Decimal("3.00")),
        (3, Decimal("6.00"), Decimal("6.00")),
        (5, Decimal("2.00"), Decimal("10.00")),
    ]
    assert fucheng.stepped_up is True and horizon.rows[2].stepped_up is False
    # 游仙区 has no 31 December snapshot: its year ends are missing, not someone else's.
    assert fucheng.year_ends == [Decimal("2.00"), Decimal("4.00"), Decimal("6.00"), Decimal("8.00"), Decimal("9.00"),
                                 Decimal("12.00")]  # fmt: skip
    assert horizon.rows[2].year_ends == [None] * 5 + [Decimal("7.00")]
    # Before the first snapshot there is nothing to compare with: shown as "—", not as 0.
    early = selectors.plan_horizon(dt.date(2022, 12, 31), ["510703"])
    assert [c.share_percent for c in early.rows[0].compares] == [Decimal("2.00"), None, None]
    assert early.rows[0].stepped_up is True


def test_city_page_shows_map_horizon_and_target_lines(district, other_district, persona_client, city_official):
    horizon_data(district, other_district)
    zone = District.objects.create(code="ZGX", name="高新区", kind=District.Kind.ZONE, sort_order=20)
    snap.save_all([snap.tech(zone, DAY, registered=15)])
    dept = factories.DepartmentFactory(name="市科技局")
    snap.department(dept, DAY, agreements=10, new=1)
    response = persona_client("city_official").get(CITY_URL + "?year=2026")
    html = response.content.decode()
    data = json.loads(html.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert data["target"] == 10.0 and data["text"]["target"] == "目标"
    assert data["departments"]["target"] == 20.0 and data["departments"]["shares"] == [10.0]
    regions = {r["name"]: r for r in data["map"]["regions"]}
    assert set(regions) == {"涪城区", "游仙区"}
    assert regions["涪城区"]["value"] == 12.0
    query = "?year=2026&date=2026-11-30"  # the districts' dashboards open on the same period
    assert regions["涪城区"]["url"] == reverse("dashboards:district_code", args=["510703"]) + query
    zone_url = reverse("dashboards:district_code", args=["ZGX"]) + query
    zone = {"name": "高新区", "value": [*geo.ZONE_POINTS["ZGX"], 15.0], "url": zone_url, "side": "left"}
    assert data["map"]["zones"] == [zone]
    assert data["horizon"]["names"] == ["全市", "涪城区", "游仙区", "高新区"]
    assert [s["name"] for s in data["horizon"]["series"]][-1] == "2026"
    for kind in ("map", "horizon", "departments", "league", "trend"):
        assert f'data-chart="{kind}"' in html
    assert "vendor/echarts-cities/" in html  # the map file, before the page's script
    assert html.index("vendor/echarts-cities/") < html.index("js/dashboards.js")
    assert html.count('data-testid="horizon-row"') == 4
    # The trend spans the plan's years, not the selected year alone.
    assert response.context["trend"].dates[0] == dt.date(2021, 11, 30)


def test_district_page_shows_its_horizon(district, other_district, persona_client, district_official):
    horizon_data(district, other_district)
    response = persona_client("district_official").get(reverse("dashboards:district"))
    assert [row.code for row in response.context["horizon"].rows] == ["city", "510703"]
    assert "map" not in response.context["chart_data"]


def test_the_maps_regions_are_the_portals_districts():
    """The map file names its regions; each administrative district of the reference data must have its
    region by that exact name, and each zone a marker (a renamed region would leave a district blank)."""
    path = finders.find(geo.MAP_FILE)
    assert path, "the map file is served from node_modules (settings.STATICFILES_DIRS)"
    with open(path, encoding="utf-8") as file:
        text = file.read()
    assert f"registerMap('{geo.MAP_NAME}'" in text
    names_by_code = dict(re.findall(r'"id":"(\d{6})","properties":\{"name":"([^"]+)"', text))
    reference = json.loads((settings.BASE_DIR / "enterprises/data/reference_mianyang.json").read_text("utf-8"))
    for row in reference["districts"]:
        if row["kind"] == "zone":
            assert row["code"] in geo.ZONE_POINTS and row["code"] in geo.ZONE_LABEL_SIDE
        else:
            assert geo.REGION_OF_DISTRICT[row["code"]] == names_by_code[row["code"]] == row["name"]
    assert set(geo.REGION_OF_DISTRICT) | set(geo.ZONE_POINTS) == {row["code"] for row in reference["districts"]}


def test_breakdown_and_funnel_chart_data_come_from_the_view_models(district, other_district):
    horizon_data(district, other_district)
    overview = selectors.city_overview(DAY)
    data = charts.chart_data(overview.city, trend=selectors.district_trend(None), league=overview.districts)
    assert [step["name"] for step in data["funnel"]] == ["新注册企业", "已申报", "已推荐", "已入库"]
