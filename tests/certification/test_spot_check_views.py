"""The spot-check pages as personas: the city draws and follows every district, a district sees and records
its own checks only (404 elsewhere), other roles are refused; the list's filters, sort, count and export."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certification.models import Revocation, SpotCheck, SpotCheckDraw
from certification.services.spot_check import spot_check_draw
from smeportal.models import ChangeRecord
from tests import factories
from tests.helpers import evidence_pdf, export_recorded, messages_of, reload

YEAR = timezone.localdate().year
LIST = reverse("certification:spot_checks")
DRAW = reverse("certification:spot_check_draw")
EXPORT = reverse("certification:spot_check_export")


def register(district, count: int):
    return [
        factories.registered_filing(factories.EnterpriseFactory(managing_district=district), year=YEAR)
        for _ in range(count)
    ]


@pytest.fixture
def firms(district, other_district):
    return {"here": register(district, 6), "there": register(other_district, 4)}


@pytest.fixture
def drawn(firms, city_official):
    """Every firm drawn (share 1): 6 checks in 涪城区, 4 in 游仙区."""
    return spot_check_draw(actor=city_official, year=YEAR, share="1", seed=11)


def check_of(district):
    return SpotCheck.objects.filter(district=district).order_by("pk").first()


# --- The city's page and draw ---------------------------------------------------------------------


def test_before_the_draw_the_city_sees_the_form_with_the_campaigns_share(client, city_official, firms):
    client.force_login(city_official)
    page = client.get(LIST).content.decode()
    assert 'data-testid="draw-form"' in page
    assert 'name="share" value="0.050"' in page
    assert f'name="year" value="{YEAR}"' in page


def test_the_city_draws_from_the_page(client, city_official, firms):
    client.force_login(city_official)
    response = client.post(DRAW, {"year": YEAR, "share": "0.5", "seed": "2026"}, follow=True)
    draw = SpotCheckDraw.objects.get()
    assert (draw.drawn, draw.seed, draw.drawn_by) == (5, 2026, city_official)
    assert "已抽取" in messages_of(response)[0]
    page = response.content.decode()
    assert 'data-testid="draw-record"' in page and 'data-testid="draw-form"' not in page
    assert '<dd class="col-6 col-md-3 font-monospace" data-testid="seed">2026</dd>' in page
    assert "共 5 家" in page


def test_a_second_draw_from_the_page_is_refused_with_the_first_ones_seed(client, city_official, drawn):
    client.force_login(city_official)
    response = client.post(DRAW, {"year": YEAR, "share": "0.05"})
    assert response.status_code == 200 and SpotCheckDraw.objects.count() == 1
    assert "每年只抽取一次" in messages_of(response)[0] and str(drawn.seed) in messages_of(response)[0]
    page = response.content.decode()
    assert 'data-testid="draw-record"' in page and 'data-testid="draw-form"' not in page


@pytest.mark.parametrize(
    ("typed", "field", "error"),
    [
        ({"share": "0.01", "seed": "2026"}, "share", "抽查比例不能低于0.05。"),
        ({"share": "2", "seed": "2026"}, "share", "确保该值小于或等于1。"),
        ({"share": "0.5", "seed": "-3"}, "seed", "确保该值大于或等于0。"),
        ({"share": "0.5", "seed": "七"}, "seed", "输入整数。"),
    ],
)
def test_a_refused_draw_shows_the_page_again_as_typed(client, city_official, firms, typed, field, error):
    """Nothing typed is lost: the list again (not a redirect), the error under its field, the values as typed."""
    client.force_login(city_official)
    response = client.post(DRAW, {"year": YEAR, **typed})
    assert response.status_code == 200
    assert not SpotCheckDraw.objects.exists() and not SpotCheck.objects.exists()
    assert messages_of(response) == [error]
    assert response.context["draw_form"].errors == {field: [error]}
    page = response.content.decode()
    assert 'data-testid="draw-form"' in page
    assert f'<div id="draw_{field}_error" class="w-100">' in page  # under the field
    assert f'<div class="invalid-feedback d-block">{error}</div>' in page
    for name, value in typed.items():
        assert f'name="{name}" value="{value}"' in page
    assert f'name="year" value="{YEAR}"' in page
    assert 'data-testid="checks"' in page and "共 0 家" in page  # the rest of the page as on a GET


def test_a_draw_the_service_refuses_shows_the_years_page_again_as_typed(client, city_official, firms):
    """No registered firm in that year: the rule's refusal on top, the year's page with the form as typed."""
    client.force_login(city_official)
    response = client.post(DRAW, {"year": YEAR + 1, "share": "0.5", "seed": "77"})
    assert response.status_code == 200 and not SpotCheckDraw.objects.exists()
    assert messages_of(response) == [f"{YEAR + 1}年度还没有可抽查的入库企业，不能抽取。"]
    page = response.content.decode()
    assert f"{YEAR + 1}年度抽查" in page and f'name="year" value="{YEAR + 1}"' in page
    assert 'name="share" value="0.5"' in page and 'name="seed" value="77"' in page


def test_a_draw_while_filings_are_under_notice_shows_the_page_again_as_typed(client, city_official, firms, district):
    """Filings still on their way to registration: the refusal names how many, the form as typed."""
    factories.ApplicationFactory(
        enterprise=factories.EnterpriseFactory(managing_district=district), evaluation_year=YEAR, state="under_notice"
    )
    factories.recommended_filing(factories.EnterpriseFactory(managing_district=district), year=YEAR)
    client.force_login(city_official)
    response = client.post(DRAW, {"year": YEAR, "share": "0.5", "seed": "77"})
    assert response.status_code == 200 and not SpotCheckDraw.objects.exists()
    (message,) = messages_of(response)
    assert message.startswith(f"{YEAR}年度还有2件申报处于已推荐或公示中，尚未入库登记。")
    page = response.content.decode()
    assert 'data-testid="draw-form"' in page
    assert 'name="share" value="0.5"' in page and 'name="seed" value="77"' in page


def test_the_page_says_before_the_click_how_many_filings_the_draw_waits_for(client, city_official, firms, district):
    client.force_login(city_official)
    page = client.get(LIST, {"year": YEAR}).content.decode()
    assert 'data-testid="draw-waits"' not in page and "disabled>" not in page
    factories.recommended_filing(factories.EnterpriseFactory(managing_district=district), year=YEAR)
    page = client.get(LIST, {"year": YEAR}).content.decode()
    assert 'data-testid="draw-waits"' in page and "还有 1 件申报处于已推荐或公示中" in page
    assert 'type="submit" disabled>' in page


@pytest.mark.parametrize("persona", ["district_official", "enterprise_user", "department_user"])
def test_only_the_city_draws(persona_client, persona, firms):
    response = persona_client(persona).post(DRAW, {"year": YEAR, "share": "0.05"})
    assert response.status_code == 404 and not SpotCheckDraw.objects.exists()


def test_the_city_sees_every_district_filters_and_counts(client, city_official, drawn, other_district):
    client.force_login(city_official)
    page = client.get(LIST).content.decode()
    assert "共 10 家" in page and 'data-testid="progress"' in page
    assert page.count("涪城区") >= 6 and page.count("游仙区") >= 4
    page = client.get(LIST, {"district": other_district.pk}).content.decode()
    assert "共 4 家" in page and page.count("<td>涪城区</td>") == 1  # in the progress table only


def test_the_list_filters_by_state_and_sorts(client, city_official, drawn, firms):
    client.force_login(city_official)
    names = sorted(r.enterprise.name for r in firms["here"] + firms["there"])
    page = client.get(LIST, {"sort": "enterprise"}).content.decode()
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "共 0 家" in client.get(LIST, {"state": "passed"}).content.decode()
    assert "共 10 家" in client.get(LIST, {"state": "assigned"}).content.decode()


def test_another_year_has_no_checks(client, city_official, drawn):
    client.force_login(city_official)
    page = client.get(LIST, {"year": YEAR + 1}).content.decode()
    assert "共 0 家" in page and 'data-testid="draw-form"' in page


@pytest.mark.parametrize("n", [2, 12])
def test_list_query_count_is_flat(client, city_official, district, district_official, django_assert_max_num_queries, n):
    register(district, n)
    spot_check_draw(actor=city_official, year=YEAR, share="1", seed=1)
    for persona in (city_official, district_official):
        client.force_login(persona)
        with django_assert_max_num_queries(11):  # the city's page: 11 (draw, progress, districts); a district's 8
            assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("n", [2, 12])
def test_api_query_count_is_flat(client, city_official, district, django_assert_max_num_queries, n):
    register(district, n)
    spot_check_draw(actor=city_official, year=YEAR, share="1", seed=1)
    client.force_login(city_official)
    with django_assert_max_num_queries(4):  # session, user, membership, the page
        assert len(client.get(reverse("certification-spot-check-list")).json()["results"]) == n


# --- A district's page ----------------------------------------------------------------------------


def test_a_district_sees_only_its_checks_with_the_deadline(client, district_official, drawn, district):
    client.force_login(district_official)
    page = client.get(LIST).content.decode()
    assert "共 6 家" in page and 'data-testid="draw-form"' not in page and 'data-testid="draw-record"' not in page
    assert f'data-day="{YEAR}-12-15"' in page  # the campaign's spot-check deadline
    assert 'name="district"' not in page


def test_a_district_ignores_another_districts_filter(client, district_official, drawn, other_district):
    client.force_login(district_official)
    assert "共 6 家" in client.get(LIST, {"district": other_district.pk}).content.decode()


def test_checks_of_another_district_are_not_found(client, district_official, drawn, other_district):
    client.force_login(district_official)
    check = check_of(other_district)
    assert client.get(reverse("certification:spot_check_detail", args=[check.pk])).status_code == 404
    response = client.post(
        reverse("certification:spot_check_detail", args=[check.pk]),
        {"passed": "1", "note": "x", "evidence": evidence_pdf()},
    )
    assert response.status_code == 404 and reload(check).state == SpotCheck.State.ASSIGNED


def test_a_district_records_a_pass_with_evidence(client, district_official, drawn, district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(district_official)
    check = check_of(district)
    url = reverse("certification:spot_check_detail", args=[check.pk])
    assert 'data-testid="result-form"' in client.get(url).content.decode()
    response = client.post(url, {"passed": "1", "note": "现场核查属实", "evidence": evidence_pdf()}, follow=True)
    assert messages_of(response) == ["已登记核查通过。"]
    check = reload(check)
    assert check.state == SpotCheck.State.PASSED and check.checked_by == district_official
    evidence = client.get(reverse("certification:spot_check_evidence", args=[check.pk]))
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content).startswith(b"%PDF")


def test_a_failure_from_the_page_starts_the_revocation(client, district_official, drawn, district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(district_official)
    check = check_of(district)
    response = client.post(
        reverse("certification:spot_check_detail", args=[check.pk]),
        {"passed": "0", "failure_grounds": "conditions_not_met", "note": "科技人员不足", "evidence": evidence_pdf()},
        follow=True,
    )
    assert "已启动撤销程序" in messages_of(response)[0]
    assert reload(check).revocation == Revocation.objects.get(registration_id=check.registration_id)


def test_a_failure_from_the_page_records_the_procedure_with_its_reason(
    client, district_official, drawn, district, settings, tmp_path
):
    """The change history names the official and why the revocation procedure appeared."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(district_official)
    check = check_of(district)
    response = client.post(
        reverse("certification:spot_check_detail", args=[check.pk]),
        {"passed": "0", "failure_grounds": "conditions_not_met", "note": "企业无研发场地", "evidence": evidence_pdf()},
    )
    assert response.status_code == 302
    revocation = Revocation.objects.get()
    record = ChangeRecord.objects.get(model="certification.revocation", object_id=revocation.pk, kind="created")
    assert (record.actor_id, record.reason) == (district_official.pk, "抽查未通过，启动撤销程序")


def test_a_failure_without_grounds_shows_the_form_again(client, district_official, drawn, district, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(district_official)
    check = check_of(district)
    response = client.post(
        reverse("certification:spot_check_detail", args=[check.pk]),
        {"passed": "0", "note": "不符合", "evidence": evidence_pdf()},
    )
    assert response.status_code == 200 and "请选择未通过的事由" in response.content.decode()
    assert reload(check).state == SpotCheck.State.ASSIGNED and not Revocation.objects.exists()


def test_a_result_without_evidence_is_refused(client, district_official, drawn, district):
    client.force_login(district_official)
    check = check_of(district)
    response = client.post(reverse("certification:spot_check_detail", args=[check.pk]), {"passed": "1", "note": "x"})
    assert response.status_code == 200 and reload(check).state == SpotCheck.State.ASSIGNED


@pytest.mark.parametrize("persona", ["enterprise_user", "department_user", "other_enterprise_user"])
def test_other_roles_do_not_see_the_pages(persona_client, persona, drawn, district):
    client = persona_client(persona)
    assert client.get(LIST).status_code == 404
    assert client.get(reverse("certification:spot_check_detail", args=[check_of(district).pk])).status_code == 404


def test_anonymous_visitors_go_to_the_login_page(client, drawn):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Export ---------------------------------------------------------------------------------------


def test_the_export_holds_the_selected_checks(client, city_official, drawn, other_district):
    client.force_login(city_official)
    response = client.get(EXPORT, {"year": YEAR, "district": other_district.pk})
    assert response["Content-Disposition"].startswith(f'attachment; filename="spot-checks-{YEAR}.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("入库登记编号", "企业名称", "统一社会信用代码", "负责区县/功能区")
    assert len(rows) == 5 and {row[3] for row in rows[1:]} == {"游仙区"}
    filters = {"year": str(YEAR), "district": str(other_district.pk)}
    assert export_recorded(city_official, "spot_checks") == {"path": EXPORT, "filters": filters, "rows": 4}


def test_a_districts_export_holds_its_checks_only(client, district_official, drawn):
    client.force_login(district_official)
    sheet = load_workbook(io.BytesIO(b"".join(client.get(EXPORT).streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 7 and {row[3] for row in rows[1:]} == {"涪城区"}


def test_the_export_neutralises_formulas(client, city_official, drawn, district):
    enterprise = check_of(district).registration.enterprise
    enterprise.name = "=HYPERLINK(1)"
    enterprise.save(update_fields=["name"])
    client.force_login(city_official)
    sheet = load_workbook(io.BytesIO(b"".join(client.get(EXPORT).streaming_content))).active
    assert "'=HYPERLINK(1)" in [row[1] for row in sheet.iter_rows(values_only=True)]


# --- Navigation and API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "shown"), [("city_official", True), ("district_official", True), ("enterprise_user", False)]
)
def test_the_navigation_links_the_page_for_officials(persona_client, persona, shown):
    page = persona_client(persona).get(reverse("home")).content.decode()
    assert (f'href="{LIST}"' in page) is shown


def test_the_api_lists_the_checks_in_scope(client, district_official, other_district_official, enterprise_user, drawn):
    url = reverse("certification-spot-check-list")
    client.force_login(district_official)
    body = client.get(url, {"year": YEAR}).json()
    assert len(body["results"]) == 6 and {row["district_code"] for row in body["results"]} == {"510703"}
    assert set(body["results"][0]) >= {"registration_number", "state", "failure_grounds", "year"}
    client.force_login(other_district_official)
    assert len(client.get(url).json()["results"]) == 4
    client.force_login(enterprise_user)
    assert client.get(url).json()["results"] == []
    assert client.get(url, {"year": "x"}).status_code == 400
