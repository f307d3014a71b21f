"""Alerts after a quota run: officials short of their target hear once per period, in the portal and by e-mail."""

import datetime as dt

import pytest
from django.core import mail

from quotas.alerts import quota_alerts_send
from quotas.department_share import department_share_compute
from quotas.models import QuotaAlert, QuotaRun
from quotas.tasks import quota_run_process
from quotas.tech_share import tech_share_compute
from smeportal.models import Notification
from tests.quotas import quota_data
from tests.quotas.quota_data import DAY, YEAR


@pytest.fixture
def data(district, other_district, department, other_department):
    quota_data.tech_share_data(district, other_district)
    quota_data.department_share_data(department, other_department)


@pytest.fixture
def personas(district_official, other_district_official, city_official, department_user, other_department_user):
    return {
        "short_district": district_official,  # 涪城区: 5%, short by 1
        "met_district": other_district_official,  # 游仙区: 10%
        "city": city_official,
        "met_department": department_user,  # 市科技局: 20%
        "short_department": other_department_user,  # 市经信局: short by 1
    }


def received(user):
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


def run(day=DAY):
    run = QuotaRun.objects.create(as_of=day, year=YEAR)
    return quota_run_process(run_id=run.pk)


def test_one_notification_per_period_however_often_the_job_runs(data, personas):
    results = [run() for _ in range(3)]
    assert [result["alerts"] for result in results] == [3, 0, 0]
    short_district = received(personas["short_district"])
    assert len(short_district) == 1 and "涪城区" in short_district[0] and "还差 1 家" in short_district[0]
    short_department = received(personas["short_department"])
    assert len(short_department) == 1 and "市经信局" in short_department[0]
    city = received(personas["city"])
    assert len(city) == 1 and "1 个区县/功能区" in city[0] and "涪城区" in city[0] and "1 个部门" in city[0]
    assert received(personas["met_district"]) == []
    assert received(personas["met_department"]) == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        personas[name].email for name in ("short_district", "short_department", "city")
    )
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert set(QuotaAlert.objects.values_list("scope_key", "kind", "period")) == {
        ("510703", "tech_share", "2026-11"),
        ("dept:jxj", "new_enterprise", "2026"),
        ("city", "tech_share", "2026-11"),
    }


def test_a_new_month_alerts_districts_again_but_departments_once_a_year(data, personas):
    run()
    run(DAY + dt.timedelta(days=30))  # 2026-12-20
    assert len(received(personas["short_district"])) == 2
    assert len(received(personas["city"])) == 2
    assert len(received(personas["short_department"])) == 1


def test_nothing_is_sent_when_every_target_is_met(district, other_district, personas):
    quota_data.policy()
    quota_data.enterprises(district, 5)  # ⌈0.5⌉ = 1 needed, none registered: short
    tech_share_compute(day=DAY)
    department_share_compute(year=YEAR, day=DAY)
    assert quota_alerts_send(day=DAY, year=YEAR) == 2  # the district and the city summary
    quota_data.registration(
        quota_data.enterprises(district, 1)[0], valid_from=dt.date(2026, 6, 1), valid_until=dt.date(2029, 5, 31)
    )
    later = DAY + dt.timedelta(days=40)  # a new period: nothing is short any more
    tech_share_compute(day=later)
    department_share_compute(year=YEAR, day=later)
    assert quota_alerts_send(day=later, year=YEAR) == 0
    assert len(received(personas["short_district"])) == 1


def test_alerts_run_a_fixed_number_of_queries(data, personas, django_assert_max_num_queries):
    tech_share_compute(day=DAY)
    department_share_compute(year=YEAR, day=DAY)
    # snapshots ×2, insert-returning, officials, department users, notifications, savepoint + release
    with django_assert_max_num_queries(8):
        assert quota_alerts_send(day=DAY, year=YEAR) == 3
    with django_assert_max_num_queries(5):  # snapshots ×2, savepoint, insert-returning, release
        assert quota_alerts_send(day=DAY, year=YEAR) == 0


def test_the_alert_shows_a_share_just_under_the_target_below_it(district, district_official):
    """20 of 201 new enterprises (9.95%): the alert reads 9.9%, not "占比 10.0%，低于目标 10.0%"."""
    quota_data.policy()
    valid = {"valid_from": dt.date(2026, 6, 1), "valid_until": dt.date(2029, 5, 31)}
    for firm in quota_data.enterprises(district, 201)[:20]:
        quota_data.registration(firm, **valid)
    tech_share_compute(day=DAY)
    quota_alerts_send(day=DAY, year=YEAR)
    (message,) = received(district_official)
    assert "占比 9.9%，低于目标 10.0%，还差 1 家" in message
    assert "占比 9.9%" in mail.outbox[0].body
