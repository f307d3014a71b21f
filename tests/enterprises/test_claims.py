"""Verified enterprise identity: a stranger who registers with another firm's public credit code gets
nothing of the firm until the firm's administrator, or its district after checking the stamped
authorisation letter, verifies the claim."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from rest_framework.test import APIClient

from certification.models import Application, ApplicationAttachment, Revocation
from certification.services.notice import notice_batch_create, objection_file
from enterprises.models import EnterpriseMembership
from enterprises.services.accounts import enterprise_user_register
from enterprises.services.claims import ClaimError, claim_approve, claim_letter_upload, claim_reject, member_remove
from tests import factories

pytestmark = pytest.mark.django_db
Status = EnterpriseMembership.Status
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


def letter():
    return SimpleUploadedFile("授权委托书.pdf", PDF, content_type="application/pdf")


def register(enterprise, username="stranger"):
    return enterprise_user_register(
        username=username,
        password="Mianyang-Kj-2026!",
        email=f"{username}@example.cn",
        credit_code=enterprise.credit_code,
        company_name=enterprise.name,
        contact_name="王五",
        contact_phone="0816-1111111",
    ).user


@pytest.fixture
def administrator(enterprise_user):
    EnterpriseMembership.objects.filter(user=enterprise_user).update(is_admin=True)
    enterprise_user.refresh_from_db()
    return enterprise_user


@pytest.fixture
def filing_with_document(enterprise):
    filing = factories.ApplicationFactory(enterprise=enterprise, state=Application.State.SUBMITTED)
    document = ApplicationAttachment(application=filing, kind="other", original_name="财务报表.pdf", size=len(PDF))
    document.file.save("a.pdf", ContentFile(PDF), save=True)
    return filing, document


# --- The stranger: the takeover of the previous main, attempt by attempt --------------------------


def test_a_stranger_with_a_public_credit_code_sees_and_does_nothing(client, enterprise, filing_with_document):
    filing, document = filing_with_document
    registration = factories.registered_filing(enterprise, year=2025)
    revocation = Revocation.objects.create(
        registration=registration,
        grounds="fraud",
        reason="x",
        noticed_at=timezone.now(),
        defence_deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    stranger = register(enterprise)
    client.force_login(stranger)
    assert client.get(reverse("certification:filing_list")).status_code == 404
    assert client.get(reverse("certification:filing_detail", args=[filing.pk])).status_code == 404
    assert client.get(reverse("certification:attachment_download", args=[document.pk])).status_code == 404
    assert client.post(reverse("certification:filing_withdraw", args=[filing.pk])).status_code == 404
    assert client.get(reverse("certification:revocation_defend", args=[revocation.pk])).status_code == 404
    assert client.get(reverse("enterprises:profile")).status_code == 404
    assert client.get(reverse("assistance:mine")).status_code == 404
    api = APIClient()
    api.force_login(stranger)
    assert api.get("/api/v1/certification/filings/").status_code == 403
    assert api.get(f"/api/v1/certification/filings/{filing.pk}/").status_code == 403
    assert api.post(f"/api/v1/certification/filings/{filing.pk}/withdraw/", {}, format="json").status_code == 403
    filing.refresh_from_db()
    assert filing.state == Application.State.SUBMITTED


def test_a_stranger_gets_no_api_token(enterprise):
    register(enterprise)
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "stranger", "password": "Mianyang-Kj-2026!"}, format="json"
    )
    assert response.status_code == 403


def test_a_claim_is_not_told_of_the_enterprise_filings(enterprise, enterprise_user, mailoutbox):
    from certification.notifications import notify_enterprise

    stranger = register(enterprise)
    filing = factories.ApplicationFactory(enterprise=enterprise, state=Application.State.SUBMITTED)
    notify_enterprise(filing.pk, "已退回修改")
    assert not stranger.notifications.exists()
    assert enterprise_user.notifications.count() == 1


def test_a_claimant_cannot_object(enterprise, other_enterprise, city_official):
    filing = factories.recommended_filing(other_enterprise)
    notice_batch_create(
        actor=city_official,
        title="公示",
        start_date=timezone.localdate(),
        today=timezone.localdate(),
        application_ids=[filing.pk],
    )
    stranger = register(enterprise)
    with pytest.raises(PermissionDenied):
        objection_file(
            actor=stranger,
            application_id=filing.pk,
            real_name="王五",
            contact="138",
            statement="不实",
            evidence=letter(),
        )


# --- Who verifies -------------------------------------------------------------------------------


def test_the_administrator_verifies_a_claim_and_the_new_member_gets_access(
    client, enterprise, administrator, django_capture_on_commit_callbacks
):
    stranger = register(enterprise, "colleague")
    claim = stranger.enterprise_membership
    with django_capture_on_commit_callbacks(execute=True):
        claim_approve(actor=administrator, membership_id=claim.pk)
    claim.refresh_from_db()
    assert (claim.status, claim.is_admin, claim.decided_by) == (Status.VERIFIED, False, administrator)
    client.force_login(stranger)
    assert client.get(reverse("enterprises:profile")).status_code == 200
    assert stranger.notifications.filter(message__contains="已通过验证").exists()


def test_the_first_account_is_verified_by_the_district_after_the_letter_and_becomes_administrator(
    enterprise, district_official, other_district_official
):
    claim = register(enterprise).enterprise_membership
    with pytest.raises(ClaimError, match="授权委托书"):
        claim_approve(actor=district_official, membership_id=claim.pk)
    claim_letter_upload(actor=claim.user, upload=letter())
    with pytest.raises(Http404):
        claim_approve(actor=other_district_official, membership_id=claim.pk)
    claim_approve(actor=district_official, membership_id=claim.pk)
    claim.refresh_from_db()
    assert (claim.status, claim.is_admin) == (Status.VERIFIED, True)


@pytest.mark.parametrize("persona", ["other_enterprise_user", "department_user", "enterprise_user"])
def test_nobody_else_verifies_a_claim(request, enterprise, persona):
    """A plain (non-administrator) member, another firm and a department get 404."""
    claim = register(enterprise).enterprise_membership
    with pytest.raises(Http404):
        claim_approve(actor=request.getfixturevalue(persona), membership_id=claim.pk)
    with pytest.raises(Http404):
        claim_approve(actor=claim.user, membership_id=claim.pk)
    assert EnterpriseMembership.objects.get(pk=claim.pk).status == Status.CLAIMED


def test_a_rejected_claim_keeps_no_access_and_cannot_be_decided_again(client, enterprise, administrator):
    claim = register(enterprise).enterprise_membership
    with pytest.raises(ClaimError):
        claim_reject(actor=administrator, membership_id=claim.pk, note="")
    claim_reject(actor=administrator, membership_id=claim.pk, note="非本企业人员")
    with pytest.raises(ClaimError):
        claim_approve(actor=administrator, membership_id=claim.pk)
    client.force_login(claim.user)
    assert client.get(reverse("enterprises:profile")).status_code == 404
    assert "非本企业人员" in client.get(reverse("claim_status")).content.decode()


def test_members_are_removed_by_the_administrator_or_the_district(
    enterprise, administrator, district_official, other_enterprise_user
):
    colleague = factories.EnterpriseMembershipFactory(enterprise=enterprise)
    member_remove(actor=administrator, membership_id=colleague.pk)
    assert EnterpriseMembership.objects.get(pk=colleague.pk).status == Status.REMOVED
    with pytest.raises(ClaimError):
        member_remove(actor=administrator, membership_id=administrator.enterprise_membership.pk)
    with pytest.raises(Http404):
        member_remove(actor=other_enterprise_user, membership_id=administrator.enterprise_membership.pk)
    member_remove(actor=district_official, membership_id=administrator.enterprise_membership.pk)
    administrator.enterprise_membership.refresh_from_db()
    assert (administrator.enterprise_membership.status, administrator.enterprise_membership.is_admin) == (
        Status.REMOVED,
        False,
    )


def test_the_district_is_told_of_a_claim_to_an_enterprise_without_administrator(
    enterprise, district_official, other_district_official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(enterprise)
    assert district_official.notifications.filter(link=reverse("enterprises:claims")).exists()
    assert not other_district_official.notifications.exists()


# --- Pages ----------------------------------------------------------------------------------------


def test_the_letter_is_downloaded_as_the_pdf_it_is_under_its_name(client, settings, tmp_path, enterprise):
    settings.MEDIA_ROOT = tmp_path
    claim = register(enterprise).enterprise_membership
    client.force_login(claim.user)
    client.post(reverse("claim_status"), {"letter": letter()})
    response = client.get(reverse("enterprises:claim_letter", args=[claim.pk]))
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == ("application/pdf", "nosniff")
    assert response["Content-Disposition"] == content_disposition_header(True, "授权委托书.pdf")
    assert b"".join(response.streaming_content) == PDF


def test_the_claim_pages_of_each_side(client, enterprise, administrator, district_official):
    claim = register(enterprise).enterprise_membership
    client.force_login(claim.user)
    response = client.post(reverse("claim_status"), {"letter": letter()})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.authorisation_letter_name == "授权委托书.pdf"
    assert client.get(reverse("enterprises:claim_letter", args=[claim.pk])).status_code == 200
    client.force_login(district_official)
    queue = client.get(reverse("enterprises:claims")).content.decode()
    assert f'data-claim="{claim.pk}"' in queue
    assert client.get(reverse("enterprises:claim_letter", args=[claim.pk])).status_code == 200
    client.force_login(administrator)
    members = client.get(reverse("enterprises:members")).content.decode()
    assert f'data-claim="{claim.pk}"' in members
    assert client.get(reverse("enterprises:claim_letter", args=[claim.pk])).status_code == 404
    response = client.post(reverse("enterprises:claim_approve", args=[claim.pk]), {"note": ""})
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:members")
    assert EnterpriseMembership.objects.get(pk=claim.pk).status == Status.VERIFIED


def test_a_lying_letter_is_refused(client, enterprise):
    claim = register(enterprise).enterprise_membership
    client.force_login(claim.user)
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("claim_status"), {"letter": fake})
    assert response.status_code == 200
    assert not EnterpriseMembership.objects.get(pk=claim.pk).authorisation_letter


# --- Pending enterprises --------------------------------------------------------------------------


def test_a_pending_enterprise_cannot_submit_through_the_api(district, district_official):
    """The previous main let a self-registered enterprise nobody confirmed file into the review queue."""
    user = enterprise_user_register(
        username="newco",
        password="Mianyang-Kj-2026!",
        email="a@b.cn",
        credit_code=factories.credit_code_for(424_242),
        company_name="新企业",
        contact_name="赵六",
        contact_phone="0816-2222222",
        managing_district_id=district.pk,
        established_on=dt.date(2025, 1, 1),
    ).user
    claim = user.enterprise_membership
    claim_letter_upload(actor=user, upload=letter())
    claim_approve(actor=district_official, membership_id=claim.pk)
    api = APIClient()
    api.force_login(user)
    figures = {
        "evaluation_year": timezone.localdate().year,
        "total_staff": "40",
        "tech_staff": "6",
        "sales_revenue": "800",
        "total_costs": "700",
        "rd_expense": "48",
        "total_assets": "1000",
        "class2_ip": 3,
    }
    created = api.post("/api/v1/certification/filings/", figures, format="json")
    assert created.status_code == 201, created.content
    submitted = api.post(f"/api/v1/certification/filings/{created.json()['id']}/submit/", {}, format="json")
    assert submitted.status_code == 409 and "确认" in submitted.json()["detail"]
    assert Application.objects.get().state == Application.State.DRAFT
    assert api.post("/api/v1/auth/token/", {"username": "newco", "password": "Mianyang-Kj-2026!"}).status_code == 403
