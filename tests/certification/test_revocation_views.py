"""The revocation pages as personas: officials start and decide, the enterprise defends, the public reads.

Decision (also in certification/revocation_views.py): district officials read their district's
procedures (no decide form; the decide POST answers 404 like every city-only action); other districts
and other enterprises get 404; anonymous visitors go to the login page except on the announcements.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, Registration, Revocation
from certification.selectors.calendar import defence_deadline_for
from certification.services.revocation import revocation_defend
from smeportal.models import Notification
from tests import factories
from tests.helpers import reload

S = Application.State
R = Revocation.State
G = Registration.Grounds
PDF = b"%PDF-1.4 defence evidence"


def open_revocation(registration, *, deadline=None, state=R.NOTICED, **fields):
    today = timezone.localdate()
    return Revocation.objects.create(
        registration=registration,
        grounds=fields.pop("grounds", G.CONDITIONS_NOT_MET),
        reason=fields.pop("reason", "抽查发现科技人员不足"),
        noticed_at=timezone.now(),
        defence_deadline=deadline or today + dt.timedelta(days=14),
        state=state,
        **fields,
    )


def announced(registration, *, grounds=G.FRAUD):
    now = timezone.now()
    return open_revocation(
        registration, state=R.REVOKED, grounds=grounds, decided_at=now, announced_at=now, finding="属实"
    )


@pytest.fixture
def registration(enterprise):
    return factories.registered_filing(enterprise, serial=1)


@pytest.fixture
def revocation(registration):
    return open_revocation(registration)


# --- Starting a procedure (city officials) ---------------------------------------------------------


def test_review_page_of_a_registered_filing_offers_the_start_button(client, city_official, registration):
    client.force_login(city_official)
    page = client.get(reverse("certification:review_detail", args=[registration.application_id]))
    assert reverse("certification:revocation_start", args=[registration.application_id]) in page.text


def test_no_start_button_for_district_officials_or_filings_not_registered(
    client, district_official, city_official, registration, enterprise
):
    url = reverse("certification:revocation_start", args=[registration.application_id])
    client.force_login(district_official)
    assert url not in client.get(reverse("certification:review_detail", args=[registration.application_id])).text
    under_review = factories.ApplicationFactory(
        enterprise=enterprise, state=S.SUBMITTED, submitted_on=dt.date(2026, 4, 20), first_time_applicant=False
    )
    client.force_login(city_official)
    page = client.get(reverse("certification:review_detail", args=[under_review.pk]))
    assert "revocation/new" not in page.text


def test_city_official_starts_a_procedure(
    client, city_official, registration, enterprise_user, django_capture_on_commit_callbacks
):
    client.force_login(city_official)
    url = reverse("certification:revocation_start", args=[registration.application_id])
    page = client.get(url)
    assert page.status_code == 200
    assert defence_deadline_for(timezone.localdate()).isoformat() in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"grounds": G.LISTED, "reason": "被列入经营异常名录"})
    revocation = Revocation.objects.get(registration=registration)
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:revocation_detail", args=[revocation.pk])
    assert (revocation.state, revocation.grounds, revocation.created_by) == (R.NOTICED, G.LISTED, city_official)
    # The notification's link leads to the filing, whose page leads to the defence.
    note = Notification.objects.get(user=enterprise_user)
    assert revocation.defence_deadline.isoformat() in note.message
    client.force_login(enterprise_user)
    filing_page = client.get(note.link)
    assert filing_page.status_code == 200
    assert reverse("certification:revocation_defend", args=[revocation.pk]) in filing_page.text


def test_start_with_missing_reason_shows_the_form_again(client, city_official, registration):
    client.force_login(city_official)
    url = reverse("certification:revocation_start", args=[registration.application_id])
    page = client.post(url, {"grounds": G.LISTED, "reason": ""})
    assert page.status_code == 200 and page.context["form"].errors
    assert not registration.revocations.exists()


def test_start_while_a_procedure_is_open_goes_to_it(client, city_official, revocation, registration):
    client.force_login(city_official)
    response = client.post(
        reverse("certification:revocation_start", args=[registration.application_id]),
        {"grounds": G.FRAUD, "reason": "再次"},
    )
    assert response["Location"] == reverse("certification:revocation_detail", args=[revocation.pk])
    assert registration.revocations.count() == 1


def test_start_for_a_filing_without_registration_is_404(client, city_official, enterprise):
    draft = factories.ApplicationFactory(enterprise=enterprise)
    client.force_login(city_official)
    assert client.get(reverse("certification:revocation_start", args=[draft.pk])).status_code == 404


# --- The enterprise's defence ----------------------------------------------------------------------


def test_enterprise_submits_its_defence_with_a_document(client, enterprise_user, revocation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(enterprise_user)
    url = reverse("certification:revocation_defend", args=[revocation.pk])
    page = client.get(url)
    assert revocation.defence_deadline.isoformat() in page.text and 'data-testid="defence-form"' in page.text
    response = client.post(
        url, {"text": "已补充科技人员。", "attachment": SimpleUploadedFile("证明.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 302 and response["Location"] == url
    revocation = reload(revocation)
    assert (revocation.state, revocation.defence, revocation.defence_attachment_name) == (
        R.DEFENDED,
        "已补充科技人员。",
        "证明.pdf",
    )
    page = client.get(url)
    assert 'data-testid="defence-form"' not in page.text and "已补充科技人员。" in page.text
    download = client.get(reverse("certification:revocation_attachment", args=[revocation.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_defence_with_a_fake_pdf_shows_the_form_again(client, enterprise_user, revocation):
    client.force_login(enterprise_user)
    page = client.post(
        reverse("certification:revocation_defend", args=[revocation.pk]),
        {"text": "申辩", "attachment": SimpleUploadedFile("x.pdf", b"MZ executable", "application/pdf")},
    )
    assert page.status_code == 200 and "attachment" in page.context["form"].errors
    assert reload(revocation).state == R.NOTICED


def test_defence_after_the_deadline_is_refused(client, enterprise_user, registration):
    late = open_revocation(registration, deadline=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(enterprise_user)
    url = reverse("certification:revocation_defend", args=[late.pk])
    page = client.get(url)
    assert 'data-testid="defence-form"' not in page.text and "申辩期限已届满" in page.text
    response = client.post(url, {"text": "迟到的申辩"}, follow=True)
    assert "届满" in response.text
    assert reload(late).state == R.NOTICED and reload(late).defence == ""


# --- Detail and decision ----------------------------------------------------------------------------


def test_city_official_cannot_decide_before_defence_or_deadline(client, city_official, revocation, registration):
    client.force_login(city_official)
    page = client.get(reverse("certification:revocation_detail", args=[revocation.pk]))
    assert 'data-testid="decide-form"' not in page.text and 'data-testid="waiting"' in page.text
    response = client.post(
        reverse("certification:revocation_decide", args=[revocation.pk]), {"revoke": "1", "finding": "x"}, follow=True
    )
    assert "届满前不能作出决定" in response.text
    assert reload(revocation).state == R.NOTICED and reload(registration).revoked_at is None


def test_city_official_revokes_after_the_defence_and_it_is_announced(
    client, city_official, enterprise_user, revocation, registration, enterprise
):
    revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="不服")
    client.force_login(city_official)
    page = client.get(reverse("certification:revocation_detail", args=[revocation.pk]))
    assert 'data-testid="decide-form"' in page.text and "不服" in page.text
    response = client.post(
        reverse("certification:revocation_decide", args=[revocation.pk]), {"revoke": "1", "finding": "申辩不成立"}
    )
    assert response["Location"] == reverse("certification:revocation_detail", args=[revocation.pk])
    assert reload(revocation).state == R.REVOKED
    assert reload(registration).revoked_at is not None
    client.logout()
    public = client.get(reverse("certification:revocations_public"))
    assert public.status_code == 200
    for text in (enterprise.name, enterprise.credit_code, registration.number, str(G.CONDITIONS_NOT_MET.label)):
        assert text in public.text
    assert timezone.localdate().isoformat() in public.text


def test_dismissed_procedures_are_not_announced(client, city_official, enterprise_user, revocation, registration):
    revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="不服")
    client.force_login(city_official)
    client.post(reverse("certification:revocation_decide", args=[revocation.pk]), {"revoke": "0", "finding": "成立"})
    assert reload(revocation).state == R.DISMISSED
    assert reload(registration).revoked_at is None
    assert registration.number not in client.get(reverse("certification:revocations_public")).text


def test_decide_with_an_empty_form_changes_nothing(client, city_official, enterprise_user, revocation):
    revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="不服")
    client.force_login(city_official)
    response = client.post(reverse("certification:revocation_decide", args=[revocation.pk]), {}, follow=True)
    assert "请选择决定并填写认定意见" in response.text
    assert reload(revocation).state == R.DEFENDED


def test_district_official_reads_its_districts_procedure_without_deciding(
    client, district_official, enterprise_user, revocation
):
    revocation_defend(actor=enterprise_user, revocation_id=revocation.pk, text="不服")
    client.force_login(district_official)
    page = client.get(reverse("certification:revocation_detail", args=[revocation.pk]))
    assert page.status_code == 200
    assert 'data-testid="decide-form"' not in page.text and "不服" in page.text
    response = client.post(
        reverse("certification:revocation_decide", args=[revocation.pk]), {"revoke": "1", "finding": "x"}
    )
    assert response.status_code == 404
    assert reload(revocation).state == R.DEFENDED


# --- Refusals on every URL ----------------------------------------------------------------------------


@pytest.fixture
def defended(revocation, enterprise_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return revocation_defend(
        actor=enterprise_user,
        revocation_id=revocation.pk,
        text="申辩",
        attachment=SimpleUploadedFile("证明.pdf", PDF, "application/pdf"),
    )


PAGES = {
    # name: (kwargs kind, personas served; everyone else signed in gets 404). Served is 200, except that
    # starting a procedure while one is open redirects to it.
    "certification:revocation_list": (
        None,
        {"district_official", "other_district_official", "city_official", "admin_user_persona"},
    ),
    "certification:revocation_start": ("filing", {"city_official", "admin_user_persona"}),
    "certification:revocation_detail": ("revocation", {"district_official", "city_official", "admin_user_persona"}),
    "certification:revocation_defend": ("revocation", {"enterprise_user"}),
    "certification:revocation_attachment": (
        "revocation",
        {"enterprise_user", "district_official", "city_official", "admin_user_persona"},
    ),
}
SIGNED_IN = [
    "enterprise_user",
    "other_enterprise_user",
    "district_official",
    "other_district_official",
    "department_user",
    "city_official",
    "admin_user_persona",
]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["anonymous", *SIGNED_IN])
def test_who_may_open_each_page(persona_client, defended, name, persona):
    kind, allowed = PAGES[name]
    pk = defended.registration.application_id if kind == "filing" else defended.pk
    url = reverse(name, kwargs={} if kind is None else {"pk": pk})
    response = persona_client(persona).get(url)
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif persona not in allowed:
        assert response.status_code == 404, persona
    elif name == "certification:revocation_start":
        assert response["Location"] == reverse("certification:revocation_detail", args=[defended.pk])
    else:
        assert response.status_code == 200, persona


@pytest.mark.parametrize("persona", ["anonymous", *SIGNED_IN])
def test_announcements_are_public(persona_client, registration, persona):
    announced(registration)
    response = persona_client(persona).get(reverse("certification:revocations_public"))
    assert response.status_code == 200 and registration.number in response.text


@pytest.mark.parametrize("persona", ["other_enterprise_user", "district_official", "city_official"])
def test_only_the_enterprise_posts_a_defence(persona_client, revocation, persona):
    response = persona_client(persona).post(
        reverse("certification:revocation_defend", args=[revocation.pk]), {"text": "冒名申辩"}
    )
    assert response.status_code == 404
    assert reload(revocation).state == R.NOTICED


def test_announcements_nav_item_for_everyone(client):
    page = client.get(reverse("home"))
    assert reverse("certification:revocations_public") in page.text


# --- Lists: search and flat query counts ---------------------------------------------------------------


def _seed(count, district):
    for n in range(count):
        enterprise = factories.EnterpriseFactory(managing_district=district)
        registration = factories.registered_filing(enterprise, serial=1000 + n)
        if n % 2:
            announced(registration)
        else:
            open_revocation(registration)


@pytest.mark.parametrize("count", [4, 40])
def test_list_query_count_is_flat(client, city_official, district, django_assert_max_num_queries, count):
    _seed(count, district)
    client.force_login(city_official)
    client.get(reverse("certification:revocation_list"))
    with django_assert_max_num_queries(6):
        page = client.get(reverse("certification:revocation_list"))
    assert len(page.context["page"].object_list) == min(count, 30)


@pytest.mark.parametrize("count", [4, 40])
def test_announcements_query_count_is_flat(client, district, django_assert_max_num_queries, count):
    _seed(count, district)
    with django_assert_max_num_queries(2):
        page = client.get(reverse("certification:revocations_public"))
    assert len(page.context["page"].object_list) == min(count // 2, 30)


@pytest.mark.parametrize("closed", [1, 6])
def test_filing_detail_with_procedures_has_a_fixed_query_count(
    client, enterprise_user, registration, django_assert_max_num_queries, closed
):
    for _ in range(closed):
        open_revocation(registration, state=R.DISMISSED, decided_at=timezone.now(), finding="不成立")
    open_revocation(registration)
    client.force_login(enterprise_user)
    url = reverse("certification:filing_detail", args=[registration.application_id])
    client.get(url)
    with django_assert_max_num_queries(13):
        page = client.get(url)
    assert page.text.count('data-testid="revocation-notice"') == closed + 1
    assert "查看告知并申辩" in page.text


def test_list_filters_and_search(client, city_official, enterprise, other_enterprise, registration):
    other = factories.registered_filing(other_enterprise, serial=2)
    open_revocation(registration)
    announced(other)
    client.force_login(city_official)
    url = reverse("certification:revocation_list")
    names = lambda response: {r.registration.enterprise.name for r in response.context["page"].object_list}  # noqa: E731
    assert names(client.get(url, {"state": "open"})) == {enterprise.name}
    assert names(client.get(url, {"state": R.REVOKED})) == {other_enterprise.name}
    assert names(client.get(url, {"q": other.number})) == {other_enterprise.name}
    assert names(client.get(url, {"q": enterprise.credit_code.lower()})) == {enterprise.name}
    assert names(client.get(url, {"q": enterprise.name[:4]})) >= {enterprise.name}


def test_a_district_lists_its_own_enterprises_procedures_from_its_workbench(
    client, district_official, enterprise, other_enterprise, registration
):
    """The district workbench counts the open procedures of its enterprises and links to this list."""
    other = factories.registered_filing(other_enterprise, serial=2)
    open_revocation(registration)
    open_revocation(other)
    client.force_login(district_official)
    bench = client.get(reverse("home")).text
    link = reverse("certification:revocation_list") + "?state=open"
    assert link in bench
    listed = client.get(link)
    assert listed.status_code == 200
    assert [r.registration_id for r in listed.context["page"].object_list] == [registration.pk]
    assert other_enterprise.name not in listed.text


def test_announcements_search(client, enterprise, other_enterprise, registration):
    other = factories.registered_filing(other_enterprise, serial=2)
    announced(registration)
    announced(other)
    page = client.get(reverse("certification:revocations_public"), {"q": enterprise.credit_code})
    assert [r.registration_id for r in page.context["page"].object_list] == [registration.pk]


def test_the_defence_deadline_counts_down_in_working_days_while_it_is_open(
    client, enterprise_user, city_official, registration, today
):
    today(dt.date(2026, 12, 2))
    revocation = open_revocation(registration, deadline=dt.date(2026, 12, 15))
    for user, name in ((enterprise_user, "revocation_defend"), (city_official, "revocation_detail")):
        client.force_login(user)
        page = client.get(reverse(f"certification:{name}", args=[revocation.pk])).text
        assert 'data-day="2026-12-15"' in page and "还剩 10 个工作日" in page
    today(dt.date(2026, 12, 16))
    page = client.get(reverse("certification:revocation_detail", args=[revocation.pk])).text
    assert "还剩" not in page
