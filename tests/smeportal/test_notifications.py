"""In-portal notifications and the nightly Celery tasks."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from certification import tasks
from certification.models import Application, Registration
from certification.services.notice import notice_batch_create
from certification.services.review import application_return
from smeportal.models import Notification
from smeportal.notifications import notify_users
from tests import factories

S = Application.State


@pytest.fixture
def submitted(enterprise, enterprise_user):
    return factories.ApplicationFactory(
        enterprise=enterprise,
        state=S.SUBMITTED,
        submitted_on=dt.date(2026, 4, 20),
        first_time_applicant=False,
        evaluating_district=enterprise.managing_district,
    )


def test_notify_users_is_one_insert_per_call(db, django_assert_num_queries):
    users = factories.UserFactory.create_batch(3)
    with django_assert_num_queries(1):
        created = notify_users([u.pk for u in users] + [users[0].pk], "消息", "/x/")
    assert created == 3
    assert Notification.objects.filter(link="/x/").count() == 3


def test_decision_notifies_every_enterprise_user_and_shows_a_badge(
    client, submitted, enterprise, enterprise_user, district_official, other_enterprise_user,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    colleague = factories.EnterpriseMembershipFactory(enterprise=enterprise).user
    with django_capture_on_commit_callbacks(execute=True):
        application_return(application_id=submitted.pk, actor=district_official, comment="请补充")
    assert set(Notification.objects.values_list("user_id", flat=True)) == {enterprise_user.pk, colleague.pk}
    note = Notification.objects.get(user=enterprise_user)
    assert "退回修改" in note.message
    assert len(mail.outbox) == 1 and sorted(mail.outbox[0].to) == sorted([enterprise_user.email, colleague.email])
    client.force_login(enterprise_user)
    home = client.get(reverse("home")).content.decode()
    assert 'id="unread-badge">1<' in home
    page = client.get(reverse("notifications")).content.decode()
    assert "退回修改" in page
    client.post(reverse("notifications"))
    assert Notification.objects.get(pk=note.pk).read_at is not None
    assert 'id="unread-badge"' not in client.get(reverse("home")).content.decode()
    assert Notification.objects.get(user=colleague).read_at is None  # only one's own are marked
    client.force_login(other_enterprise_user)
    assert "退回修改" not in client.get(reverse("notifications")).content.decode()


def test_rolled_back_decision_notifies_nobody(submitted, district_official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        application_return(application_id=submitted.pk, actor=district_official, comment="")
    assert not Notification.objects.exists()


def test_notifications_page_needs_login(client):
    response = client.get(reverse("notifications"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_badge_count_is_one_query(client, enterprise_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    notify_users([enterprise_user.pk], "a")
    notify_users([enterprise_user.pk], "b")
    client.force_login(enterprise_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.context["portal_unread_count"] == 2
    assert len([q for q in queries if "smeportal_notification" in q["sql"]]) == 1


def test_anonymous_pages_do_not_count(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("certification:calculator"))
    assert response.context["portal_unread_count"] == 0
    assert not [q for q in queries if "smeportal_notification" in q["sql"]]


# --- Celery tasks --------------------------------------------------------------------------------


def test_tasks_run_twice_register_and_expire_once(enterprise, city_official, monkeypatch):
    app = factories.ApplicationFactory(
        enterprise=enterprise,
        state=S.RECOMMENDED,
        submitted_on=dt.date(2026, 4, 20),
        first_time_applicant=False,
        evaluating_district=enterprise.managing_district,
    )
    notice_batch_create(
        actor=city_official,
        title="批次",
        start_date=dt.date(2026, 9, 28),
        today=dt.date(2026, 9, 28),
        application_ids=[app.pk],
    )
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 10, 16))
    assert tasks.register_due_filings.delay().get() == 1
    assert tasks.register_due_filings.delay().get() == 0
    assert Registration.objects.count() == 1
    assert tasks.expire_registrations.delay().get() == 0
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2027, 1, 1))
    assert tasks.expire_registrations.delay().get() == 1
    assert tasks.expire_registrations.delay().get() == 0
    assert Application.objects.get(pk=app.pk).state == S.EXPIRED


def test_tasks_are_scheduled_nightly_and_retry_on_database_errors(settings):
    from django.db import OperationalError

    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    register = schedule[tasks.register_due_filings.name]
    assert (register.hour, register.minute) == ({1}, {30})
    assert tasks.expire_registrations.name in schedule
    for task in (tasks.register_due_filings, tasks.expire_registrations):
        assert task.acks_late and task.time_limit and task.soft_time_limit
        assert OperationalError in task.autoretry_for
