"""The officials' enterprise list: total, sortable columns and the .xlsx export of exactly the filtered list."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from assistance.models import AssistanceAgreement
from certification.models import Application
from enterprises.models import Enterprise
from tests import factories

LIST = reverse("enterprises:list")
EXPORT = reverse("enterprises:export")


def read_xlsx(response) -> list[list]:
    assert response.status_code == 200 and response.streaming
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def firms(district, other_district):
    make = factories.EnterpriseFactory
    return [
        make(name="丙公司", managing_district=district, established_on=dt.date(2020, 1, 1)),
        make(name="甲公司", managing_district=district, established_on=dt.date(2024, 1, 1), in_cultivation_pool=True),
        make(name="乙公司", managing_district=district, established_on=dt.date(2022, 1, 1)),
        make(name="丁公司", managing_district=other_district, established_on=dt.date(2023, 1, 1)),
    ]


def names_on(response) -> list[str]:
    return [e.name for e in response.context["page"].object_list]


def test_total_and_sort_by_each_column_both_ways(persona_client, firms):
    client = persona_client("district_official")
    page = client.get(LIST)
    assert page.context["total"] == 3 and 'data-total="3"' in page.text
    assert names_on(page) == ["甲公司", "乙公司", "丙公司"]  # newest first by default
    assert 'aria-sort="descending"' in page.text
    assert names_on(client.get(LIST, {"sort": "established"})) == ["丙公司", "乙公司", "甲公司"]
    by_name = sorted(["甲公司", "乙公司", "丙公司"])
    assert names_on(client.get(LIST, {"sort": "name"})) == by_name
    assert names_on(client.get(LIST, {"sort": "-name"})) == by_name[::-1]


@pytest.mark.parametrize("sort", ["password", "-", "managing_district__name", "name);--", "企业😀", "-id", "?"])
def test_hostile_sort_keys_fall_back_to_the_default_order(persona_client, firms, sort):
    client = persona_client("district_official")
    for url in (LIST, EXPORT):
        assert client.get(url, {"sort": sort}).status_code == 200
    assert names_on(client.get(LIST, {"sort": sort})) == ["甲公司", "乙公司", "丙公司"]


def test_sort_links_keep_the_filters(persona_client, firms):
    page = persona_client("city_official").get(LIST, {"q": "公司", "sort": "name"}).text
    assert 'href="?q=%E5%85%AC%E5%8F%B8&amp;sort=-name"' in page
    assert 'name="sort" value="name"' in page  # the filter form keeps the order
    assert f'href="{EXPORT}?q=%E5%85%AC%E5%8F%B8&amp;sort=name"' in page


def test_export_equals_the_filtered_sorted_list(persona_client, firms, district):
    client = persona_client("city_official")
    query = {"managing_district": district.pk, "sort": "-name"}
    rows = read_xlsx(client.get(EXPORT, query))
    listed = client.get(LIST, query)
    assert rows[0][:4] == ["企业名称", "统一社会信用代码", "管理区县/功能区", "成立日期"]
    assert [row[0] for row in rows[1:]] == names_on(listed) and len(rows) - 1 == listed.context["total"] == 3
    first = next(e for e in firms if e.name == rows[1][0])
    assert rows[1][1:4] == [first.credit_code, "涪城区", first.established_on.isoformat()]


def test_export_is_scoped_like_the_page(persona_client, firms):
    rows = read_xlsx(persona_client("other_district_official").get(EXPORT))
    assert [row[0] for row in rows[1:]] == ["丁公司"]


@pytest.mark.parametrize("persona", ["enterprise_user", "department_user"])
def test_export_refused_outside_the_officials(persona_client, firms, persona):
    assert persona_client(persona).get(EXPORT).status_code == 404


def test_list_query_count_is_flat_whatever_the_sort(persona_client, firms, django_assert_max_num_queries):
    client = persona_client("city_official")
    for sort in ("name", "-district", "status", "established"):
        with django_assert_max_num_queries(8):
            assert client.get(LIST, {"sort": sort}).status_code == 200
        with django_assert_max_num_queries(6):
            assert client.get(EXPORT, {"sort": sort}).status_code == 200


def test_total_beyond_the_cap_says_over_it_and_still_exports(persona_client, firms, settings):
    """The total is counted up to LIST_COUNT_CAP rows (a million-row list is not counted in full)."""
    settings.LIST_COUNT_CAP = 2
    client = persona_client("district_official")
    page = client.get(LIST)
    assert page.context["total"] == 2 and page.context["total_over"] is True
    assert 'data-total="2+"' in page.text and "超过 2 条" in page.text and "共 2 条" not in page.text
    assert len(read_xlsx(client.get(EXPORT))) - 1 == 3  # the export is of every row, not of the count
    settings.LIST_COUNT_CAP = 3
    exact = client.get(LIST)
    assert exact.context["total"] == 3 and exact.context["total_over"] is False and "共 3 条" in exact.text


def test_the_lists_orders_have_their_indexes():
    """At a million enterprises the name column's order and the agreements' default order are read from an
    index a page at a time (a sort of every row otherwise); the pool's closeness order probes each
    candidate's latest submitted filing in one index."""

    def keys(model):
        return {tuple(index.fields) for index in model._meta.indexes}

    assert ("name", "id") in keys(Enterprise) and ("year", "signed_on", "id") in keys(AssistanceAgreement)
    assert ("enterprise", "-evaluation_year", "-submitted_on", "-id") in keys(Application)
