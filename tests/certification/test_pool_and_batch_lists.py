"""The pool and the notice batches as lists: sort keys, totals, exports equal to the list; the one-step batch
form's table with district, score and recommended date, its filters and select-all."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from certification.models import Application, NoticeBatch
from certification.selectors.filing import FILING_JSON
from certification.selectors.notice import (
    batch_filings,
    notice_candidate_ids,
    notice_preview,
    notice_rows,
    public_notice_filing_ids,
    public_notice_rows,
)
from certification.selectors.pool import pool_candidates
from certification.services.notice import notice_batch_create
from tests import factories
from tests.certification.test_pool import ranked  # noqa: F401 - the pool fixture

S = Application.State
POOL = reverse("certification:pool")
POOL_EXPORT = reverse("certification:pool_export")
CREATE = reverse("certification:batch_create")
START = dt.date(2026, 9, 28)


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200 and response.streaming
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- The pool ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pool_sorts_by_score_with_the_no_data_last_both_ways(district_official, ranked):  # noqa: F811
    scores = [e.pool_score for e in pool_candidates(district_official, sort="score")]
    assert scores == [36, 56, 76, 76, 76, None]
    assert [e.pool_score for e in pool_candidates(district_official, sort="-score")] == [76, 76, 76, 56, 36, None]
    assert list(pool_candidates(district_official, sort="-password")) == ranked  # unknown: closeness


@pytest.mark.django_db
def test_pool_export_equals_the_filtered_sorted_page(persona_client, ranked):  # noqa: F811
    client = persona_client("district_official")
    query = {"source": "estimate", "sort": "-name"}
    page = client.get(POOL, query)
    rows = xlsx_rows(client.get(POOL_EXPORT, query))
    assert page.context["total"] == 4 == len(rows) - 1
    assert [row[0] for row in rows[1:]] == [r["enterprise"].name for r in page.context["rows"]]
    assert rows[0] == ["企业名称", "管理区县/功能区", "行业", "数据来源", "得分", "评价结果", "差距分析"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["D 差一点"][3:6] == ["估算数据", 56, "暂不符合"] and by_name["D 差一点"][6]
    assert "限制类行业" in by_name["C 限制类"][2]


@pytest.mark.django_db
def test_pool_total_beyond_the_cap_says_over_it(persona_client, ranked, settings):  # noqa: F811
    settings.LIST_COUNT_CAP = 4
    page = persona_client("district_official").get(POOL)
    assert (page.context["total"], page.context["total_over"]) == (4, True) and "超过 4 条" in page.text
    assert len(page.context["rows"]) == len(ranked) == 6  # the page itself is not cut by the count


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("other_district_official", 200), ("enterprise_user", 404),
                                                   ("department_user", 404)])  # fmt: skip
def test_pool_export_is_scoped(persona_client, ranked, persona, status):  # noqa: F811
    response = persona_client(persona).get(POOL_EXPORT)
    assert response.status_code == status
    if status == 200:
        assert xlsx_rows(response)[1:] == []


# --- Notice batches ------------------------------------------------------------------------------


def recommended(district, name, *, score, on, year=2026):
    """A filing recommended on ``on`` (the day the workflow stores with the transition)."""
    return factories.recommended_filing(
        factories.EnterpriseFactory(name=name, managing_district=district),
        year=year,
        snapshot={"evaluation": {"total_score": score, "eligible": True}},
        recommended_on=on,
    )


@pytest.fixture
def candidates(district, other_district):
    return [
        recommended(district, "涪城甲", score=80, on=dt.date(2026, 6, 3)),
        recommended(district, "涪城乙", score=65, on=dt.date(2026, 6, 1)),
        recommended(other_district, "游仙丙", score=90, on=dt.date(2026, 5, 20)),
    ]


def notice_candidates(filters=None, sort=None):
    """The batch form's rows, as its page reads them: the sorted ids, then their rows."""
    return notice_rows(list(notice_candidate_ids(filters, sort)))


def test_candidates_carry_district_score_and_recommended_date(candidates, district):
    rows = list(notice_candidates())
    assert [(a.enterprise.name, a.score, a.recommended_on) for a in rows] == [
        ("涪城乙", 65, dt.date(2026, 6, 1)),  # districts in their order, the earliest recommended first
        ("涪城甲", 80, dt.date(2026, 6, 3)),
        ("游仙丙", 90, dt.date(2026, 5, 20)),
    ]
    assert [a.score for a in notice_candidates(sort="-score")] == [90, 80, 65]
    assert [a.enterprise.name for a in notice_candidates({"district": district})] == ["涪城乙", "涪城甲"]
    assert [a.enterprise.name for a in notice_candidates({"year": 2026, "q": "仙丙"})] == ["游仙丙"]
    assert list(notice_candidates({"year": 2025})) == []
    assert [a.enterprise.name for a in notice_candidates({"q": "城乙"})] == ["涪城乙"]


def test_batch_page_is_one_table_with_filters_and_select_all(client, city_official, candidates, district):
    client.force_login(city_official)
    page = client.get(CREATE, {"district": district.pk, "sort": "-score"})
    assert [a.enterprise.name for a in page.context["candidates"]] == ["涪城甲", "涪城乙"]
    assert page.context["total"] == 2 and "游仙丙" not in page.text
    text = page.text
    assert 'data-select-all="applications"' in text and "2026-06-03" in text and ">80<" in text
    assert 'aria-sort="descending"' in text
    assert f'action="?district={district.pk}&amp;sort=-score"' in text  # an error keeps the filtered table
    too_short = client.get(CREATE, {"q": "乙"})
    assert too_short.status_code == 200 and "请至少输入2个字符。" in too_short.text


def test_batch_is_created_in_one_post_with_every_chosen_filing(client, city_official, candidates, today):
    today(START)
    client.force_login(city_official)
    ids = [a.pk for a in candidates]
    response = client.post(CREATE, {"title": "2026年第1批", "start_date": START.isoformat(), "applications": ids})
    batch = NoticeBatch.objects.get()
    assert response["Location"] == reverse("certification:batch_detail", args=[batch.pk])
    assert set(batch.applications.values_list("pk", flat=True)) == set(ids)


def test_a_refused_batch_keeps_the_choices_ticked(client, city_official, candidates, today):
    today(START)
    client.force_login(city_official)
    chosen = candidates[0].pk
    page = client.post(CREATE, {"title": "", "start_date": START.isoformat(), "applications": [chosen]})
    assert page.status_code == 200 and not NoticeBatch.objects.exists()
    assert f'value="{chosen}" id="application-{chosen}" checked' in page.text


def test_batch_page_query_count_is_flat(client, city_official, district, candidates, django_assert_max_num_queries):
    client.force_login(city_official)
    with django_assert_max_num_queries(8) as small:
        client.get(CREATE)
    for n in range(15):
        recommended(district, f"更多{n}", score=70, on=dt.date(2026, 6, 2))
    with django_assert_max_num_queries(len(small)):
        client.get(CREATE)


@pytest.fixture
def batch(candidates, city_official):
    return notice_batch_create(
        actor=city_official,
        title="2026年第1批",
        start_date=START,
        today=START,
        application_ids=[a.pk for a in candidates],
    )


def test_notice_rows_leave_the_filing_json_unread(candidates, batch):
    ids = list(public_notice_filing_ids(batch.pk))
    for rows in (notice_rows(ids), public_notice_rows(ids), notice_preview([batch.pk], 20)):
        assert len(rows) == len(candidates)
        assert all(set(FILING_JSON) <= row.get_deferred_fields() for row in rows)


def test_batch_members_sort_total_and_export(persona_client, batch):
    client = persona_client("city_official")
    detail = client.get(reverse("certification:batch_detail", args=[batch.pk]), {"sort": "score"})
    assert [a.score for a in detail.context["filings"]] == [65, 80, 90] and detail.context["total"] == 3
    rows = xlsx_rows(client.get(reverse("certification:batch_export", args=[batch.pk]), {"sort": "score"}))
    assert rows[0][:2] == ["企业", "统一社会信用代码"]
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == [
        ("涪城乙", 65, "2026-06-01"), ("涪城甲", 80, "2026-06-03"), ("游仙丙", 90, "2026-05-20"),
    ]  # fmt: skip
    assert [a.pk for a in batch_filings(batch.pk, "evil")] == [a.pk for a in batch_filings(batch.pk)]


@pytest.mark.parametrize("persona", ["district_official", "enterprise_user", "department_user"])
def test_batch_export_is_for_city_officials(persona_client, batch, persona):
    assert persona_client(persona).get(reverse("certification:batch_export", args=[batch.pk])).status_code == 404
    assert persona_client(persona).get(reverse("certification:batch_export", args=[batch.pk + 99])).status_code == 404


@pytest.mark.django_db
def test_pool_page_and_export_query_counts_are_flat(persona_client, district, ranked, django_assert_max_num_queries):  # noqa: F811
    client = persona_client("city_official")

    def counts() -> list[int]:
        result = []
        for url, query in ((POOL, {"sort": "-score"}), (POOL_EXPORT, {"sort": "district"})):
            with django_assert_max_num_queries(10) as captured:
                assert client.get(url, query).status_code == 200
            result.append(len(captured))
        return result

    small = counts()
    for n in range(12):
        factories.EnterpriseFactory(managing_district=district, name=f"更多{n}", in_cultivation_pool=True)
    assert counts() == small


def test_batch_members_are_paginated_with_their_total(persona_client, batch, monkeypatch):
    monkeypatch.setattr("certification.views.notice.PER_PAGE", 2)
    client = persona_client("city_official")
    url = reverse("certification:batch_detail", args=[batch.pk])
    first, second = client.get(url, {"sort": "score"}), client.get(url, {"sort": "score", "page": 2})
    assert [a.score for a in first.context["filings"]] == [65, 80] and first.context["total"] == 3
    assert [a.score for a in second.context["filings"]] == [90] and second.context["total"] == 3
    assert "sort=score&page=2" in first.text


def test_batch_form_takes_every_filtered_filing_across_pages(client, city_official, candidates, today, monkeypatch):
    monkeypatch.setattr("certification.views.notice.PER_PAGE", 2)
    today(START)
    client.force_login(city_official)
    page = client.get(CREATE)
    assert len(page.context["candidates"]) == 2 and page.context["total"] == 3 and 'name="all_filtered"' in page.text
    response = client.post(CREATE, {"title": "2026年第1批", "start_date": START.isoformat(), "all_filtered": "on"})
    batch = NoticeBatch.objects.get()
    assert response["Location"] == reverse("certification:batch_detail", args=[batch.pk])
    assert set(batch.applications.values_list("pk", flat=True)) == {a.pk for a in candidates}


def test_batch_form_without_a_choice_is_refused(client, city_official, candidates, today):
    today(START)
    client.force_login(city_official)
    page = client.post(CREATE, {"title": "2026年第1批", "start_date": START.isoformat()})
    assert page.status_code == 200 and "请选择要公示的申报。" in page.text and not NoticeBatch.objects.exists()


def test_batch_list_counts_each_batch_s_filings_and_open_objections(persona_client, batch, candidates):
    from certification.models import Objection

    objector = factories.UserFactory()
    for application, status in [
        (candidates[0], Objection.Status.OPEN),
        (candidates[1], Objection.Status.OPEN),
        (candidates[0], Objection.Status.UPHELD),
    ]:
        Objection.objects.create(
            application=application,
            batch=batch,
            objector=objector,
            real_name="张三",
            contact="13800000000",
            statement="异议",
            status=status,
        )

    listed = persona_client("city_official").get(reverse("certification:batch_list"))

    (shown,) = listed.context["page"].object_list
    assert (shown.filing_count, shown.open_objections) == (3, 2)


def test_the_admin_shows_the_day_recommended_read_only(client, admin_user_persona, district):
    filing = recommended(district, "涪城甲", score=80, on=dt.date(2026, 6, 3))
    client.force_login(admin_user_persona)
    page = client.get(reverse("admin:certification_application_change", args=[filing.pk])).text
    found = re.search(r"推荐日期.*?<div class=\"readonly\">(.*?)</div>", page, re.S)
    assert found and found.group(1).startswith("2026"), found and found.group(1)
