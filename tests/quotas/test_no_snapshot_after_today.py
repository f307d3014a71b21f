"""No quota snapshot is dated after today (Asia/Shanghai): "recompute now" and ``compute_quotas --date`` refuse
such a day, which has no figures yet (RULES.md §5 counts what happened by D) and, being the newest, would be
what every dashboard and workbench shows until it came."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from quotas.models import QuotaRun, TechShareSnapshot
from tests.quotas.quota_data import DAY, YEAR

REFUSED = "统计日期不能晚于今天（2026-11-20）。"


@pytest.mark.parametrize(
    "future", [DAY + dt.timedelta(days=1), DAY.replace(year=YEAR + 1)], ids=["tomorrow", "mistyped"]
)
def test_recompute_refuses_a_date_after_today_and_keeps_what_was_typed(
    client, city_official, today, future, django_capture_on_commit_callbacks
):
    today(DAY)
    client.force_login(city_official)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("quotas:recompute"), {"as_of": future.isoformat(), "year": YEAR})

    assert response.status_code == 200 and not callbacks
    assert response.context["form"].errors == {"as_of": [REFUSED]}
    page = response.content.decode()
    assert REFUSED in page and f'value="{future.isoformat()}"' in page and f'value="{YEAR}"' in page
    assert not QuotaRun.objects.exists() and not TechShareSnapshot.objects.exists()


def test_recompute_accepts_today(client, city_official, today, django_capture_on_commit_callbacks):
    today(DAY)
    client.force_login(city_official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("quotas:recompute"), {"as_of": DAY.isoformat(), "year": YEAR})
    run = QuotaRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("quotas:run", args=[run.pk])
    assert (run.as_of, run.status) == (DAY, QuotaRun.Status.DONE)


def test_recompute_shows_an_invalid_year_on_the_form(client, city_official, today):
    today(DAY)
    client.force_login(city_official)
    response = client.post(reverse("quotas:recompute"), {"as_of": DAY.isoformat(), "year": "1999"})
    assert response.status_code == 200 and list(response.context["form"].errors) == ["year"]
    assert 'value="1999"' in response.content.decode() and not QuotaRun.objects.exists()


# 17:00 UTC on 20 November is 01:00 on 21 November in Mianyang: the command's "today" is the city's.
SHANGHAI_AFTER_MIDNIGHT = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)


def test_compute_quotas_computes_the_citys_today(district):
    with mock.patch("django.utils.timezone.now", return_value=SHANGHAI_AFTER_MIDNIGHT):
        call_command("compute_quotas", "--date", "2026-11-21", stdout=io.StringIO())
    assert TechShareSnapshot.objects.filter(as_of=dt.date(2026, 11, 21)).exists()


def test_compute_quotas_refuses_a_date_after_the_citys_today(district):
    with (
        mock.patch("django.utils.timezone.now", return_value=SHANGHAI_AFTER_MIDNIGHT),
        pytest.raises(CommandError, match=r"^统计日期不能晚于今天（2026-11-21）。$"),
    ):
        call_command("compute_quotas", "--date", "2026-11-22", stdout=io.StringIO())
    assert not TechShareSnapshot.objects.exists()
