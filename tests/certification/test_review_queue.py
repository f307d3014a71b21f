"""The review queue: waiting filings by default, longest waiting first, days waiting and the overdue mark,
sorting and the .xlsx export; and the district told of each submission and resubmission."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from certification.models import Application
from certification.rules.workdays import CalendarOverrides
from certification.selectors.review import review_queue, waiting_for_review
from certification.services.filing import application_resubmit, application_save_draft, application_submit
from certification.services.review import application_return
from smeportal.models import Notification
from tests import factories
from tests.helpers import FIGURES

S = Application.State
LIST = reverse("certification:review_list")
EXPORT = reverse("certification:review_export")
TODAY = dt.date(2026, 5, 30)


def filing(district, name, state, submitted_on):
    return factories.ApplicationFactory(
        enterprise=factories.EnterpriseFactory(name=name, managing_district=district),
        state=state,
        submitted_on=submitted_on,
    )


@pytest.fixture
def queue(district, other_district):
    return {
        "old": filing(district, "老申报公司", S.SUBMITTED, dt.date(2026, 4, 1)),
        "new": filing(district, "新申报公司", S.SUBMITTED, dt.date(2026, 5, 20)),
        "site": filing(district, "现场核查公司", S.ON_SITE_CHECK, dt.date(2026, 4, 20)),
        "done": filing(district, "已推荐公司", S.RECOMMENDED, dt.date(2026, 3, 1)),
        "returned": filing(district, "退回公司", S.RETURNED, dt.date(2026, 3, 5)),
        "elsewhere": filing(other_district, "外区公司", S.SUBMITTED, dt.date(2026, 3, 1)),
    }


def names(filings) -> list[str]:
    return [f.enterprise.name for f in filings]


def test_the_default_is_the_waiting_work_longest_waiting_first(queue, district_official):
    assert names(review_queue(district_official)) == ["老申报公司", "现场核查公司", "新申报公司"]
    everything = review_queue(district_official, {"state": "all"}, "enterprise")
    assert {f.enterprise.name for f in everything} == {
        "老申报公司",
        "现场核查公司",
        "新申报公司",
        "已推荐公司",
        "退回公司",
    }
    assert names(review_queue(district_official, {"state": S.RECOMMENDED})) == ["已推荐公司"]


def test_a_resubmission_starts_the_wait_again(queue, district_official):
    old = queue["old"]
    Application.objects.filter(pk=old.pk).update(last_submitted_on=dt.date(2026, 5, 25))  # as resubmitted that day
    assert names(review_queue(district_official)) == ["现场核查公司", "新申报公司", "老申报公司"]
    waits = {
        f.enterprise.name: waiting_for_review(f, TODAY, CalendarOverrides())
        for f in review_queue(district_official, {"state": "all"})
    }
    # Working days after the latest submission: Tuesday 26 to Friday 29 May for the resubmission of Monday 25.
    days = {name: wait.days if wait else None for name, wait in waits.items()}
    assert days == {"老申报公司": 4, "新申报公司": 7, "现场核查公司": 27, "已推荐公司": None, "退回公司": None}
    assert waits["老申报公司"].due == dt.date(2026, 6, 23) and not waits["老申报公司"].overdue


def test_page_shows_working_days_waiting_and_marks_overdue(persona_client, queue, today):
    today(TODAY)
    page = persona_client("district_official").get(LIST)
    rows = {a.enterprise.name: (a.waiting.days, a.waiting.overdue) for a in page.context["page"].object_list}
    # Past 20 working days (the Qingming and Labour Day holidays not counted) the wait is overdue.
    assert rows == {"老申报公司": (39, True), "现场核查公司": (27, True), "新申报公司": (7, False)}
    assert page.context["total"] == 3
    assert page.text.count('data-overdue="1"') == 2 and "超期" in page.text
    assert 'aria-sort="ascending"' in page.text


def test_city_sorts_by_district_and_hostile_keys_are_ignored(persona_client, queue):
    client = persona_client("city_official")
    by_district = client.get(LIST, {"sort": "-district"}).context["page"].object_list
    assert by_district[0].enterprise.name == "外区公司"
    for sort in ("snapshot__evaluation", "-enterprise__owner", "\u202e", "1"):
        response = client.get(LIST, {"sort": sort})
        assert response.status_code == 200
        assert response.context["page"].object_list[0].enterprise.name in ("外区公司", "老申报公司")


def test_export_equals_the_queue_with_days_and_overdue(persona_client, queue, today):
    today(TODAY)
    client = persona_client("district_official")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(EXPORT).streaming_content)), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][6:8] == ["已等待（工作日）", "是否超期"]
    assert [(r[0], r[6], r[7]) for r in rows[1:]] == [
        ("老申报公司", 39, "是"),
        ("现场核查公司", 27, "是"),
        ("新申报公司", 7, None),
    ]
    sorted_rows = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(EXPORT, {"state": "all", "sort": "-enterprise"}).streaming_content))
    ).active
    listed = names(client.get(LIST, {"state": "all", "sort": "-enterprise"}).context["page"].object_list)
    assert [row[0] for row in sorted_rows.iter_rows(min_row=2, values_only=True)] == listed


@pytest.mark.parametrize(
    ("persona", "status"), [("enterprise_user", 404), ("department_user", 404), ("anonymous", 302)]
)
def test_export_refused_outside_the_officials(persona_client, queue, persona, status):
    assert persona_client(persona).get(EXPORT).status_code == status


def test_export_is_scoped(persona_client, queue):
    response = persona_client("other_district_official").get(EXPORT)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["外区公司"]


def test_queue_query_count_is_flat(persona_client, district, queue, django_assert_max_num_queries):
    client = persona_client("city_official")
    with django_assert_max_num_queries(9) as small:
        client.get(LIST, {"state": "all", "sort": "district"})
    for n in range(20):
        filing(district, f"更多公司{n}", S.SUBMITTED, dt.date(2026, 4, 2))
    with django_assert_max_num_queries(len(small)):
        page = client.get(LIST, {"state": "all", "sort": "district"}).context["page"]
    # The filings' JSON is neither shown nor read (the snapshot was decoded for every row).
    assert all({"snapshot", "staff_quarters", "direct_paths"} <= row.get_deferred_fields() for row in page.object_list)


# --- The district is told ------------------------------------------------------------------------


@pytest.fixture
def draft(enterprise_user):
    return application_save_draft(actor=enterprise_user, evaluation_year=2026, data=FIGURES)


def test_submission_and_resubmission_tell_the_managing_district(
    draft, enterprise_user, district_official, other_district_official, django_capture_on_commit_callbacks
):
    district_official.email = "fucheng@example.cn"
    district_official.save()
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application_id=draft.pk, actor=enterprise_user, today=dt.date(2026, 4, 20))
    told = Notification.objects.get(user=district_official)
    assert "已提交2026年度申报，请审核" in told.message
    assert told.link == reverse("certification:review_detail", args=[draft.pk])
    assert not Notification.objects.filter(user=other_district_official).exists()
    assert [m.to for m in mail.outbox if "请审核" in m.body] == [["fucheng@example.cn"]]
    application_return(application_id=draft.pk, actor=district_official, comment="请补充")
    application_resubmit(application_id=draft.pk, actor=enterprise_user, today=dt.date(2026, 4, 25))
    latest = Notification.objects.filter(user=district_official).latest("id")
    assert "重新提交2026年度申报" in latest.message


def test_each_submission_stores_the_day_the_wait_starts(draft, enterprise_user, district_official):
    application_submit(application_id=draft.pk, actor=enterprise_user, today=dt.date(2026, 4, 20))
    Application.objects.filter(pk=draft.pk).update(submitted_on=dt.date(2026, 4, 20), last_submitted_on=None)
    application_return(application_id=draft.pk, actor=district_official, comment="请补充")
    application_resubmit(application_id=draft.pk, actor=enterprise_user, today=dt.date(2026, 4, 25))
    draft.refresh_from_db()
    assert draft.submitted_on == dt.date(2026, 4, 20)  # the first submission is kept
    assert draft.last_submitted_on == timezone.localdate()  # the day of the resubmission's event
    assert review_queue(district_official).get().waiting_since == timezone.localdate()


def test_the_notice_rolls_back_with_the_transition(draft, enterprise_user, district_official):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        application_submit(application_id=draft.pk, actor=enterprise_user, today=dt.date(2026, 4, 20))
        assert Notification.objects.filter(user=district_official).exists()  # written with the transition
        raise Abort
    assert not Notification.objects.filter(user=district_official).exists()
    assert Application.objects.get(pk=draft.pk).state == S.DRAFT


def test_the_queue_sorts_by_the_frozen_score(queue, district_official):
    for key, score in (("old", 81), ("new", 62)):
        Application.objects.filter(pk=queue[key].pk).update(snapshot={"evaluation": {"total_score": score}})
    scores = [(f.enterprise.name, f.score) for f in review_queue(district_official, sort="-score")]
    assert scores == [("老申报公司", 81), ("新申报公司", 62), ("现场核查公司", None)]
