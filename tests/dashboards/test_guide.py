"""The help page (办事指南) and the site footer: the procedure, this campaign's dates with the working days
left, every filing state explained, and who runs the portal."""

import datetime as dt

import pytest
from django.urls import reverse

from certification.models import EvaluationCampaign
from certification.states import MEANINGS, FilingState

pytestmark = pytest.mark.django_db


def test_every_state_is_explained_on_the_help_page(client, django_assert_max_num_queries):
    assert set(MEANINGS) == set(FilingState)
    with django_assert_max_num_queries(4):
        page = client.get(reverse("help")).text
    for state in FilingState:
        assert str(state.label) in page and str(MEANINGS[state]) in page


def test_the_help_page_counts_down_to_the_campaign_dates(client, today):
    EvaluationCampaign.objects.filter(year=2026).delete()  # the national defaults
    today(dt.date(2026, 12, 2))
    page = client.get(reverse("help")).text
    assert "2026年度时间安排" in page and "2026-07-01 至 2026-09-30" in page.replace("\n", " ")
    assert 'data-day="2026-12-15"' in page and "还剩 10 个工作日" in page
    assert 'data-day="2026-10-31"' not in page


def test_the_footer_names_the_host_and_the_help_desk_when_configured(client, settings):
    settings.PORTAL_HOST_ORGANISATION = "绵阳市科学技术局"
    settings.PORTAL_CONTACT_PHONE = ""
    page = client.get(reverse("home")).text
    footer = page[page.index('data-testid="site-footer"') :]
    assert "主办单位：绵阳市科学技术局" in footer and "咨询电话：" not in footer
    assert f'href="{reverse("help")}"' in footer
    settings.PORTAL_CONTACT_PHONE = "0816-1234567"
    footer = client.get(reverse("home")).text.split('data-testid="site-footer"')[1]
    assert 'href="tel:0816-1234567"' in footer
