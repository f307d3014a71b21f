"""The security audit log page: city officials and the administrator search it and export it (the export is
itself recorded); everybody else gets 404."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from smeportal.models import SecurityEvent
from smeportal.security import record_security_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
LOG = reverse("security_log")
EXPORT = reverse("security_log_export")


@pytest.fixture
def events(enterprise_user):
    stranger = UserFactory(username="zhangsan")
    older = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 30))
    SecurityEvent.objects.create(kind=Kind.LOGIN_FAILED, username="zhangsan", user=stranger, at=older)
    record_security_event(Kind.LOGIN, user=enterprise_user)
    record_security_event(Kind.EXPORT, user=enterprise_user, target="spot_checks", details={"rows": 4})


def kinds(response) -> list[str]:
    return [event.kind for event, _details in response.context["rows"]]


def test_the_city_official_sees_every_event_newest_first(client, city_official, events):
    client.force_login(city_official)
    response = client.get(LOG)
    # The official's own sign-in first, then the fixture's events from the newest: the two memberships that
    # gave the accounts their roles, then a failed login of March.
    assert kinds(response) == [
        Kind.LOGIN,
        Kind.EXPORT,
        Kind.LOGIN,
        Kind.ROLE_CHANGED,
        Kind.ROLE_CHANGED,
        Kind.LOGIN_FAILED,
    ]
    page = response.content.decode()
    assert "spot_checks" in page and "zhangsan" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"user": "zhang"}, [Kind.LOGIN_FAILED]),
        ({"kind": "export"}, [Kind.EXPORT]),
        ({"date_from": "2026-02-28", "date_to": "2026-03-01"}, [Kind.LOGIN_FAILED]),
        ({"user": "ent_user", "kind": "login"}, [Kind.LOGIN]),
    ],
)
def test_the_log_is_searched_by_user_kind_and_dates(client, admin_user_persona, events, query, expected):
    client.force_login(admin_user_persona)
    assert kinds(client.get(LOG, query)) == expected


def test_the_page_costs_the_same_queries_with_more_events(client, city_official, events, django_assert_max_num_queries):
    client.force_login(city_official)
    client.get(LOG)
    with django_assert_max_num_queries(8):
        assert client.get(LOG).status_code == 200
    for number in range(120):
        record_security_event(Kind.LOGIN, user=city_official, actor=city_official, details={"n": number})
    with django_assert_max_num_queries(8):
        second = client.get(LOG, {"page": 2})
    assert len(second.context["rows"]) == 50 and second.context["page"].has_next


def test_the_export_holds_the_searched_events_and_is_itself_recorded(client, city_official, events):
    client.force_login(city_official)
    response = client.get(EXPORT, {"kind": "login_failed"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "事件", "用户名")
    assert rows[1:] == [("2026-03-01 09:30:00", "登录失败", "zhangsan", None, None, None, None)]
    recorded = SecurityEvent.objects.filter(kind=Kind.EXPORT, target="security_log").get()
    assert recorded.user == city_official
    assert recorded.details == {"path": EXPORT, "filters": {"kind": "login_failed"}, "rows": 1}


@pytest.mark.parametrize(("cap", "noted"), [(3, False), (2, True)])
def test_the_export_holds_at_most_the_cap_and_says_so_on_its_last_line(client, settings, city_official, cap, noted):
    """Three login failures searched: exactly the cap is exported whole; one more than the cap ends with the note."""
    settings.LIST_EXPORT_MAX_ROWS = cap
    for number in range(3):
        record_security_event(Kind.LOGIN_FAILED, username=f"user{number}")
    client.force_login(city_official)
    response = client.get(EXPORT, {"kind": "login_failed"})
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].values)
    assert [row[1] for row in rows[1 : cap + 1]] == ["登录失败"] * cap
    assert [row[0] for row in rows[cap + 1 :]] == (["仅导出前 2 行，请缩小筛选范围后分批导出。"] if noted else [])
    assert SecurityEvent.objects.get(kind=Kind.EXPORT, target="security_log").details["rows"] == cap


@pytest.mark.parametrize(
    "persona",
    ["enterprise_user", "other_enterprise_user", "district_official", "department_user"],
)
def test_everybody_else_gets_404(persona_client, persona, events):
    client = persona_client(persona)
    assert client.get(LOG).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not SecurityEvent.objects.filter(target="security_log").exists()


def test_bad_search_values_are_not_an_error(client, city_official, events):
    client.force_login(city_official)
    for query in ({"date_from": "2026-02-30"}, {"kind": "nothing"}, {"page": "99999999999999999999"}):
        assert client.get(LOG, query).status_code in {200, 404}
