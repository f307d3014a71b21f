"""The district's hold on an enterprise's accounts: the officials who decide its claims (its managing district's,
the city's) see its accounts on the enterprise's page, remove them and appoint its one administrator; a hijacked
or departed administrator is dealt with in the portal. Concurrent first approvals make one administrator."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse

from enterprises.models import EnterpriseMembership
from enterprises.services.claims import ClaimError, claim_approve, claim_letter_upload, member_appoint_admin
from smeportal.models import SecurityEvent
from tests import factories
from tests.concurrency import run_together
from tests.helpers import messages_of

Status = EnterpriseMembership.Status
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


@pytest.fixture
def administrator(enterprise_user):
    """The enterprise's administrator (``ent_user``)."""
    EnterpriseMembership.objects.filter(user=enterprise_user).update(is_admin=True)
    return EnterpriseMembership.objects.get(user=enterprise_user)


@pytest.fixture
def colleague(enterprise):
    """A verified account of the enterprise that is not its administrator."""
    return factories.EnterpriseMembershipFactory(enterprise=enterprise, user__username="colleague")


def appoint_url(membership) -> str:
    return reverse("enterprises:member_appoint_admin", args=[membership.pk])


def remove_url(membership) -> str:
    return reverse("enterprises:member_remove", args=[membership.pk])


def admins_of(enterprise) -> list[str]:
    return list(
        EnterpriseMembership.objects.filter(enterprise=enterprise, is_admin=True).values_list(
            "user__username", flat=True
        )
    )


# --- The enterprise's page ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_official", "city_official"])
def test_the_district_sees_an_enterprises_accounts_and_can_remove_them(
    persona_client, persona, enterprise, administrator, colleague
):
    """The services let the managing district remove an enterprise's members, its administrator included, and
    the administrator (who cannot remove themselves) is told to contact the district: the district's page of the
    enterprise lists its accounts with the removal, and the appointment of another administrator."""
    claim = factories.EnterpriseMembershipFactory(enterprise=enterprise, status=Status.CLAIMED)
    page = persona_client(persona).get(reverse("enterprises:detail", args=[enterprise.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    for member in (administrator, colleague, claim):
        assert f'data-member="{member.pk}"' in html
    assert remove_url(administrator) in html and remove_url(colleague) in html
    assert appoint_url(colleague) in html
    assert appoint_url(administrator) not in html  # already the administrator
    # A claim is decided in the claims queue, with its letter.
    assert remove_url(claim) not in html and appoint_url(claim) not in html


@pytest.mark.django_db
def test_the_accounts_of_an_enterprise_cost_one_query(
    client, enterprise, district_official, django_assert_max_num_queries
):
    client.force_login(district_official)
    factories.EnterpriseMembershipFactory(enterprise=enterprise)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))
    factories.EnterpriseMembershipFactory.create_batch(5, enterprise=enterprise)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("enterprises:detail", args=[enterprise.pk]))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_district_official", "enterprise_user", "department_user"])
def test_nobody_else_sees_the_enterprises_accounts(persona_client, persona, enterprise, administrator):
    """Another district's official, the enterprise's own administrator (their page is the members page) and a
    department's user get 404."""
    response = persona_client(persona).get(reverse("enterprises:detail", args=[enterprise.pk]))
    assert response.status_code == 404


# --- Appointing the administrator ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_official", "city_official"])
def test_the_district_appoints_another_administrator_in_place_of_the_current_one(
    persona_client, request, persona, enterprise, administrator, colleague, django_capture_on_commit_callbacks
):
    official = request.getfixturevalue(persona)
    client = persona_client(persona)
    earlier = SecurityEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(appoint_url(colleague))

    assert response.status_code == 302 and response["Location"] == enterprise.get_absolute_url()
    assert admins_of(enterprise) == ["colleague"]
    administrator.refresh_from_db()
    assert (administrator.status, administrator.is_admin) == (Status.VERIFIED, False)  # still a member
    # Both role changes are in the security log, as made by the official.
    events = SecurityEvent.objects.filter(pk__gt=earlier, kind=SecurityEvent.Kind.ROLE_CHANGED)
    changes = {event.username: (event.actor, event.details["enterprisemembership"]["changes"]) for event in events}
    assert changes == {
        "ent_user": (official, {"is_admin": [True, False]}),
        "colleague": (official, {"is_admin": [False, True]}),
    }
    assert colleague.user.notifications.filter(message__contains="任命").exists()
    assert administrator.user.notifications.filter(message__contains="colleague").exists()
    # The new administrator has the members page; the former one no longer.
    client.force_login(colleague.user)
    assert client.get(reverse("enterprises:members")).status_code == 200
    client.force_login(administrator.user)
    assert client.get(reverse("enterprises:members")).status_code == 404


@pytest.mark.django_db
def test_an_enterprise_without_administrator_gets_one_appointed(client, enterprise, colleague, district_official):
    """After the district removed the administrator (or before anyone was made one)."""
    client.force_login(district_official)
    client.post(appoint_url(colleague))
    assert admins_of(enterprise) == ["colleague"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["other_district_official", "enterprise_user", "other_enterprise_user", "department_user"]
)
def test_nobody_else_appoints_an_administrator(persona_client, persona, enterprise, administrator, colleague):
    """Another district's official, the enterprise's own administrator (``enterprise_user`` here), another firm's
    account and a department's user get 404, and nothing changes."""
    assert persona_client(persona).post(appoint_url(colleague)).status_code == 404
    assert admins_of(enterprise) == ["ent_user"]


@pytest.mark.django_db
def test_a_plain_member_cannot_appoint_themselves(client, enterprise, administrator, colleague):
    client.force_login(colleague.user)
    assert client.post(appoint_url(colleague)).status_code == 404
    assert admins_of(enterprise) == ["ent_user"]


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_login(client, enterprise, administrator, colleague):
    response = client.post(appoint_url(colleague))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(appoint_url(colleague)).status_code == 405
    assert admins_of(enterprise) == ["ent_user"]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.CLAIMED, Status.REJECTED, Status.REMOVED])
def test_only_a_verified_account_is_appointed(client, enterprise, administrator, district_official, status):
    other = factories.EnterpriseMembershipFactory(enterprise=enterprise, status=status)
    client.force_login(district_official)
    response = client.post(appoint_url(other))
    assert response.status_code == 302
    assert messages_of(response) == ["只能任命已验证的账号为企业管理员。"]
    assert admins_of(enterprise) == ["ent_user"]


@pytest.mark.django_db
def test_the_administrator_is_not_appointed_again(enterprise, administrator, district_official):
    events = SecurityEvent.objects.count()
    with pytest.raises(ClaimError):
        member_appoint_admin(actor=district_official, membership_id=administrator.pk)
    assert SecurityEvent.objects.count() == events


@pytest.mark.django_db
def test_a_replaced_administrator_decides_nothing_more(enterprise, administrator, colleague, district_official):
    """The administrator's role is read again under the enterprise's lock: a session that still holds the former
    administrator (its user loaded before the appointment) verifies no claim."""
    former = administrator.user
    assert former.enterprise_membership.is_admin  # loaded now, as a request did before the appointment
    member_appoint_admin(actor=district_official, membership_id=colleague.pk)
    claim = factories.EnterpriseMembershipFactory(enterprise=enterprise, status=Status.CLAIMED)
    with pytest.raises(Http404):
        claim_approve(actor=former, membership_id=claim.pk)
    assert EnterpriseMembership.objects.get(pk=claim.pk).status == Status.CLAIMED


# --- Removing accounts ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_district_removes_the_administrator_from_the_enterprises_page(
    client, enterprise, administrator, district_official
):
    client.force_login(district_official)
    response = client.post(remove_url(administrator))
    assert response.status_code == 302 and response["Location"] == enterprise.get_absolute_url()
    administrator.refresh_from_db()
    assert (administrator.status, administrator.is_admin) == (Status.REMOVED, False)
    # Its next claim goes to the district, which may appoint another account.
    assert admins_of(enterprise) == []


@pytest.mark.django_db
def test_another_district_removes_nothing(client, enterprise, administrator, other_district_official):
    client.force_login(other_district_official)
    assert client.post(remove_url(administrator)).status_code == 404
    assert EnterpriseMembership.objects.get(pk=administrator.pk).status == Status.VERIFIED


@pytest.mark.django_db
def test_the_administrator_still_removes_from_the_members_page_and_not_themselves(
    client, enterprise, administrator, colleague
):
    client.force_login(administrator.user)
    response = client.post(remove_url(administrator))
    assert response["Location"] == reverse("enterprises:members")
    assert messages_of(response) == ["企业管理员不能移除自己的账号，请联系所属区县。"]
    assert client.post(remove_url(colleague))["Location"] == reverse("enterprises:members")
    assert EnterpriseMembership.objects.get(pk=colleague.pk).status == Status.REMOVED


# --- One administrator -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_holds_one_administrator_per_enterprise(enterprise, administrator, colleague):
    with pytest.raises(IntegrityError):
        EnterpriseMembership.objects.filter(pk=colleague.pk).update(is_admin=True)


def test_two_first_approvals_at_once_make_one_administrator(
    transactional_db, require_postgres, settings, tmp_path, enterprise, district_official, city_official
):
    """The "first verified account" check reads under the enterprise's lock: the district and the city approving
    the enterprise's first two claims at the same moment make one administrator and one member, not two
    administrators (nor a refused approval)."""
    settings.MEDIA_ROOT = tmp_path
    claims = [factories.EnterpriseMembershipFactory(enterprise=enterprise, status=Status.CLAIMED) for _ in range(2)]
    for claim in claims:
        claim_letter_upload(actor=claim.user, upload=SimpleUploadedFile("授权委托书.pdf", PDF))

    results = run_together(
        [
            lambda: claim_approve(actor=district_official, membership_id=claims[0].pk),
            lambda: claim_approve(actor=city_official, membership_id=claims[1].pk),
        ],
        timeout=30,
    )

    assert all(isinstance(result, EnterpriseMembership) for result in results), results
    rows = EnterpriseMembership.objects.filter(pk__in=[claim.pk for claim in claims])
    assert sorted(rows.values_list("status", "is_admin")) == [(Status.VERIFIED, False), (Status.VERIFIED, True)]
