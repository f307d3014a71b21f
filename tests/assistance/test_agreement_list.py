"""The agreement list: filtered by a form (a wrong value is said, never a 500), counted, sorted by a column,
and exported by the department exactly as the page selects and orders it."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import AssistanceAgreementFactory, EnterpriseFactory
from tests.helpers import export_recorded, xlsx_download_rows

pytestmark = pytest.mark.django_db

LIST = reverse("assistance:agreement_list")
EXPORT = reverse("assistance:export")


@pytest.fixture
def agreements(department, other_department):
    def signed(name, department, year, day, **kwargs):
        return AssistanceAgreementFactory(
            enterprise=EnterpriseFactory(name=name), department=department, year=year, signed_on=day, **kwargs
        )

    return [
        signed("乙 电子", department, 2026, dt.date(2026, 3, 1), counts_as_new=True),
        signed("甲 软件", department, 2026, dt.date(2026, 6, 1)),
        signed("丙 材料", department, 2025, dt.date(2025, 9, 1), status="completed"),
        signed("丁 别的部门", other_department, 2026, dt.date(2026, 4, 1)),
    ]


def names(page) -> list[str]:
    return [agreement.enterprise.name for agreement in page.context["page"].object_list]


def test_the_department_sees_its_own_counted_and_sorted_either_way(client, department_user, agreements):
    client.force_login(department_user)
    latest_first = client.get(LIST)
    assert names(latest_first) == ["甲 软件", "乙 电子", "丙 材料"]
    assert (latest_first.context["total"], latest_first.context["total_over"]) == (3, False)
    by_name = names(client.get(LIST, {"sort": "enterprise"}))
    assert by_name == sorted(by_name) and names(client.get(LIST, {"sort": "-enterprise"})) == by_name[::-1]
    assert names(client.get(LIST, {"sort": "signed"})) == ["丙 材料", "乙 电子", "甲 软件"]


def test_the_filters_select_and_a_wrong_value_is_said_not_a_server_error(client, department_user, agreements):
    client.force_login(department_user)
    assert names(client.get(LIST, {"year": "2026", "counts_as_new": "true"})) == ["乙 电子"]
    assert names(client.get(LIST, {"counts_as_new": "false", "status": "completed"})) == ["丙 材料"]
    assert names(client.get(LIST, {"q": "软件"})) == ["甲 软件"]
    for year in ["²", "1999", "20260"]:  # "²".isdigit() is True but int("²") fails: it answered 500
        page = client.get(LIST, {"year": year})
        assert page.status_code == 200 and page.context["form"].errors["year"]
        assert names(page) == ["甲 软件", "乙 电子", "丙 材料"]


def test_the_export_is_the_filtered_sorted_list_and_officials_are_offered_none(
    client, department_user, city_official, agreements
):
    client.force_login(department_user)
    query = {"year": "2026", "sort": "enterprise"}
    assert f'href="{EXPORT}?year=2026&amp;sort=enterprise"' in client.get(LIST, query).text
    header, *rows = xlsx_download_rows(client.get(EXPORT, query))
    assert header[:2] == ("统一社会信用代码", "企业名称")
    assert [row[1] for row in rows] == ["乙 电子", "甲 软件"]
    assert export_recorded(department_user, "assistance_agreements") == {"path": EXPORT, "filters": query, "rows": 2}
    assert xlsx_download_rows(client.get(EXPORT, {"year": "²"}))[1:] != []  # a wrong filter exports the whole list

    client.force_login(city_official)
    page = client.get(LIST)
    assert page.context["total"] == 4 and 'data-testid="list-export"' not in page.text
    assert "部门" in {header.label for header in page.context["headers"]}
