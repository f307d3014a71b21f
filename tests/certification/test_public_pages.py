"""Public pages: the notice list, real-name objections and the registration lookup."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, NoticeBatch, Objection, Registration
from certification.services.notice import notice_batch_create
from certification.services.registration import notice_batch_register_due
from tests import factories
from tests.helpers import revoke

S = Application.State
START = dt.date(2026, 9, 28)
END = dt.date(2026, 10, 15)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def today(monkeypatch):
    def pin(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
        return day

    return pin


@pytest.fixture
def filing(enterprise):
    return factories.recommended_filing(enterprise)


@pytest.fixture
def batch(filing, city_official):
    return notice_batch_create(
        actor=city_official, title="2026年第3批公示", start_date=START, today=START, application_ids=[filing.pk]
    )


# --- Notices -------------------------------------------------------------------------------------


def test_notices_for_anonymous_show_open_batch(client, batch, filing, today):
    today(dt.date(2026, 10, 9))
    body = client.get(reverse("certification:notices")).content.decode()
    assert batch.title in body
    assert filing.enterprise.name in body and filing.enterprise.credit_code in body
    assert "涪城区" in body and "2026-10-15" in body
    assert reverse("certification:objection_create", args=[filing.pk]) in body


@pytest.mark.parametrize(
    ("day", "shown", "objection_link"),
    [
        (dt.date(2026, 9, 27), False, False),  # not started
        (END, True, True),
        (END + dt.timedelta(days=30), True, False),  # recently closed
        (END + dt.timedelta(days=31), False, False),
    ],
)
def test_notice_page_window(client, batch, filing, today, day, shown, objection_link):
    today(day)
    body = client.get(reverse("certification:notices")).content.decode()
    assert (batch.title in body) is shown
    assert (reverse("certification:objection_create", args=[filing.pk]) in body) is objection_link


def test_unpublished_batch_is_not_public(client, batch, today):
    NoticeBatch.objects.filter(pk=batch.pk).update(published=False)
    today(dt.date(2026, 10, 9))
    assert batch.title not in client.get(reverse("certification:notices")).content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_notices_query_count_is_flat(client, city_official, district, today, django_assert_max_num_queries, count):
    for _ in range(3):
        apps = [
            factories.recommended_filing(factories.EnterpriseFactory(managing_district=district)) for _ in range(count)
        ]
        notice_batch_create(
            actor=city_official, title="批次", start_date=START, today=START, application_ids=[a.pk for a in apps]
        )
    today(dt.date(2026, 10, 9))
    with django_assert_max_num_queries(3):
        response = client.get(reverse("certification:notices"))
    assert response.content.decode().count("提出异议</a>") == 3 * count


# --- Objections ----------------------------------------------------------------------------------


def test_objection_needs_login(client, batch, filing):
    response = client.get(reverse("certification:objection_create", args=[filing.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_objection_with_evidence_during_window(client, batch, filing, other_enterprise_user, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today(dt.date(2026, 10, 9))
    client.force_login(other_enterprise_user)
    url = reverse("certification:objection_create", args=[filing.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "real_name": "李四",
            "contact": "13800000000",
            "statement": "该企业研发人员数与社保记录不符",
            "evidence": SimpleUploadedFile("证明.png", PNG, content_type="image/png"),
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.application_id, objection.objector, objection.real_name) == (
        filing.pk,
        other_enterprise_user,
        "李四",
    )
    assert objection.evidence.name.endswith(".png")


def test_objection_evidence_checked_by_content(client, batch, filing, other_enterprise_user, today, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today(dt.date(2026, 10, 9))
    client.force_login(other_enterprise_user)
    response = client.post(
        reverse("certification:objection_create", args=[filing.pk]),
        {
            "real_name": "李四",
            "contact": "138",
            "statement": "不实",
            "evidence": SimpleUploadedFile("证明.pdf", b"MZ not a pdf", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert not Objection.objects.exists()


def test_objection_outside_window_is_refused(client, batch, filing, other_enterprise_user, today):
    today(END + dt.timedelta(days=1))
    client.force_login(other_enterprise_user)
    url = reverse("certification:objection_create", args=[filing.pk])
    response = client.post(url, {"real_name": "李四", "contact": "138", "statement": "不实"})
    assert response.status_code == 302 and response["Location"] == reverse("certification:notices")
    assert not Objection.objects.exists()


def test_objection_to_a_filing_not_under_notice_is_404(client, filing, other_enterprise_user):
    client.force_login(other_enterprise_user)
    assert client.get(reverse("certification:objection_create", args=[filing.pk])).status_code == 404


# --- Lookup --------------------------------------------------------------------------------------


@pytest.fixture
def registered(batch, filing, today):
    today(dt.date(2026, 10, 16))
    return notice_batch_register_due(today=dt.date(2026, 10, 16))[0]


def test_lookup_needs_a_query_of_two_characters(client, registered):
    body = client.get(reverse("certification:lookup")).content.decode()
    assert registered.number not in body
    response = client.get(reverse("certification:lookup"), {"q": " 绵 "})
    assert response.context["too_short"] and response.context["page"] is None
    assert registered.number not in response.content.decode()


def test_lookup_by_name(client, registered, filing):
    body = client.get(reverse("certification:lookup"), {"q": filing.enterprise.name[:6]}).content.decode()
    assert registered.number in body and "2026-12-31" in body and "有效" in body


def test_lookup_by_credit_code_typed_loosely(client, registered, filing):
    code = filing.enterprise.credit_code
    typed = f" {code[:6].lower()} {code[6:12]}-{code[12:].lower()} "
    response = client.get(reverse("certification:lookup"), {"q": typed})
    assert [r.pk for r in response.context["page"].object_list] == [registered.pk]


def test_lookup_shows_revoked_and_expired(client, registered, filing, city_official, today):
    today(dt.date(2027, 1, 5))
    body = client.get(reverse("certification:lookup"), {"q": filing.enterprise.credit_code}).content.decode()
    assert "已过期" in body
    revoke(registered, city_official, grounds="fraud", reason="材料造假")
    body = client.get(reverse("certification:lookup"), {"q": filing.enterprise.credit_code}).content.decode()
    assert "已撤销" in body


def test_lookup_paginates_and_query_count_is_flat(client, district, django_assert_max_num_queries):
    for n in range(25):
        enterprise = factories.EnterpriseFactory(managing_district=district, name=f"查询科技{n}")
        app = factories.ApplicationFactory(enterprise=enterprise, state=S.REGISTERED, submitted_on=dt.date(2026, 4, 1))
        Registration.objects.create(
            application=app,
            enterprise=enterprise,
            evaluation_year=2026,
            number=f"2026510703A{n:05d}",
            valid_from=dt.date(2026, 10, 16),
            valid_until=dt.date(2026, 12, 31),
        )
    with django_assert_max_num_queries(2):
        response = client.get(reverse("certification:lookup"), {"q": "查询科技"})
    assert len(response.context["page"].object_list) == 20 and response.context["page"].has_next
    second = client.get(reverse("certification:lookup"), {"q": "查询科技", "page": 2})
    assert len(second.context["page"].object_list) == 5


@pytest.mark.parametrize("page", ["²", "٣", "9" * 5000, "abc", "0", "-1", "6"])
def test_lookup_with_a_page_that_is_no_page_of_it_is_a_404_not_a_500(client, registered, page):
    """ "²" is a digit to str.isdigit() but int() refuses it; "٣" is a decimal digit int() reads as 3 (no
    registration on a 3rd page); thousands of digits are more than int() reads (the portal refuses so long a
    query string before the view, 400); the lookup stops at page 5."""
    client.raise_request_exception = False
    response = client.get(reverse("certification:lookup"), {"q": "绵阳科技", "page": page})
    assert response.status_code == (400 if len(page) > 1000 else 404)


def test_notices_show_the_first_filings_of_a_long_batch_and_its_page_lists_them_all(
    client, city_official, district, today, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("certification.views.public.NOTICE_PREVIEW", 2)
    monkeypatch.setattr("certification.views.public.NOTICE_PER_PAGE", 2)
    apps = [
        factories.recommended_filing(factories.EnterpriseFactory(name=f"绵阳{n}号公司", managing_district=district))
        for n in range(3)
    ]
    batch = notice_batch_create(
        actor=city_official, title="长名单", start_date=START, today=START, application_ids=[a.pk for a in apps]
    )
    today(dt.date(2026, 10, 9))
    with django_assert_max_num_queries(2):  # the batches with their counts, the first filings of each
        body = client.get(reverse("certification:notices")).content.decode()
    assert "绵阳0号公司" in body and "绵阳1号公司" in body and "绵阳2号公司" not in body
    assert "显示前 2 家，共 3 家" in body and reverse("certification:notice_batch", args=[batch.pk]) in body
    url = reverse("certification:notice_batch", args=[batch.pk])
    with django_assert_max_num_queries(3):  # the batch with its count, the page's ids, their rows
        first = client.get(url)
    second = client.get(url, {"page": 2})
    assert "绵阳1号公司" in first.text and "绵阳2号公司" not in first.text and 'data-total="3"' in first.text
    assert "绵阳2号公司" in second.text and reverse("certification:objection_create", args=[apps[2].pk]) in second.text


def test_an_unpublished_batch_has_no_public_page(client, batch, today):
    NoticeBatch.objects.filter(pk=batch.pk).update(published=False)
    today(dt.date(2026, 10, 9))
    assert client.get(reverse("certification:notice_batch", args=[batch.pk])).status_code == 404


def test_a_published_list_keeps_its_order_by_district_then_name(client, city_official, district, other_district, today):
    """Numbered when published: by district, then name; a later rename does not move a firm in the list."""
    type(district).objects.filter(pk=district.pk).update(sort_order=2)
    type(other_district).objects.filter(pk=other_district.pk).update(sort_order=1)
    firms = [("乙公司", district), ("丙公司", district), ("甲公司", other_district)]  # 丙 < 乙 in code points
    apps = [
        factories.recommended_filing(factories.EnterpriseFactory(name=name, managing_district=where))
        for name, where in firms
    ]
    batch = notice_batch_create(
        actor=city_official, title="排序", start_date=START, today=START, application_ids=[a.pk for a in apps]
    )
    positions = dict(Application.objects.filter(notice_batch=batch).values_list("enterprise__name", "notice_position"))
    assert positions == {"甲公司": 1, "丙公司": 2, "乙公司": 3}
    apps[0].enterprise.name = "一公司"  # would now sort first in its district
    apps[0].enterprise.save()
    today(dt.date(2026, 10, 9))
    body = client.get(reverse("certification:notice_batch", args=[batch.pk])).text
    assert body.index("甲公司") < body.index("丙公司") < body.index("一公司")
    preview = client.get(reverse("certification:notices")).text
    assert preview.index("甲公司") < preview.index("丙公司") < preview.index("一公司")


def test_each_batch_numbers_its_own_list_from_one(city_official, district):
    apps = [factories.recommended_filing(factories.EnterpriseFactory(managing_district=district)) for _n in range(4)]
    first = notice_batch_create(
        actor=city_official, title="一", start_date=START, today=START, application_ids=[a.pk for a in apps[:2]]
    )
    second = notice_batch_create(
        actor=city_official, title="二", start_date=START, today=START, application_ids=[a.pk for a in apps[2:]]
    )
    for batch in (first, second):
        assert sorted(batch.applications.values_list("notice_position", flat=True)) == [1, 2]


@pytest.mark.parametrize("batch_of_other", [True, False], ids=["taken place", "place without batch"])
def test_the_database_refuses_a_taken_place_and_a_place_outside_a_batch(batch, filing, district, batch_of_other):
    other = factories.recommended_filing(factories.EnterpriseFactory(managing_district=district))
    assert Application.objects.get(pk=filing.pk).notice_position == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=other.pk).update(
            notice_batch=batch if batch_of_other else None, notice_position=1
        )
