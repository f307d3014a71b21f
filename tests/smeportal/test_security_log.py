"""The security audit log records each kind of event, with who, from where and what; it is append-only."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from enterprises.models import OfficialMembership
from enterprises.services.claims import claim_approve
from smeportal.history import history_context
from smeportal.models import ApiToken, SecurityEvent
from smeportal.security import Counted, record_export, record_security_event
from tests.factories import DepartmentMembershipFactory, EnterpriseMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
PASSWORD = "portal-pass-2026"


def only(kind) -> SecurityEvent:
    (event,) = SecurityEvent.objects.filter(kind=kind)
    return event


def test_a_login_records_the_user_address_and_browser(client, enterprise_user):
    client.post(reverse("login"), {"username": "ent_user", "password": PASSWORD}, HTTP_USER_AGENT="Mozilla/5.0 测试")
    event = only(Kind.LOGIN)
    assert (event.user, event.username, event.ip_address, event.user_agent) == (
        enterprise_user,
        "ent_user",
        "127.0.0.1",
        "Mozilla/5.0 测试",
    )
    assert event.details == {"backend": "enterprises.backends.PortalModelBackend"}


def test_a_failed_login_records_the_name_tried_even_when_no_such_account(client, enterprise_user):
    client.post(reverse("login"), {"username": "ent_user", "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert list(SecurityEvent.objects.filter(kind=Kind.LOGIN_FAILED).values_list("username", "user")) == [
        ("nobody", None),
        ("ent_user", None),
    ]


def test_a_lockout_is_recorded(client, enterprise_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(reverse("login"), {"username": "ent_user", "password": "wrong"})
    event = only(Kind.LOCKOUT)
    assert event.username == "ent_user" and event.details == {"ip": "127.0.0.1"}


def test_a_logout_is_recorded(client, enterprise_user):
    client.force_login(enterprise_user)
    client.post(reverse("logout"))
    assert only(Kind.LOGOUT).user == enterprise_user


def test_a_password_change_is_recorded(client, enterprise_user):
    client.force_login(enterprise_user)
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "another-pass-2027", "new_password2": "another-pass-2027"},
    )
    assert only(Kind.PASSWORD_CHANGED).user == enterprise_user


def test_a_password_reset_is_recorded(client, enterprise_user):
    uid = urlsafe_base64_encode(force_bytes(enterprise_user.pk))
    token = default_token_generator.make_token(enterprise_user)
    form = client.get(reverse("password_reset_confirm", args=[uid, token]), follow=True)
    new = "another-pass-2027"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert only(Kind.PASSWORD_RESET).user == enterprise_user


def test_token_issue_and_revoke_are_recorded(client, enterprise_user):
    client.force_login(enterprise_user)
    client.post(reverse("tokens"), {"name": "对接"})
    token = ApiToken.objects.get(user=enterprise_user)
    client.post(reverse("token_revoke", args=[token.pk]))
    assert list(SecurityEvent.objects.filter(target=token.prefix).order_by("id").values_list("kind", flat=True)) == [
        Kind.TOKEN_ISSUED,
        Kind.TOKEN_REVOKED,
    ]


def test_a_claim_approval_is_recorded_with_the_official(district_official, enterprise):
    claim = EnterpriseMembershipFactory(
        enterprise=enterprise, user__username="claimant", status="claimed", authorisation_letter="claims/l.pdf"
    )
    claim_approve(actor=district_official, membership_id=claim.pk)
    event = only(Kind.CLAIM_APPROVED)
    assert (event.user, event.actor, event.target) == (claim.user, district_official, enterprise.credit_code)
    assert event.details["decided_as"] == "official"


def test_role_changes_are_recorded_with_who_made_them(admin_user_persona):
    user = UserFactory(username="promoted")
    group = Group.objects.create(name="审核员")
    permission = Permission.objects.get(codename="view_securityevent")
    with history_context(actor=admin_user_persona):
        user.groups.add(group)
        user.user_permissions.add(permission)
        group.permissions.add(permission)
        user.is_staff = True
        user.save()
    user.last_login = None
    user.save(update_fields=["last_login"])  # not a role change
    events = list(SecurityEvent.objects.filter(kind=Kind.ROLE_CHANGED).exclude(user=admin_user_persona).order_by("id"))
    assert [event.details for event in events] == [
        {"groups": {"action": "add", "items": ["审核员"]}},
        {"permissions": {"action": "add", "items": [str(permission)]}},
        {"permissions": {"action": "add", "items": [str(permission)]}},
        {"flags": {"is_staff": [False, True]}},
    ]
    assert {event.actor for event in events} == {admin_user_persona}
    assert events[2].target == "group:审核员" and events[2].user is None
    assert [event.user for event in events if event.user] == [user, user, user]


def test_granting_changing_and_removing_a_membership_role_is_recorded(client, admin_user_persona, district):
    """The portal's roles are membership rows (enterprises.roles): making someone a city official in the admin,
    moving them to a district and removing the role are role changes, with the administrator who made them."""
    user = UserFactory(username="new_official")
    client.force_login(admin_user_persona)
    add = client.post(reverse("admin:enterprises_officialmembership_add"), {"user": user.pk, "district": ""})
    assert add.status_code == 302
    membership = OfficialMembership.objects.get(user=user)
    change_url = reverse("admin:enterprises_officialmembership_change", args=[membership.pk])
    assert client.post(change_url, {"user": user.pk, "district": district.pk}).status_code == 302
    delete_url = reverse("admin:enterprises_officialmembership_delete", args=[membership.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    events = list(SecurityEvent.objects.filter(kind=Kind.ROLE_CHANGED, target="officialmembership").order_by("id"))
    assert [event.details["officialmembership"]["action"] for event in events] == ["add", "change", "remove"]
    assert events[1].details["officialmembership"]["changes"] == {"district_id": [None, district.pk]}
    assert {event.actor for event in events} == {admin_user_persona}
    assert [event.username for event in events] == ["new_official"] * 3
    # Deleting the user removes its membership first: the event names the account, nothing dangles.
    DepartmentMembershipFactory(user=user)
    user.delete()
    removed = SecurityEvent.objects.filter(target="departmentmembership").latest("id")
    assert removed.details["departmentmembership"]["action"] == "remove" and removed.username == "new_official"


def test_an_enterprise_account_made_its_administrator_is_recorded(enterprise):
    membership = EnterpriseMembershipFactory(enterprise=enterprise, user__username="staff", is_admin=False)
    membership.is_admin = True
    membership.save()
    membership.contact_phone = "13800000000"
    membership.save()  # not a role change
    changes = [event.details["enterprisemembership"].get("changes") for event in SecurityEvent.objects.order_by("id")]
    assert changes == [
        {"enterprise_id": [None, enterprise.pk], "status": [None, "verified"], "is_admin": [None, False]},
        {"is_admin": [False, True]},
    ]


def test_a_password_set_by_an_administrator_is_recorded_as_a_reset_by_them(client, admin_user_persona, enterprise_user):
    url = reverse("admin:auth_user_password_change", args=[enterprise_user.pk])
    client.force_login(admin_user_persona)
    new = "admin-set-pass-2027"
    assert client.post(url, {"password1": new, "password2": new, "usable_password": "true"}).status_code == 302
    enterprise_user.refresh_from_db()
    assert enterprise_user.check_password(new)
    event = only(Kind.PASSWORD_RESET)
    assert (event.user, event.actor, event.details) == (
        enterprise_user,
        admin_user_persona,
        {"by": "admin", "usable_password": True},
    )
    assert client.post(url, {"password1": "x", "password2": "y", "usable_password": "true"}).status_code == 200
    assert SecurityEvent.objects.filter(kind=Kind.PASSWORD_RESET).count() == 1  # a refused form records nothing


def test_a_token_revoked_by_the_administrator_is_recorded(client, admin_user_persona, enterprise_user):
    token, _key = ApiToken.issue(enterprise_user, name="对接")
    client.force_login(admin_user_persona)
    assert client.post(reverse("admin:smeportal_apitoken_delete", args=[token.pk]), {"post": "yes"}).status_code == 302
    other, _key = ApiToken.issue(enterprise_user, name="另一个")
    changelist = client.post(
        reverse("admin:smeportal_apitoken_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert changelist.status_code == 302 and not ApiToken.objects.exists()
    events = SecurityEvent.objects.filter(kind=Kind.TOKEN_REVOKED).order_by("id")
    assert [(e.target, e.user, e.actor) for e in events] == [
        (token.prefix, enterprise_user, admin_user_persona),
        (other.prefix, enterprise_user, admin_user_persona),
    ]


def test_creating_a_superuser_is_a_role_change():
    UserFactory(username="root", is_staff=True, is_superuser=True)
    assert only(Kind.ROLE_CHANGED).details == {"flags": {"is_staff": [None, True], "is_superuser": [None, True]}}


def test_an_export_records_who_what_filters_and_rows(enterprise_user):
    request = RequestFactory().get("/somewhere/export/", {"year": "2026", "district": "510703"})
    request.user = enterprise_user
    rows = Counted(iter([[1], [2], [3]]))
    assert list(rows) == [[1], [2], [3]]
    record_export(request, what="example", rows=rows.count)
    event = only(Kind.EXPORT)
    assert (event.user, event.target) == (enterprise_user, "example")
    assert event.details == {"path": "/somewhere/export/", "filters": {"year": "2026", "district": "510703"}, "rows": 3}


def test_events_are_append_only(enterprise_user):
    event = record_security_event(Kind.LOGIN, user=enterprise_user)
    event.target = "changed"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_the_admin_reads_the_log_but_cannot_change_it(client, admin_user_persona):
    record_security_event(Kind.LOGIN, user=admin_user_persona)
    client.force_login(admin_user_persona)
    assert client.get(reverse("admin:smeportal_securityevent_changelist")).status_code == 200
    assert client.get(reverse("admin:smeportal_securityevent_add")).status_code == 403
    event = SecurityEvent.objects.first()
    client.post(reverse("admin:smeportal_securityevent_delete", args=[event.pk]), {"post": "yes"})
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
