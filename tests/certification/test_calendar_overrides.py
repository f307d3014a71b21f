"""Calendar overrides move the deadlines still running: notice ends and defence deadlines, with a
record of why and a notification to the people concerned (services on the database, then the page)."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from certification.models import CalendarOverride, DeadlineChange, NoticeBatch, Revocation
from certification.rules.notice import defence_deadline, notice_end
from certification.rules.workdays import CalendarOverrides
from certification.services.calendar import calendar_override_add, calendar_override_delete
from certification.services.notice import notice_batch_create
from certification.workflow import TransitionError
from smeportal.models import ChangeRecord, Notification
from tests import factories
from tests.helpers import messages_of, notices_may_end_by, reload

D = dt.date
HOLIDAY, WORKING_DAY = CalendarOverride.Kind.HOLIDAY, CalendarOverride.Kind.WORKING_DAY
START = D(2026, 12, 24)  # Thursday; New Year's Day 2027 is a Friday
END = D(2027, 1, 7)  # the 10th working day: 24, 25, 28–31 Dec, 4–7 Jan
NEW_HOLIDAY = D(2027, 1, 4)
TODAY = D(2026, 12, 28)
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def filing(enterprise):
    notices_may_end_by(2026, D(2027, 3, 31))
    return factories.recommended_filing(enterprise)


@pytest.fixture
def batch(filing, city_official):
    return notice_batch_create(
        actor=city_official, title="2026年第4批公示", start_date=START, today=START, application_ids=[filing.pk]
    )


def add(actor, day, kind=HOLIDAY, *, reason="市政府临时放假通知", today=TODAY):
    return calendar_override_add(actor=actor, date=day, kind=kind, reason=reason, today=today)


def noticed_revocation(registration, noticed_on: D, **fields) -> Revocation:
    return Revocation.objects.create(
        registration=registration,
        grounds="conditions_not_met",
        reason="抽查发现科技人员不足",
        noticed_at=dt.datetime.combine(noticed_on, dt.time(10), tzinfo=SHANGHAI),
        defence_deadline=defence_deadline(noticed_on),
        **fields,
    )


def test_the_rule_agrees_with_the_finding():
    assert notice_end(START) == END
    assert notice_end(START, CalendarOverrides.of(holidays=[NEW_HOLIDAY])) == D(2027, 1, 8)


def test_a_new_holiday_moves_a_running_notice_and_records_why(batch, city_official):
    assert batch.end_date == END
    result = add(city_official, NEW_HOLIDAY)
    assert reload(batch).end_date == D(2027, 1, 8)
    change = DeadlineChange.objects.get()
    assert change in result.changes
    assert (change.batch, change.revocation, change.old_date, change.new_date) == (batch, None, END, D(2027, 1, 8))
    assert (change.override_date, change.override_kind, change.override_removed) == (NEW_HOLIDAY, HOLIDAY, False)
    assert (change.reason, change.created_by) == ("市政府临时放假通知", city_official)
    assert result.warnings == []


def test_a_make_up_working_day_shortens_and_removing_it_moves_back(batch, city_official):
    saturday = D(2026, 12, 26)
    override = add(city_official, saturday, WORKING_DAY, reason="调休上班").override
    assert reload(batch).end_date == D(2027, 1, 6)
    calendar_override_delete(actor=city_official, override_id=override.pk, reason="通知已撤回", today=TODAY)
    assert reload(batch).end_date == END
    back = DeadlineChange.objects.order_by("id").last()
    assert (back.old_date, back.new_date, back.override_removed, back.reason) == (
        D(2027, 1, 6),
        END,
        True,
        "通知已撤回",
    )
    assert DeadlineChange.objects.count() == 2


def test_deleting_a_holiday_moves_the_end_back(batch, city_official):
    override = add(city_official, NEW_HOLIDAY).override
    calendar_override_delete(actor=city_official, override_id=override.pk, reason="录入错误", today=TODAY)
    assert reload(batch).end_date == END


def test_ended_notices_and_days_outside_a_window_are_untouched(enterprise, batch, city_official):
    ended = NoticeBatch.objects.create(title="已结束", start_date=D(2026, 12, 1), end_date=D(2026, 12, 14))
    registration = factories.registered_filing(enterprise, year=2025)
    registration.application.notice_batch = ended
    registration.application.save(update_fields=["notice_batch"])
    add(city_official, D(2026, 12, 10))  # inside the ended window
    add(city_official, D(2027, 1, 11))  # after the running window's end
    assert reload(ended).end_date == D(2026, 12, 14)
    assert reload(batch).end_date == END
    assert not DeadlineChange.objects.exists()


def test_a_shortening_into_the_past_is_refused_with_the_batch_named(batch, city_official):
    with pytest.raises(TransitionError, match="2026年第4批公示"):
        add(city_official, D(2026, 12, 26), WORKING_DAY, today=END)
    assert not CalendarOverride.objects.exists()
    assert reload(batch).end_date == END


def test_a_notice_moved_past_its_campaigns_date_still_moves_with_a_warning(batch, city_official):
    notices_may_end_by(2026, END)
    result = add(city_official, NEW_HOLIDAY)
    assert reload(batch).end_date == D(2027, 1, 8)
    assert len(result.warnings) == 1
    assert "2026年第4批公示" in result.warnings[0] and "2027-01-07" in result.warnings[0]


def test_an_open_defence_deadline_moves_and_a_submitted_defence_does_not(enterprise, other_enterprise, city_official):
    waiting = noticed_revocation(factories.registered_filing(enterprise, year=2025), D(2026, 12, 28))
    defended = noticed_revocation(
        factories.registered_filing(other_enterprise, year=2025),
        D(2026, 12, 28),
        state=Revocation.State.DEFENDED,
        defence="申辩",
    )
    assert waiting.defence_deadline == D(2027, 1, 12)
    add(city_official, NEW_HOLIDAY)
    assert reload(waiting).defence_deadline == D(2027, 1, 13)
    assert reload(defended).defence_deadline == D(2027, 1, 12)
    change = DeadlineChange.objects.get()
    assert (change.revocation, change.old_date, change.new_date) == (waiting, D(2027, 1, 12), D(2027, 1, 13))


def test_a_moved_defence_deadline_is_recorded_with_the_calendar_as_its_reason(enterprise, city_official):
    """README "Change history": who and why, also for a deadline the calendar moved (added, then removed)."""
    revocation = noticed_revocation(factories.registered_filing(enterprise, year=2025), D(2026, 12, 28))
    override = add(city_official, NEW_HOLIDAY).override
    calendar_override_delete(actor=city_official, override_id=override.pk, reason="通知已撤回", today=TODAY)
    records = ChangeRecord.objects.filter(
        model="certification.revocation", object_id=revocation.pk, changes__has_key="defence_deadline"
    ).exclude(kind="created")
    assert [(r.actor_id, r.reason) for r in records.order_by("pk")] == [(city_official.pk, "工作日历调整")] * 2


def test_the_people_concerned_are_told_after_commit(
    batch, enterprise, enterprise_user, other_enterprise, other_enterprise_user, city_official, district_official,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    noticed_revocation(factories.registered_filing(other_enterprise, year=2025), D(2026, 12, 28))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        add(city_official, NEW_HOLIDAY)
    told = Notification.objects.values_list("user__username", "message")
    by_user = dict(told)
    assert "2027-01-07" in by_user["ent_user"] and "2027-01-08" in by_user["ent_user"]
    assert "2027-01-13" in by_user["other_ent_user"]
    assert "2026年第4批公示" in by_user["city_official"] and other_enterprise.name in by_user["city_official"]
    assert "市政府临时放假通知" in by_user["city_official"]
    assert "fucheng_official" not in by_user


def test_nothing_is_told_when_nothing_moves(batch, enterprise_user, city_official, django_capture_on_commit_callbacks):
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        add(city_official, D(2027, 2, 1))
    assert not Notification.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(batch, city_official, reason):
    with pytest.raises(ValidationError) as error:
        add(city_official, NEW_HOLIDAY, reason=reason)
    assert "reason" in error.value.message_dict
    override = CalendarOverride.objects.create(date=NEW_HOLIDAY, kind=HOLIDAY, reason="通知")
    with pytest.raises(ValidationError):
        calendar_override_delete(actor=city_official, override_id=override.pk, reason=reason, today=TODAY)
    assert CalendarOverride.objects.filter(pk=override.pk).exists()
    assert reload(batch).end_date == END


@pytest.mark.parametrize("persona", ["district_official", "enterprise_user", "department_user"])
def test_refused_outside_the_city(request, batch, persona):
    with pytest.raises(PermissionDenied):
        add(request.getfixturevalue(persona), NEW_HOLIDAY)
    assert reload(batch).end_date == END


# --- The page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("city_official", 302), ("district_official", 404), ("enterprise_user", 404), ("anonymous", 302)],
)
def test_adding_on_the_page_is_for_city_officials(persona_client, batch, today, persona, status):
    today(TODAY)
    response = persona_client(persona).post(
        reverse("certification:calendar_overrides"), {"date": "2027-01-04", "kind": "holiday", "reason": "临时放假"}
    )
    assert response.status_code == status
    assert reload(batch).end_date == (D(2027, 1, 8) if persona == "city_official" else END)


def test_the_page_reports_moves_and_warnings_and_the_batch_page_shows_why(client, batch, city_official, today):
    today(TODAY)
    notices_may_end_by(2026, END)
    client.force_login(city_official)
    url = reverse("certification:calendar_overrides")
    missing = client.post(url, {"date": "2027-01-04", "kind": "holiday", "reason": ""})
    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    response = client.post(url, {"date": "2027-01-04", "kind": "holiday", "reason": "临时放假"})
    found = messages_of(response)
    assert any("1项" in message for message in found)
    assert any("2026年第4批公示" in message and "2027-01-08" in message for message in found)
    page = client.get(reverse("certification:batch_detail", args=[batch.pk])).content.decode()
    assert "2027-01-08" in page and "临时放假" in page and 'data-testid="deadline-changes"' in page


def test_a_refusal_on_the_page_is_a_message(client, batch, city_official, today):
    today(END)
    client.force_login(city_official)
    response = client.post(
        reverse("certification:calendar_overrides"), {"date": "2026-12-26", "kind": "working_day", "reason": "调休"}
    )
    assert any("2026年第4批公示" in message for message in messages_of(response))
    assert not CalendarOverride.objects.exists()


def delete_url(override) -> str:
    return reverse("certification:calendar_override_delete", args=[override.pk])


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "请填写删除理由。"),
        ("   ", "请填写删除理由。"),
        ("长" * 201, "确保该变量包含不超过 200 字符 (目前字符数 201)。"),
    ],
)
def test_a_refused_delete_shows_the_page_again_as_typed(client, batch, city_official, today, typed, error):
    """Nothing typed is lost: the overrides page again (not a redirect), the error under the row's reason."""
    today(TODAY)
    override = add(city_official, NEW_HOLIDAY).override
    client.force_login(city_official)
    response = client.post(delete_url(override), {"reason": typed})
    assert response.status_code == 200
    assert CalendarOverride.objects.filter(pk=override.pk).exists() and reload(batch).end_date == D(2027, 1, 8)
    assert DeadlineChange.objects.filter(override_removed=True).count() == 0
    assert messages_of(response) == [error]
    page = response.content.decode()
    row_input = f'id="delete-reason-{override.pk}" name="reason"'
    assert f'{row_input} value="{typed}"' in page and 'aria-invalid="true"' in page
    assert f'id="delete-reason-{override.pk}-error">{error}</div>' in page  # under the field (and on top)
    assert "市政府临时放假通知" in page and 'name="kind"' in page  # the list and the add form as on a GET


def test_a_delete_the_rule_refuses_keeps_the_typed_reason(client, batch, city_official, today):
    """Removing the holiday would end the running notice before today: refused, the page again as typed."""
    today(TODAY)
    override = add(city_official, NEW_HOLIDAY).override  # the notice now ends on 8 January
    today(D(2027, 1, 8))
    client.force_login(city_official)
    response = client.post(delete_url(override), {"reason": "通知已撤回"})
    assert response.status_code == 200
    assert CalendarOverride.objects.filter(pk=override.pk).exists() and reload(batch).end_date == D(2027, 1, 8)
    assert DeadlineChange.objects.filter(override_removed=True).count() == 0
    assert any("2026年第4批公示" in message for message in messages_of(response))
    page = response.content.decode()
    assert f'id="delete-reason-{override.pk}" name="reason" value="通知已撤回"' in page


def test_a_delete_on_the_page_goes_back_to_the_list(client, batch, city_official, today):
    today(TODAY)
    override = add(city_official, NEW_HOLIDAY).override
    client.force_login(city_official)
    response = client.post(delete_url(override), {"reason": "录入错误"})
    assert response.status_code == 302 and response["Location"] == reverse("certification:calendar_overrides")
    assert not CalendarOverride.objects.exists() and reload(batch).end_date == END
    assert messages_of(response)[0] == "已删除2027-01-04的日历调整。"


def test_the_revocation_pages_show_the_moved_deadline(client, enterprise, enterprise_user, city_official):
    revocation = noticed_revocation(factories.registered_filing(enterprise, year=2025), D(2026, 12, 28))
    add(city_official, NEW_HOLIDAY)
    client.force_login(city_official)
    page = client.get(reverse("certification:revocation_detail", args=[revocation.pk])).content.decode()
    assert "2027-01-13" in page and "市政府临时放假通知" in page and "city_official" in page
    client.force_login(enterprise_user)
    page = client.get(reverse("certification:revocation_defend", args=[revocation.pk])).content.decode()
    assert "2027-01-13" in page and "市政府临时放假通知" in page and "city_official" not in page
