"""Notice batches for city officials: create with the official end date, objections, register button, calendar."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certification.models import Application, CalendarOverride, NoticeBatch, Objection, Registration
from certification.services.notice import notice_batch_create
from tests import factories
from tests.helpers import messages_of, revoke

S = Application.State
START = dt.date(2026, 9, 28)  # over National Day 2026 and its make-up Saturday
END = dt.date(2026, 10, 15)
AFTER = dt.date(2026, 10, 16)


@pytest.fixture
def filing(enterprise):
    return factories.recommended_filing(enterprise)


@pytest.fixture
def batch(filing, city_official):
    return notice_batch_create(
        actor=city_official, title="2026年第3批公示", start_date=START, today=START, application_ids=[filing.pk]
    )


CITY_PAGES = [
    ("certification:batch_list", None),
    ("certification:batch_create", None),
    ("certification:calendar_overrides", None),
    ("certification:batch_detail", "batch"),
]


@pytest.mark.parametrize(("name", "arg"), CITY_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("city_official", 200),
        ("district_official", 404),
        ("enterprise_user", 404),
        ("department_user", 404),
        ("anonymous", 302),
    ],
)
def test_batch_pages_are_for_city_officials(persona_client, request, name, arg, persona, status):
    args = [request.getfixturevalue(arg).pk] if arg else []
    response = persona_client(persona).get(reverse(name, args=args))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_end_date_partial_uses_the_official_calendar(client, city_official):
    client.force_login(city_official)
    response = client.get(reverse("certification:batch_end_date"), {"start_date": "2026-09-28"})
    assert response.status_code == 200
    assert "2026-10-15" in response.content.decode()
    assert "请选择有效的开始日期" in client.get(reverse("certification:batch_end_date")).content.decode()


OUT_OF_RANGE = "公示开始日期须在2017-01-01至2100-12-01之间。"


@pytest.mark.parametrize("start", ["9999-12-20", "9999-12-31", "2100-12-02", "2016-12-31", "0001-01-01"])
def test_end_date_partial_for_a_start_the_calendar_cannot_count_from_says_so(client, city_official, start):
    client.force_login(city_official)
    client.raise_request_exception = False
    response = client.get(reverse("certification:batch_end_date"), {"start_date": start})
    assert response.status_code == 200
    assert response.content.decode() == OUT_OF_RANGE


def test_end_date_partial_for_the_last_start_the_portal_counts_from(client, city_official):
    client.force_login(city_official)
    response = client.get(reverse("certification:batch_end_date"), {"start_date": "2100-12-01"})
    assert response.status_code == 200 and "2100-12-" in response.content.decode()


@pytest.mark.parametrize("start", ["9999-12-20", "2100-12-02"])
def test_a_batch_starting_out_of_range_is_a_field_error_keeping_the_form(client, city_official, filing, start):
    client.force_login(city_official)
    client.raise_request_exception = False
    data = {"title": "2026年第一批公示", "start_date": start, "applications": [filing.pk]}
    response = client.post(reverse("certification:batch_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"start_date": [OUT_OF_RANGE]}
    assert "2026年第一批公示" in response.text and response.context["end_date"] is None
    assert not NoticeBatch.objects.exists()


def test_the_notice_service_refuses_a_start_out_of_range(city_official, filing):
    with pytest.raises(ValidationError) as refused:
        notice_batch_create(
            actor=city_official,
            title="批次",
            start_date=dt.date(9999, 12, 20),
            today=START,
            application_ids=[filing.pk],
        )
    assert refused.value.message_dict == {"start_date": [OUT_OF_RANGE]}
    assert Application.objects.get(pk=filing.pk).state == S.RECOMMENDED


def test_end_date_partial_follows_overrides(client, city_official):
    CalendarOverride.objects.create(date=dt.date(2026, 10, 13), kind=CalendarOverride.Kind.HOLIDAY)
    client.force_login(city_official)
    response = client.get(reverse("certification:batch_end_date"), {"start_date": "2026-09-28"})
    assert "2026-10-16" in response.content.decode()


def test_create_in_one_step_from_the_table(client, city_official, filing, enterprise, today):
    today(START)
    other = factories.recommended_filing(factories.EnterpriseFactory(managing_district=enterprise.managing_district))
    client.force_login(city_official)
    url = reverse("certification:batch_create")
    form = client.get(url).content.decode()
    assert filing.enterprise.name in form and other.enterprise.name in form
    assert 'data-select-all="applications"' in form
    data = {"title": "2026年第1批", "start_date": "2026-09-28", "applications": [filing.pk]}
    response = client.post(url, data)
    batch = NoticeBatch.objects.get()
    assert response["Location"] == reverse("certification:batch_detail", args=[batch.pk])
    assert (batch.start_date, batch.end_date) == (START, END)
    assert Application.objects.get(pk=filing.pk).state == S.UNDER_NOTICE
    assert Application.objects.get(pk=other.pk).state == S.RECOMMENDED


def test_create_without_a_choice_keeps_the_page_with_the_end_date(client, city_official, filing, today):
    today(START)
    client.force_login(city_official)
    response = client.post(reverse("certification:batch_create"), {"title": "批次", "start_date": "2026-09-28"})
    assert response.status_code == 200
    assert response.context["end_date"] == END and "2026-10-15" in response.text
    assert "请选择要公示的申报。" in response.text
    assert not NoticeBatch.objects.exists()


def test_create_refuses_a_filing_that_is_no_longer_recommended(client, city_official, filing):
    client.force_login(city_official)
    form_data = {"title": "批次", "start_date": "2026-09-28", "applications": [filing.pk]}
    Application.objects.filter(pk=filing.pk).update(state=S.REJECTED)
    response = client.post(reverse("certification:batch_create"), form_data)
    assert response.status_code == 200  # the choice is no longer valid: form error, nothing created
    assert not NoticeBatch.objects.exists()


def test_objection_decisions(client, city_official, batch, filing, enterprise_user):
    objection = Objection.objects.create(
        application=filing, batch=batch, objector=enterprise_user, real_name="李四", contact="138", statement="不实"
    )
    client.force_login(city_official)
    detail = client.get(reverse("certification:batch_detail", args=[batch.pk])).content.decode()
    assert reverse("certification:objection_decide", args=[objection.pk]) in detail
    url = reverse("certification:objection_decide", args=[objection.pk])
    response = client.post(url, {"upheld": "1", "note": ""}, follow=True)
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.OPEN
    assert "请选择处理结论并填写处理意见。" in messages_of(response)
    client.post(url, {"upheld": "1", "note": "经核实，研发人员数不实"})
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.UPHELD
    assert Application.objects.get(pk=filing.pk).state == S.REJECTED
    response = client.post(url, {"upheld": "0", "note": "再次处理"}, follow=True)
    assert "该异议已处理。" in messages_of(response)
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.UPHELD


@pytest.mark.parametrize("persona", ["district_official", "enterprise_user", "department_user"])
def test_objection_decide_refused_outside_city(persona_client, batch, filing, enterprise_user, persona):
    objection = Objection.objects.create(
        application=filing, batch=batch, objector=enterprise_user, real_name="李四", contact="138", statement="不实"
    )
    response = persona_client(persona).post(
        reverse("certification:objection_decide", args=[objection.pk]), {"upheld": "1", "note": "x"}
    )
    assert response.status_code == 404
    assert Objection.objects.get(pk=objection.pk).status == Objection.Status.OPEN


def test_register_button_skips_held_filing_and_lookup_shows_the_number(
    client, city_official, enterprise, enterprise_user, today
):
    held = factories.recommended_filing(
        factories.EnterpriseFactory(managing_district=enterprise.managing_district, name="被异议企业")
    )
    free = factories.recommended_filing(enterprise)
    batch = notice_batch_create(
        actor=city_official, title="批次", start_date=START, today=START, application_ids=[held.pk, free.pk]
    )
    Objection.objects.create(
        application=held, batch=batch, objector=enterprise_user, real_name="李四", contact="138", statement="不实"
    )
    client.force_login(city_official)
    url = reverse("certification:batch_register_due", args=[batch.pk])
    today(END)  # the window has not ended yet
    response = client.post(url, follow=True)
    assert "没有公示期满待登记的申报。" in messages_of(response)
    assert not Registration.objects.exists()
    today(AFTER)
    response = client.post(url, follow=True)
    assert "已为本批次登记入库1家企业。" in messages_of(response)
    registration = Registration.objects.get()
    assert registration.application_id == free.pk
    assert registration.number == "2026510703000001"
    assert Application.objects.get(pk=held.pk).state == S.UNDER_NOTICE
    assert registration.number in response.content.decode()  # the batch detail lists the number
    client.logout()
    found = client.get(reverse("certification:lookup"), {"q": enterprise.credit_code}).content.decode()
    assert registration.number in found


def test_the_register_button_leaves_out_a_banned_enterprise_and_the_batch_page_says_why(
    client, city_official, enterprise, today
):
    """Revoked for fraud while under notice (RULES.md §3), by a revocation decided before revocations ended the
    filings they bar: the button registers the rest of the batch, and the page tells the official why that
    filing stays under notice."""
    earlier = factories.registered_filing(enterprise, year=2025)
    banned = factories.recommended_filing(enterprise)
    free = factories.recommended_filing(factories.EnterpriseFactory(managing_district=enterprise.managing_district))
    batch = notice_batch_create(
        actor=city_official, title="批次", start_date=START, today=START, application_ids=[banned.pk, free.pk]
    )
    revoke(earlier, city_official, grounds=Registration.Grounds.FRAUD, reason="伪造研发费用凭证")
    Application.objects.filter(pk=banned.pk).update(state=Application.State.UNDER_NOTICE, decision_reason="")
    client.force_login(city_official)
    today(AFTER)
    response = client.post(reverse("certification:batch_register_due", args=[batch.pk]), follow=True)
    assert "已为本批次登记入库1家企业。" in messages_of(response)
    assert Registration.objects.get(application__notice_batch=batch).application_id == free.pk
    rows = {row.split('"', 1)[0]: row for row in response.text.split('data-filing="')[1:]}
    assert 'data-testid="ban-refusal"' in rows[str(banned.pk)] and "不予入库登记" in rows[str(banned.pk)]
    assert 'data-testid="ban-refusal"' not in rows[str(free.pk)]


def test_calendar_overrides_add_and_delete(client, city_official):
    client.force_login(city_official)
    url = reverse("certification:calendar_overrides")
    page = client.get(url).content.decode()
    assert "11月或12月" in page
    response = client.post(url, {"date": "2027-02-20", "kind": "working_day", "reason": "2027年春节调休"})
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.date, override.kind, override.created_by) == (dt.date(2027, 2, 20), "working_day", city_official)
    duplicate = client.post(url, {"date": "2027-02-20", "kind": "holiday", "reason": "x"})
    assert duplicate.status_code == 200 and duplicate.context["form"].errors
    assert CalendarOverride.objects.count() == 1
    delete = reverse("certification:calendar_override_delete", args=[override.pk])
    client.post(delete)  # no reason: refused
    assert CalendarOverride.objects.exists()
    client.post(delete, {"reason": "录入错误"})
    assert not CalendarOverride.objects.exists()


def test_calendar_override_delete_refused_outside_city(client, district_official):
    override = CalendarOverride.objects.create(date=dt.date(2027, 1, 1), kind=CalendarOverride.Kind.HOLIDAY)
    client.force_login(district_official)
    assert client.post(reverse("certification:calendar_override_delete", args=[override.pk])).status_code == 404
    assert CalendarOverride.objects.filter(pk=override.pk).exists()


@pytest.mark.parametrize("count", [2, 20])
def test_batch_detail_query_count_is_flat(client, city_official, district, django_assert_max_num_queries, count):
    apps = [factories.recommended_filing(factories.EnterpriseFactory(managing_district=district)) for _ in range(count)]
    batch = notice_batch_create(
        actor=city_official, title="批次", start_date=START, today=START, application_ids=[a.pk for a in apps]
    )
    for app in apps:
        Objection.objects.create(
            application=app, batch=batch, objector=city_official, real_name="王五", contact="1", statement="x"
        )
    client.force_login(city_official)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("certification:batch_detail", args=[batch.pk]))
    assert response.content.decode().count("提交处理结论") == count


def test_a_running_notice_counts_down_to_its_end_in_working_days(client, city_official, batch, today):
    client.force_login(city_official)
    today(batch.start_date)
    page = client.get(reverse("certification:batch_detail", args=[batch.pk])).text
    assert f'data-day="{batch.end_date.isoformat()}"' in page and "还剩 10 个工作日" in page
    today(batch.end_date + dt.timedelta(days=1))
    page = client.get(reverse("certification:batch_detail", args=[batch.pk])).text
    assert 'data-testid="deadline"' not in page
