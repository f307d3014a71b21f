"""Claims to act for an enterprise and their verification (see :class:`enterprises.models.EnterpriseMembership`).

Who decides:
- the enterprise's administrator (企业管理员: a verified account with ``is_admin``) approves or rejects
  the claims to the enterprise and removes its members;
- the officials of the enterprise's managing district, and city officials, approve a claim once its
  stamped authorisation letter (授权委托书) is uploaded, reject it, remove members and appoint another
  verified account administrator. The first verified account of an enterprise becomes its administrator,
  so its first claim always goes this way; an enterprise has at most one administrator.
Anyone else gets ``Http404``: a claim's existence does not leak. A decided claim cannot be decided again.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from enterprises.models import Enterprise, EnterpriseMembership
from enterprises.notifications import district_officials, tell, verified_members
from enterprises.roles import enterprise_membership, is_enterprise_admin
from enterprises.scoping import enterprise_scope
from smeportal.display import Message
from smeportal.errors import DomainError
from smeportal.history import history_context
from smeportal.models import SecurityEvent
from smeportal.security import record_security_event
from smeportal.uploads import check_upload

Status = EnterpriseMembership.Status
ADMIN = "admin"
OFFICIAL = "official"


class ClaimError(DomainError):
    """A claim or membership decision its current status does not allow."""


def decider_role(actor, membership: EnterpriseMembership) -> str | None:
    """``OFFICIAL`` for an official whose scope holds the enterprise, ``ADMIN`` for its administrator, else None."""
    scope = enterprise_scope(actor)
    if scope.is_official and scope.allows(
        enterprise_id=membership.enterprise_id, managing_district_id=membership.enterprise.managing_district_id
    ):
        return OFFICIAL
    if is_enterprise_admin(actor, membership.enterprise_id):
        return ADMIN
    return None


def _locked(membership_id: int, actor) -> tuple[EnterpriseMembership, str]:
    """The membership, locked for a decision, and the actor's role in it (``Http404`` when none).

    The enterprise's row is locked first (``FOR NO KEY UPDATE``: new claims and filings that refer to it are not
    held up), so the decisions on an enterprise's accounts, which read and change who its administrator is, run
    one at a time, each locking the enterprise before its memberships. An administrator's role is read again
    under that lock: one replaced a moment ago decides nothing more.
    """
    found = EnterpriseMembership.objects.select_related("enterprise").filter(pk=membership_id).first()
    role = decider_role(actor, found) if found is not None else None
    if role is None:
        raise Http404
    Enterprise.objects.select_for_update(no_key=True).only("pk").get(pk=found.enterprise_id)
    if role == ADMIN:
        still = EnterpriseMembership.objects.filter(user_id=actor.pk, enterprise_id=found.enterprise_id, is_admin=True)
        if not still.filter(status=Status.VERIFIED).exists():
            raise Http404
    membership = (
        EnterpriseMembership.objects.select_for_update(of=("self",))
        .select_related("enterprise", "user")
        .get(pk=membership_id)
    )
    return membership, role


def _decide(membership: EnterpriseMembership, actor, status: str, note: str, *, is_admin: bool = False) -> None:
    membership.status = status
    membership.is_admin = is_admin
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.decision_note = note.strip()[:500]
    membership.updated_by = actor
    membership.save(
        update_fields=["status", "is_admin", "decided_by", "decided_at", "decision_note", "updated_by", "updated_at"]
    )


def _subject(enterprise) -> Message:
    return Message(gettext_noop("【企业账号验证】{enterprise}"), enterprise=enterprise.name)


def _tell(membership: EnterpriseMembership, message: Message, link: str) -> None:
    person = [(membership.user_id, membership.user.email)]
    subject = _subject(membership.enterprise)
    transaction.on_commit(lambda: tell(person, subject, message, link))


def _tell_claimant(membership: EnterpriseMembership, message: Message) -> None:
    _tell(membership, message, reverse("claim_status"))


def claim_announce(claim_id: int) -> int:
    """Tell the enterprise's verified accounts of a new claim, and the district's officials when the
    enterprise has no administrator who could verify it. Returns the number of people told."""
    claim = EnterpriseMembership.objects.select_related("enterprise", "user").filter(pk=claim_id).first()
    if claim is None or claim.status != Status.CLAIMED:
        return 0
    enterprise = claim.enterprise
    subject = _subject(enterprise)
    message = Message(
        gettext_noop(
            "账号“{username}”（联系人：{contact}）申请代表本企业使用平台。如非本企业人员，请拒绝并联系所属区县。"
        ),
        username=claim.user.get_username(),
        contact=claim.contact_name or "—",
    )
    people = verified_members(enterprise.pk)
    tell(people, subject, message, reverse("enterprises:members"))
    has_admin = EnterpriseMembership.objects.filter(enterprise=enterprise, is_admin=True).exists()
    officials = [] if has_admin else district_officials(enterprise.managing_district_id)
    if officials:
        tell(officials, subject, message, reverse("enterprises:claims"))
    return len(people) + len(officials)


@transaction.atomic
def claim_letter_upload(*, actor, upload) -> EnterpriseMembership:
    """The claimant's stamped authorisation letter (PDF, JPG or PNG by content), replacing an earlier one."""
    own = enterprise_membership(actor)
    if own is None:
        raise Http404
    membership = EnterpriseMembership.objects.select_for_update().get(pk=own.pk)
    if membership.status != Status.CLAIMED:
        raise ClaimError(_("该账号的验证已经办结，无需再上传授权委托书。"))
    check_upload(upload)
    previous = membership.authorisation_letter.name
    membership.authorisation_letter_name = (getattr(upload, "name", "") or "")[-200:]
    membership.authorisation_letter.save(membership.authorisation_letter_name or "letter", upload, save=False)
    membership.updated_by = actor
    membership.save(update_fields=["authorisation_letter", "authorisation_letter_name", "updated_by", "updated_at"])
    if previous:
        storage = membership.authorisation_letter.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return membership


@transaction.atomic
def claim_approve(*, actor, membership_id: int, note: str = "") -> EnterpriseMembership:
    """Verify a claim. An official needs the uploaded letter; the enterprise's first verified account
    becomes its administrator (decided under the enterprise's lock, and one administrator per enterprise is
    a constraint of the database)."""
    membership, role = _locked(membership_id, actor)
    if membership.status != Status.CLAIMED:
        raise ClaimError(_("该申请已处理。"))
    if role == OFFICIAL and not membership.authorisation_letter:
        raise ClaimError(_("申请人尚未上传加盖公章的授权委托书，请核对后再验证。"))
    first = not EnterpriseMembership.objects.filter(enterprise_id=membership.enterprise_id, is_admin=True).exists()
    _decide(membership, actor, Status.VERIFIED, note, is_admin=first)
    record_security_event(
        SecurityEvent.Kind.CLAIM_APPROVED,
        user=membership.user,
        actor=actor,
        target=membership.enterprise.credit_code,
        details={"enterprise": membership.enterprise_id, "decided_as": role, "enterprise_admin": first},
    )
    _tell_claimant(
        membership,
        Message(
            gettext_noop("您的账号已通过验证，可以办理“{enterprise}”的各项事项。"),
            enterprise=membership.enterprise.name,
        ),
    )
    return membership


@transaction.atomic
def claim_reject(*, actor, membership_id: int, note: str) -> EnterpriseMembership:
    membership, _role = _locked(membership_id, actor)
    if membership.status != Status.CLAIMED:
        raise ClaimError(_("该申请已处理。"))
    if not (note or "").strip():
        raise ClaimError(_("请填写不予验证的理由。"))
    _decide(membership, actor, Status.REJECTED, note)
    _tell_claimant(membership, Message(gettext_noop("您的账号未通过验证：{note}"), note=note.strip()))
    return membership


@transaction.atomic
def member_remove(*, actor, membership_id: int, note: str = "") -> EnterpriseMembership:
    """Take a verified account's access away (it keeps its login, not the enterprise). An administrator
    cannot remove themselves: the district appoints another (:func:`member_appoint_admin`) or removes them.
    Removed by the district, the administrator leaves the enterprise without one: its next claim goes to the
    district, and the district may appoint one of its verified accounts."""
    membership, role = _locked(membership_id, actor)
    if membership.status != Status.VERIFIED:
        raise ClaimError(_("只能移除已验证的账号。"))
    if role == ADMIN and membership.user_id == actor.pk:
        raise ClaimError(_("企业管理员不能移除自己的账号，请联系所属区县。"))
    _decide(membership, actor, Status.REMOVED, note)
    _tell_claimant(
        membership,
        Message(gettext_noop("您的账号已不再代表“{enterprise}”。"), enterprise=membership.enterprise.name),
    )
    return membership


@transaction.atomic
def member_appoint_admin(*, actor, membership_id: int) -> EnterpriseMembership:
    """The managing district's official (or a city official: whoever decides the enterprise's claims) makes a
    verified account the enterprise's administrator in place of the current one, who stays a verified member.

    Both changes are role changes in the security log (:func:`smeportal.security.record_role_grants`), made by
    ``actor``; both accounts are told. The enterprise's own administrator appoints nobody (``Http404``, as for
    anyone outside the official's scope).
    """
    with history_context(actor=actor):
        membership, role = _locked(membership_id, actor)
        if role != OFFICIAL:
            raise Http404
        if membership.status != Status.VERIFIED:
            raise ClaimError(_("只能任命已验证的账号为企业管理员。"))
        if membership.is_admin:
            raise ClaimError(_("该账号已是企业管理员。"))
        previous = list(
            EnterpriseMembership.objects.select_for_update(of=("self",))
            .select_related("enterprise", "user")
            .filter(enterprise_id=membership.enterprise_id, is_admin=True)
        )
        for admin in previous:  # first: the database holds one administrator per enterprise
            admin.is_admin = False
            admin.updated_by = actor
            admin.save(update_fields=["is_admin", "updated_by", "updated_at"])
        membership.is_admin = True
        membership.updated_by = actor
        membership.save(update_fields=["is_admin", "updated_by", "updated_at"])
    enterprise = membership.enterprise.name
    _tell(
        membership,
        Message(gettext_noop("您的账号已被任命为“{enterprise}”的企业管理员。"), enterprise=enterprise),
        reverse("enterprises:members"),
    )
    for admin in previous:
        _tell(
            admin,
            Message(
                gettext_noop("“{enterprise}”的企业管理员已改由账号“{username}”担任，您的账号仍可办理本企业事项。"),
                enterprise=enterprise,
                username=membership.user.get_username(),
            ),
            reverse("home"),
        )
    return membership
