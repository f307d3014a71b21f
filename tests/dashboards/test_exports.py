"""The dashboards' .xlsx exports: real workbooks with the page's rows, neutralised formulas, scoped access."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import Application
from dashboards.exports import neutralise
from quotas.models import TechShareSnapshot
from tests import factories
from tests.dashboards import snapshots as snap
from tests.helpers import export_recorded

pytestmark = pytest.mark.django_db

D1 = dt.date(2026, 10, 1)
D2 = dt.date(2026, 11, 1)


def export_url(table, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("dashboards:export", args=[table]) + (f"?{query}" if query else "")


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    (sheet,) = book.worksheets
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def data(district, other_district, department, other_department):
    snap.save_all(
        [
            snap.tech(district, D1, registered=5),
            snap.tech(other_district, D1, registered=12),
            snap.tech(None, D1, new=200, registered=17),
            snap.tech(
                district, D2, registered=15, candidates=40, filed=30, recommended=20, breakdown={"origin": {"new": 15}}
            ),
            snap.tech(other_district, D2, registered=9),
            snap.tech(None, D2, new=200, registered=24, breakdown={"cluster": {"电子信息": 4, "": 20}}),
        ]
    )
    snap.department(department, D2, agreements=10, new=2, task=20, assisted=10)
    snap.department(other_department, D2, agreements=9, new=1, task=0, assisted=0)


def test_league_export(persona_client, city_official, data):
    rows = workbook_rows(persona_client("city_official").get(export_url("league")))
    assert rows[0][:4] == ("排名", "排名变化", "区县/功能区", "代码")
    assert rows[1][:4] == (1, "▲1", "涪城区", "510703")
    assert rows[1][4:] == (100, 40, 30, 20, 15, 12, 15, 10, "达标", 0)  # 15 registered, 12 of them valid
    assert rows[2][:4] == (2, "▼1", "游仙区", "510704")
    assert rows[2][-2:] == ("未达标", 1)
    assert rows[3][2] == "全市" and rows[3][8] == 24 and rows[3][10] == 12
    assert len(rows) == 4
    assert export_recorded(city_official, "dashboard:league")["rows"] == 3


def test_league_export_of_an_earlier_date(persona_client, city_official, data):
    rows = workbook_rows(persona_client("city_official").get(export_url("league", date="2026-10-20")))
    assert [row[2] for row in rows[1:]] == ["游仙区", "涪城区", "全市"]
    assert rows[1][1] == "—"  # no earlier snapshot to compare with


def test_departments_export(persona_client, city_official, data):
    rows = workbook_rows(persona_client("city_official").get(export_url("departments", year=2026)))
    assert rows[0] == (
        "部门", "帮扶协议数", "新企业协议数", "新企业占比（%）", "目标（%）", "是否达标", "差额（家）",
        "帮扶企业任务数", "已帮扶企业数", "任务完成率（%）",
    )  # fmt: skip
    assert rows[1:] == [
        ("市经信局", 9, 1, 11.11, 20, "未达标", 1, 0, 0, 0),
        ("市科技局", 10, 2, 20, 20, "达标", 0, 20, 10, 50),
    ]


def test_trend_funnel_and_breakdown_exports(persona_client, city_official, data):
    client = persona_client("city_official")
    trend = workbook_rows(client.get(export_url("trend")))
    assert trend == [
        ("统计日期", "全市（%）", "涪城区（%）", "游仙区（%）"),
        ("2026-10-01", 8.5, 5, 12),
        ("2026-11-01", 12, 15, 9),
    ]
    funnel = workbook_rows(client.get(export_url("funnel", district="510703")))
    assert funnel[0] == ("环节", "企业数", "占新注册企业（%）")
    assert [row[1] for row in funnel[1:]] == [100, 30, 20, 15]
    assert funnel[4] == ("已入库", 15, 15)
    breakdown = workbook_rows(client.get(export_url("breakdown")))
    assert breakdown == [
        ("分类", "项目", "企业数"),
        ("重点产业集群", "未归入重点产业集群", 20),
        ("重点产业集群", "电子信息", 4),
    ]
    district_trend = workbook_rows(client.get(export_url("trend", district="510704")))
    assert district_trend[0] == ("统计日期", "全市（%）", "游仙区（%）")


def test_export_without_snapshots_has_headers_only(persona_client, city_official):
    assert workbook_rows(persona_client("city_official").get(export_url("funnel"))) == [
        ("环节", "企业数", "占新注册企业（%）")
    ]


def test_names_that_look_like_formulas_are_neutralised(persona_client, city_official, data):
    evil = factories.DepartmentFactory(code="evil", name='=HYPERLINK("http://x","y")')
    snap.department(evil, D2)
    factories.DistrictFactory(code="510799", name="+cmd|' /C calc'!A0")
    snap.save_all([snap.tech(factories.DistrictFactory(code="510799"), D2, registered=1)])
    client = persona_client("city_official")
    departments = workbook_rows(client.get(export_url("departments")))
    assert ('\'=HYPERLINK("http://x","y")') in [row[0] for row in departments]
    league = workbook_rows(client.get(export_url("league")))
    assert "'+cmd|' /C calc'!A0" in [row[2] for row in league]
    raw = client.get(export_url("departments"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(raw.streaming_content)))
    assert all(cell.data_type != "f" for row in book.active.iter_rows() for cell in row)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_neutralise(value):
    assert neutralise(value) == "'" + value
    assert neutralise("涪城区") == "涪城区" and neutralise(5) == 5


def test_district_official_exports_own_district_only(persona_client, district_official, data):
    client = persona_client("district_official")
    funnel = workbook_rows(client.get(export_url("funnel")))
    assert funnel[4] == ("已入库", 15, 15)  # their district (涪城区), not the city
    assert workbook_rows(client.get(export_url("trend")))[0] == ("统计日期", "全市（%）", "涪城区（%）")
    assert client.get(export_url("funnel", district="510704")).status_code == 404
    assert client.get(export_url("league")).status_code == 404
    assert client.get(export_url("departments")).status_code == 404


CANDIDATES = [
    {"id": 1, "name": "=甲科技", "source": "filing", "score": 76, "eligible": True, "distance": 0},
    {"id": 2, "name": "乙科技", "source": "estimate", "score": 56, "eligible": False, "distance": 4},
    {"id": 3, "name": "丙科技", "source": "none", "score": None, "eligible": None, "distance": None},
]


def test_work_list_exports(persona_client, district_official, city_official, district, other_district, data):
    S = Application.State
    mine = factories.EnterpriseFactory.create_batch(12, managing_district=district)
    for n, enterprise in enumerate(mine):  # more than the page's ten
        factories.ApplicationFactory(
            enterprise=enterprise,
            state=S.ON_SITE_CHECK if n % 2 else S.SUBMITTED,
            submitted_on=dt.date(2026, 4, 12) - dt.timedelta(days=n),
            first_time_applicant=False,
        )
    theirs = factories.EnterpriseFactory(managing_district=other_district)
    factories.ApplicationFactory(enterprise=theirs, state=S.SUBMITTED, submitted_on=dt.date(2026, 3, 1))
    TechShareSnapshot.objects.filter(scope_key=district.code, as_of=D2).update(closest_candidates=CANDIDATES)
    client = persona_client("district_official")

    waiting = workbook_rows(client.get(export_url("waiting")))
    assert waiting[0] == ("企业名称", "统一社会信用代码", "评价年度", "状态", "提交日期")
    assert [row[1] for row in waiting[1:]] == [e.credit_code for e in reversed(mine)]  # all twelve, oldest first
    assert waiting[1][2:] == (2026, "现场核查", "2026-04-01")

    candidates = workbook_rows(client.get(export_url("candidates")))
    assert candidates == [
        ("序号", "企业名称", "得分", "评价结果", "数据来源"),
        (1, "'=甲科技", 76, "符合条件", "申报数据"),
        (2, "乙科技", 56, "差 4 分", "估算数据"),
        (3, "丙科技", None, "暂无数据", "暂无数据"),
    ]
    assert client.get(export_url("waiting", district=other_district.code)).status_code == 404
    assert client.get(export_url("candidates", district=other_district.code)).status_code == 404

    city = persona_client("city_official")
    theirs_rows = workbook_rows(city.get(export_url("waiting", district=other_district.code)))
    assert [row[1] for row in theirs_rows[1:]] == [theirs.credit_code]


def test_work_list_exports_run_a_fixed_number_of_queries(persona_client, district_official, district, data):
    client = persona_client("district_official")

    def queries(table) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(export_url(table)).status_code == 200
        return len(captured)

    counts = []
    for n in (3, 30):
        for enterprise in factories.EnterpriseFactory.create_batch(n, managing_district=district):
            factories.ApplicationFactory(enterprise=enterprise, state=Application.State.SUBMITTED, submitted_on=D1)
        counts.append((queries("waiting"), queries("candidates")))
    assert counts[0] == counts[1] and max(counts[0]) <= 10


@pytest.mark.parametrize("persona", ["enterprise_user", "department_user"])
def test_other_roles_cannot_export(persona_client, persona, data):
    assert persona_client(persona).get(export_url("league")).status_code == 404


def test_unknown_table_is_not_found(persona_client, city_official):
    assert persona_client("city_official").get(export_url("secrets")).status_code == 404
