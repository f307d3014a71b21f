"""The history pages: an official reads an enterprise's changes (a district move by name), an enterprise
its own filing's; newest first, a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse

from certification.services.filing import application_submit
from enterprises.models import Enterprise
from smeportal.history import history_context
from tests import factories

pytestmark = pytest.mark.django_db


def test_official_sees_the_district_move_by_name(client, enterprise, district, other_district, city_official):
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    with history_context(actor=city_official, reason="管理后台"):
        enterprise.managing_district = other_district
        enterprise.save()
    client.force_login(city_official)
    page = client.get(reverse("enterprises:history", args=[enterprise.pk])).content.decode()
    move = page.index("管理区县/功能区")
    assert page.index(district.name, move) < page.index(other_district.name, move)
    assert "city_official" in page and "管理后台" in page
    assert page.index("管理后台") < page.index("统一社会信用代码")  # newest (the move) before the creation


def test_enterprise_history_page_query_count(client, enterprise, city_official, django_assert_max_num_queries):
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    clusters = [factories.IndustryClusterFactory() for _ in range(10)]
    for cluster in clusters:
        with history_context(actor=factories.UserFactory(), reason="调整"):
            enterprise.cluster = cluster
            enterprise.save()
    client.force_login(city_official)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("enterprises:history", args=[enterprise.pk]))
    assert clusters[-1].name in response.content.decode()


def test_enterprise_sees_its_own_filing_history(client, enterprise, enterprise_user, other_enterprise_user):
    application = factories.ApplicationFactory(enterprise=enterprise)
    application_submit(application_id=application.pk, actor=enterprise_user, today=dt.date(2026, 8, 1))
    url = reverse("certification:filing_history", args=[application.pk])
    client.force_login(enterprise_user)
    page = client.get(url).content.decode()
    assert "提交申报" in page and "草稿" in page and "已提交" in page
    client.force_login(other_enterprise_user)
    assert client.get(url).status_code == 404
