"""Enterprise accounts: a claim on an enterprise by its credit code (at self-registration, or later by a signed-in
account without a role), and the district's confirmation of an enterprise the registry does not know yet."""

from dataclasses import dataclass
from datetime import date
from functools import partial

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.creditcode import is_valid_credit_code, normalize_credit_code
from enterprises.models import Enterprise, EnterpriseMembership
from enterprises.roles import MEMBERSHIPS, is_official
from enterprises.selectors import enterprises_visible_to
from enterprises.services.claims import claim_announce
from smeportal.errors import DomainError
from smeportal.history import history_reason


class RegistrationError(DomainError):
    """A registration or claim the service refuses (bad input that slipped past the form, an account that
    already holds a role, or a race)."""


class ConfirmationError(Exception):
    """A confirmation the enterprise's current state does not allow."""


@dataclass(frozen=True)
class EnterpriseClaim:
    enterprise: Enterprise
    enterprise_created: bool
    claim: EnterpriseMembership


@dataclass(frozen=True)
class EnterpriseRegistration:
    user: object
    enterprise: Enterprise
    enterprise_created: bool
    claim: EnterpriseMembership


def may_claim(user) -> bool:
    """A signed-in account without any role: no membership (of an enterprise, a claim included; an official's; a
    department's) and no staff flag. Only such an account claims an enterprise."""
    if not user.is_authenticated or user.is_staff or user.is_superuser:
        return False
    for name in MEMBERSHIPS:
        try:
            getattr(user, name)
        except ObjectDoesNotExist:
            continue
        return False
    return True


@transaction.atomic
def enterprise_claim(
    *,
    user,
    credit_code: str,
    company_name: str,
    contact_name: str,
    contact_phone: str,
    managing_district_id: int | None = None,
    established_on: date | None = None,
) -> EnterpriseClaim:
    """``user`` claims to act for the enterprise with that credit code: at self-registration, or later on the claim
    page by a signed-in account without any role (an account of the identity provider).

    A claim gives no access until it is verified (:mod:`enterprises.services.claims`): a credit code is
    public, so naming one proves nothing. A code found in the registry claims that record; an unknown
    code creates a pending enterprise (confirmed=False) under the chosen district, which that
    district's official confirms. The enterprise's verified accounts are told of every new claim, and
    the district's officials when the enterprise has no administrator to verify it.
    """
    code = normalize_credit_code(credit_code)
    if not is_valid_credit_code(code):
        raise RegistrationError(_("统一社会信用代码无效。"))
    # Locked and read afresh: the same account claiming twice at once makes one claim.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not may_claim(user):
        raise RegistrationError(_("该账号已有企业认领或其他角色，不能再认领企业。"))
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    created = False
    if enterprise is None:
        if managing_district_id is None or established_on is None:
            raise RegistrationError(_("登记数据中没有该信用代码的企业，请选择所属区县并填写成立日期。"))
        enterprise, created = Enterprise.objects.get_or_create(
            credit_code=code,
            defaults={
                "name": company_name.strip(),
                "managing_district_id": managing_district_id,
                "established_on": established_on,
                "confirmed": False,
                "created_by": user,
            },
        )
    claim = EnterpriseMembership.objects.create(
        user=user,
        enterprise=enterprise,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        status=EnterpriseMembership.Status.CLAIMED,
        created_by=user,
    )
    transaction.on_commit(partial(claim_announce, claim.pk))
    return EnterpriseClaim(enterprise=enterprise, enterprise_created=created, claim=claim)


@transaction.atomic
def enterprise_user_register(
    *,
    username: str,
    password: str,
    email: str,
    credit_code: str,
    company_name: str,
    contact_name: str,
    contact_phone: str,
    managing_district_id: int | None = None,
    established_on: date | None = None,
) -> EnterpriseRegistration:
    """Create the user and its claim (:func:`enterprise_claim`) in one transaction: a refused claim creates no
    account."""
    if not is_valid_credit_code(normalize_credit_code(credit_code)):
        raise RegistrationError(_("统一社会信用代码无效。"))
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(username=username, email=email, password=password)
    except IntegrityError:
        raise RegistrationError(_("该用户名已被注册。")) from None
    claimed = enterprise_claim(
        user=user,
        credit_code=credit_code,
        company_name=company_name,
        contact_name=contact_name,
        contact_phone=contact_phone,
        managing_district_id=managing_district_id,
        established_on=established_on,
    )
    return EnterpriseRegistration(
        user=user, enterprise=claimed.enterprise, enterprise_created=claimed.enterprise_created, claim=claimed.claim
    )


@transaction.atomic
@history_reason(gettext_lazy("确认企业"))
def enterprise_confirm(*, enterprise_id: int, actor) -> Enterprise:
    """A district official (or a city official) confirms a self-registered enterprise in scope.

    Outside the actor's scope, or for actors who are not officials, raises Enterprise.DoesNotExist
    (the views answer 404, so existence does not leak).
    """
    if not is_official(actor):
        raise Enterprise.DoesNotExist
    enterprise = enterprises_visible_to(actor).select_for_update(of=("self",)).get(pk=enterprise_id)
    if enterprise.confirmed:
        raise ConfirmationError(_("该企业已确认，无需重复操作。"))
    enterprise.confirmed = True
    enterprise.updated_by = actor
    enterprise.save(update_fields=["confirmed", "updated_by", "updated_at"])
    return enterprise
