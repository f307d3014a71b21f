"""The list of new enterprises nobody assists yet: counted, sorted by a column and exported as shown."""

import datetime as dt

import pytest
from django.urls import reverse

from assistance.selectors import new_enterprises_without_assistance
from tests.factories import AssistanceAgreementFactory, EnterpriseFactory, IndustryClusterFactory
from tests.helpers import export_recorded, xlsx_download_rows

pytestmark = pytest.mark.django_db

PAGE = reverse("assistance:without_assistance")
EXPORT = reverse("assistance:without_assistance_export")


@pytest.fixture
def newcomers(district, other_district, department):
    cluster = IndustryClusterFactory(name="电子信息")
    found = [
        EnterpriseFactory(
            name="乙 电子", managing_district=district, established_on=dt.date(2026, 3, 1), cluster=cluster
        ),
        EnterpriseFactory(name="甲 软件", managing_district=other_district, established_on=dt.date(2026, 5, 1)),
        EnterpriseFactory(name="丙 材料", managing_district=district, established_on=dt.date(2025, 8, 1)),
        EnterpriseFactory(
            name="丁 引进", managing_district=district, established_on=dt.date(2010, 1, 1),
            origin="introduced", introduced_on=dt.date(2026, 2, 1),
        ),
    ]  # fmt: skip
    assisted = EnterpriseFactory(name="已帮扶", managing_district=district, established_on=dt.date(2026, 4, 1))
    AssistanceAgreementFactory(enterprise=assisted, department=department, year=2026)
    EnterpriseFactory(name="老企业", managing_district=district, established_on=dt.date(2015, 1, 1))
    return found


def names(page) -> list[str]:
    return [enterprise.name for enterprise in page.context["page"].object_list]


def test_the_page_counts_the_list_and_sorts_by_a_column_either_way(client, department_user, newcomers):
    client.force_login(department_user)
    newest_first = client.get(PAGE, {"year": 2026})
    assert names(newest_first) == ["甲 软件", "乙 电子", "丙 材料", "丁 引进"]
    assert (newest_first.context["total"], newest_first.context["total_over"]) == (4, False)
    assert 'data-total="4"' in newest_first.text
    by_name = client.get(PAGE, {"year": 2026, "sort": "name"})
    assert names(by_name) == sorted(names(by_name)) and len(names(by_name)) == 4
    assert names(client.get(PAGE, {"year": 2026, "sort": "-name"})) == names(by_name)[::-1]
    oldest_first = client.get(PAGE, {"year": 2026, "sort": "established"})
    assert names(oldest_first) == ["丁 引进", "丙 材料", "乙 电子", "甲 软件"]
    assert 'aria-sort="ascending"' in oldest_first.text
    # A key outside the list's whitelist shows the default order, never an error.
    assert names(client.get(PAGE, {"year": 2026, "sort": "credit_code"})) == names(newest_first)


def test_the_export_holds_the_filtered_sorted_list_and_is_in_the_security_log(
    client, department_user, district, newcomers
):
    client.force_login(department_user)
    query = {"year": "2026", "district": str(district.pk), "sort": "-established"}
    page = client.get(PAGE, query)
    assert f'href="{EXPORT}?year=2026&amp;district={district.pk}&amp;sort=-established"' in page.text
    header, *rows = xlsx_download_rows(client.get(EXPORT, query))
    assert header == ("企业名称", "统一社会信用代码", "管理区县/功能区", "成立日期", "来源", "产业集群")
    assert [row[0] for row in rows] == names(page) == ["乙 电子", "丙 材料", "丁 引进"]
    by_name = {row[0]: row for row in rows}
    assert by_name["乙 电子"][1:] == (
        newcomers[0].credit_code, "涪城区", "2026-03-01", "新设立", "电子信息"
    )  # fmt: skip
    assert by_name["丁 引进"][4] == "招商引进（2026-02-01）" and by_name["丁 引进"][5] is None
    assert export_recorded(department_user, "without_assistance") == {
        "path": EXPORT,
        "filters": query,
        "rows": 3,
    }


def test_the_workbench_keeps_the_newest_first(newcomers):
    assert [e.name for e in new_enterprises_without_assistance(2026)] == ["甲 软件", "乙 电子", "丙 材料", "丁 引进"]
