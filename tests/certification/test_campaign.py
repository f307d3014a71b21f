"""The yearly campaign as data: filing, resubmission, notices and registration happen within its windows,
and the pages show its deadlines."""

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse

from certification.models import Application, EvaluationCampaign, NoticeBatch, Registration
from certification.rules import campaign as campaign_rules
from certification.rules.workdays import working_days_left
from certification.selectors.campaign import filing_year, open_evaluation_years
from certification.services.filing import application_resubmit, application_save_draft, application_submit
from certification.services.notice import notice_batch_create
from certification.services.registration import notice_batch_register_due
from certification.services.review import application_return
from certification.workflow import TransitionError
from tests import factories
from tests.helpers import FIGURES

pytestmark = pytest.mark.django_db


def national(year: int) -> EvaluationCampaign:
    """The year runs on the national defaults (the suite's all-year campaign removed)."""
    EvaluationCampaign.objects.filter(year=year).delete()
    return EvaluationCampaign.for_year(year)


def test_a_year_without_a_stored_campaign_runs_on_the_national_defaults():
    campaign = national(2025)
    assert campaign.pk is None
    assert (campaign.filing_opens, campaign.filing_closes) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert campaign.dates.batch_cutoffs == (dt.date(2025, 7, 30), dt.date(2025, 8, 30), dt.date(2025, 9, 30))
    assert (campaign.notices_end_by, campaign.spot_checks_due, campaign.summary_due) == (
        dt.date(2025, 10, 31),
        dt.date(2025, 12, 15),
        dt.date(2025, 12, 31),
    )
    assert campaign_rules.dates_out_of_order(campaign.dates) == {}


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (dt.date(2026, 6, 30), []),
        (dt.date(2026, 7, 1), [2026]),
        (dt.date(2026, 9, 30), [2026]),
        (dt.date(2026, 10, 1), []),
    ],
)
def test_open_years_follow_the_window(today, years):
    national(2025), national(2026), national(2027)
    assert open_evaluation_years(today) == years
    assert filing_year(today) == 2026


@pytest.mark.parametrize(
    ("year", "message"), [(2019, "2019年度评价申报已于2019-09-30截止"), (2031, "2031年度评价申报将于2031-07-01开始")]
)
def test_filings_for_closed_or_future_years_are_refused(enterprise_user, today, year, message):
    """On the previous main filings for 2019 and 2031 were accepted."""
    national(year)
    today(dt.date(2026, 8, 3))
    with pytest.raises(TransitionError, match=message):
        application_save_draft(actor=enterprise_user, evaluation_year=year, data=FIGURES)
    assert not Application.objects.exists()


def test_a_filing_after_the_window_closed_is_refused_and_so_is_its_submission(enterprise_user, today):
    """On the previous main a 2026 filing was accepted on 2026-12-30."""
    national(2026)
    today(dt.date(2026, 9, 1))
    draft = application_save_draft(actor=enterprise_user, evaluation_year=2026, data=FIGURES)
    today(dt.date(2026, 12, 30))
    with pytest.raises(TransitionError, match="2026-09-30截止"):
        application_submit(application_id=draft.pk, actor=enterprise_user)
    assert Application.objects.get(pk=draft.pk).state == Application.State.DRAFT


def test_a_resubmission_after_the_window_is_refused(enterprise, enterprise_user, district_official, today):
    national(2026)
    factories.ApplicationFactory(enterprise=enterprise, evaluation_year=2025, state="expired")
    today(dt.date(2026, 9, 1))
    draft = application_save_draft(actor=enterprise_user, evaluation_year=2026, data=FIGURES)
    application_submit(application_id=draft.pk, actor=enterprise_user)
    application_return(application_id=draft.pk, actor=district_official, comment="补充材料")
    with pytest.raises(TransitionError, match="截止"):
        application_resubmit(application_id=draft.pk, actor=enterprise_user, today=dt.date(2026, 10, 8))
    assert application_resubmit(application_id=draft.pk, actor=enterprise_user, today=dt.date(2026, 9, 30))


def test_a_backdated_notice_is_refused(enterprise, city_official):
    """On the previous main a batch created on 2026-12-02 could start on 2026-01-05 and had already ended."""
    filing = factories.recommended_filing(enterprise)
    with pytest.raises(Exception, match="不能早于今天"):
        notice_batch_create(
            actor=city_official,
            title="补发公示",
            start_date=dt.date(2026, 1, 5),
            today=dt.date(2026, 12, 2),
            application_ids=[filing.pk],
        )
    assert not NoticeBatch.objects.exists()


def test_a_notice_must_end_by_the_campaign_date(enterprise, city_official):
    national(2026)
    filing = factories.recommended_filing(enterprise)
    with pytest.raises(TransitionError, match="2026-10-31"):
        notice_batch_create(
            actor=city_official,
            title="迟到的公示",
            start_date=dt.date(2026, 10, 26),
            today=dt.date(2026, 10, 26),
            application_ids=[filing.pk],
        )
    batch = notice_batch_create(
        actor=city_official,
        title="按时公示",
        start_date=dt.date(2026, 10, 12),
        today=dt.date(2026, 10, 12),
        application_ids=[filing.pk],
    )
    assert batch.end_date <= dt.date(2026, 10, 31)


def test_no_registration_of_a_year_after_its_validity_end(enterprise, city_official):
    """On the previous main a notice ending after 31 December registered the filing for the past year,
    valid from and to 31 December, and the expiry job expired it at once."""
    filing = factories.recommended_filing(enterprise)
    EvaluationCampaign.objects.filter(year=2026).update(notices_end_by=dt.date(2026, 12, 31))
    batch = notice_batch_create(
        actor=city_official,
        title="年末公示",
        start_date=dt.date(2026, 12, 14),
        today=dt.date(2026, 12, 14),
        application_ids=[filing.pk],
    )
    assert notice_batch_register_due(today=dt.date(2027, 1, 5)) == []
    assert Application.objects.get(pk=filing.pk).state == Application.State.UNDER_NOTICE
    registrations = notice_batch_register_due(today=batch.end_date + dt.timedelta(days=1))
    assert [(r.valid_from, r.valid_until) for r in registrations] == [
        (batch.end_date + dt.timedelta(days=1), dt.date(2026, 12, 31))
    ]


def test_register_due_on_one_batch_registers_that_batch_only(
    enterprise, other_enterprise, city_official, client, today
):
    """On the previous main "立即登记" on one batch registered the due filings of every batch."""
    first = factories.recommended_filing(enterprise)
    second = factories.recommended_filing(other_enterprise)
    start = dt.date(2026, 11, 2)
    one, two = (
        notice_batch_create(actor=city_official, title=title, start_date=start, today=start, application_ids=[f.pk])
        for title, f in (("第一批", first), ("第二批", second))
    )
    today(one.end_date + dt.timedelta(days=1))
    client.force_login(city_official)
    client.post(reverse("certification:batch_register_due", args=[one.pk]))
    assert list(Registration.objects.values_list("application_id", flat=True)) == [first.pk]
    assert Application.objects.get(pk=second.pk).state == Application.State.UNDER_NOTICE
    assert two.end_date == one.end_date


@pytest.mark.parametrize(
    ("today", "deadline", "left"),
    [
        (dt.date(2026, 9, 28), dt.date(2026, 9, 30), 3),
        (dt.date(2026, 9, 30), dt.date(2026, 9, 30), 1),
        (dt.date(2026, 10, 1), dt.date(2026, 9, 30), 0),
        (dt.date(2026, 9, 28), dt.date(2026, 10, 9), 5),  # National Day week off, 27 Sep and 10 Oct worked
    ],
)
def test_working_days_left(today, deadline, left):
    assert working_days_left(today, deadline) == left


def test_the_filing_page_shows_the_deadline_or_that_filing_closed(client, enterprise_user, today):
    national(2026), national(2027)
    client.force_login(enterprise_user)
    today(dt.date(2026, 9, 28))
    page = client.get(reverse("certification:filing_list")).text
    assert 'data-day="2026-09-30"' in page and "还剩 3 个工作日" in page
    today(dt.date(2026, 12, 2))
    page = client.get(reverse("certification:filing_list")).text
    assert 'data-testid="filing-closed"' in page and 'data-testid="start-filing"' not in page


def test_city_officials_keep_the_campaigns(client, city_official, district_official):
    client.force_login(district_official)
    assert client.get(reverse("certification:campaign_list")).status_code == 404
    client.force_login(city_official)
    assert client.get(reverse("certification:campaign_list")).status_code == 200
    url = reverse("certification:campaign_edit", args=[2027])
    national(2027)
    data = {
        "filing_opens": "2027-06-27",
        "filing_closes": "2027-09-30",
        "batch_cutoffs": "2027-07-30, 2027-08-30，2027-09-30",
        "notices_end_by": "2027-10-31",
        "spot_checks_due": "2027-12-15",
        "summary_due": "2027-12-31",
        "registration_valid_until": "2027-12-31",
        "award_window_years": 5,
        "spot_check_share": "0.050",
        "on_site_small_staff_max": 5,
        "on_site_high_tech_staff_min": 50,
        "on_site_high_tech_share_percent": 90,
        "on_site_revocation_lookback_years": 3,
    }
    assert client.post(url, data).status_code == 302
    campaign = EvaluationCampaign.objects.get(year=2027)
    assert campaign.filing_opens == dt.date(2027, 6, 27) and campaign.created_by == city_official
    assert campaign.batch_cutoffs == ["2027-07-30", "2027-08-30", "2027-09-30"]
    refused = client.post(url, {**data, "filing_closes": "2027-06-01"})
    assert refused.status_code == 200 and "日期先后顺序不正确" in refused.text
    assert EvaluationCampaign.objects.get(year=2027).filing_closes == dt.date(2027, 9, 30)


@pytest.mark.parametrize(
    ("changes", "wrong"),
    [
        ({}, {}),
        ({"filing_closes": dt.date(2027, 6, 30)}, {"filing_closes": "filing_opens", "batch_cutoffs": "filing_opens"}),
        ({"notices_end_by": dt.date(2027, 8, 31)}, {"notices_end_by": "filing_closes"}),
        ({"notices_end_by": dt.date(2027, 9, 30)}, {}),  # the same day is in order
        ({"spot_checks_due": dt.date(2027, 10, 30)}, {"spot_checks_due": "notices_end_by"}),
        ({"spot_checks_due": dt.date(2027, 7, 15)}, {"spot_checks_due": "notices_end_by"}),
        ({"summary_due": dt.date(2027, 12, 14)}, {"summary_due": "spot_checks_due"}),
        ({"registration_valid_until": dt.date(2027, 10, 30)}, {"registration_valid_until": "notices_end_by"}),
        ({"batch_cutoffs": (dt.date(2027, 10, 30),)}, {"batch_cutoffs": "filing_opens"}),
        ({"summary_due": None, "spot_checks_due": dt.date(2027, 6, 1)}, {"spot_checks_due": "notices_end_by"}),
        ({"notices_end_by": None, "spot_checks_due": dt.date(2027, 6, 1)}, {"spot_checks_due": "filing_opens"}),
    ],
)
def test_campaign_dates_follow_the_procedure(changes, wrong):
    """Filing opens ≤ closes ≤ notices end ≤ spot checks ≤ summary; registrations valid after the notices."""
    dates = dataclasses.replace(campaign_rules.default_dates(2027), **changes)
    assert campaign_rules.dates_out_of_order(dates) == wrong


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"notices_end_by": "2027-08-31"},
            "notices_end_by",
            "日期先后顺序不正确：不能早于申报截止日期（2027-09-30）。",
        ),
        (
            {"spot_checks_due": "2027-07-15"},
            "spot_checks_due",
            "日期先后顺序不正确：不能早于公示完成期限（2027-10-31）。",
        ),
        ({"summary_due": "2027-12-01"}, "summary_due", "日期先后顺序不正确：不能早于抽查完成期限（2027-12-15）。"),
        ({"batch_cutoffs": "2027-10-30"}, "batch_cutoffs", "批次截止日期须在申报开始日期与申报截止日期之间。"),
        ({"spot_check_share": "0.049"}, "spot_check_share", "抽查比例不能低于0.05。"),
    ],
)
def test_the_campaign_form_refuses_dates_out_of_order_and_keeps_the_rest(
    client, city_official, changes, field, message
):
    national(2027)
    client.force_login(city_official)
    data = {
        "filing_opens": "2027-07-01",
        "filing_closes": "2027-09-30",
        "batch_cutoffs": "2027-07-30, 2027-08-30, 2027-09-30",
        "notices_end_by": "2027-10-31",
        "spot_checks_due": "2027-12-15",
        "summary_due": "2027-12-31",
        "registration_valid_until": "2027-12-31",
        "award_window_years": 4,
        "spot_check_share": "0.060",
        "on_site_small_staff_max": 5,
        "on_site_high_tech_staff_min": 50,
        "on_site_high_tech_share_percent": 90,
        "on_site_revocation_lookback_years": 3,
    }
    response = client.post(reverse("certification:campaign_edit", args=[2027]), {**data, **changes})
    assert response.status_code == 200
    assert not EvaluationCampaign.objects.filter(year=2027).exists()
    form = response.context["form"]
    assert form.errors == {field: [message]}
    assert form["spot_check_share"].value() == changes.get("spot_check_share", "0.060")  # shown as typed


def test_the_campaign_page_counts_down_to_the_dates_still_ahead(
    client, city_official, today, django_assert_max_num_queries
):
    national(2026), national(2027)
    client.force_login(city_official)
    today(dt.date(2026, 12, 2))
    with django_assert_max_num_queries(8):
        page = client.get(reverse("certification:campaign_list")).text
    countdown = page[page.index('id="campaign-countdown"') : page.index("</section>")]
    assert 'data-day="2026-12-15"' in countdown and "还剩 10 个工作日" in countdown
    assert 'data-day="2026-12-31"' in countdown
    assert 'data-day="2026-09-30"' not in countdown and 'data-day="2026-10-31"' not in countdown
