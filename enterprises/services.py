from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .creditcode import is_valid_credit_code, normalize_credit_code
from .models import District, Enterprise, EnterpriseMembership, IndustryCluster
from .roles import is_official
from .selectors import enterprises_visible_to


@transaction.atomic
def reference_data_load(*, districts: list[dict], clusters: list[dict]) -> dict[str, int]:
    """Upsert districts and clusters by code, keeping their order from the file. Idempotent."""
    District.objects.bulk_create(
        [District(sort_order=i, **row) for i, row in enumerate(districts)],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "kind", "sort_order"],
    )
    IndustryCluster.objects.bulk_create(
        [IndustryCluster(sort_order=i, **row) for i, row in enumerate(clusters)],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "industry_prefixes", "sort_order"],
    )
    return {"districts": len(districts), "clusters": len(clusters)}


# --- Accounts: enterprise self-registration and confirmation of pending enterprises -------------


class RegistrationError(Exception):
    """A registration the service refuses (bad input that slipped past the form, or a race)."""


class ConfirmationError(Exception):
    """A confirmation the enterprise's current state does not allow."""


@dataclass(frozen=True)
class EnterpriseRegistration:
    user: object
    enterprise: Enterprise
    enterprise_created: bool
    # Accounts that were already linked to the enterprise before this one.
    other_members: int


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
    """Create the user and link it to the enterprise with that credit code, in one transaction.

    A code found in the registry links to that record (other accounts of the same enterprise are
    allowed). An unknown code creates a pending enterprise (confirmed=False) under the chosen
    district, which that district's official confirms.
    """
    code = normalize_credit_code(credit_code)
    if not is_valid_credit_code(code):
        raise RegistrationError(_("统一社会信用代码无效。"))
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
            },
        )
    other_members = EnterpriseMembership.objects.filter(enterprise=enterprise).count()
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(username=username, email=email, password=password)
    except IntegrityError:
        raise RegistrationError(_("该用户名已被注册。")) from None
    if created:
        enterprise.created_by = user
        enterprise.save(update_fields=["created_by", "updated_at"])
    EnterpriseMembership.objects.create(
        user=user,
        enterprise=enterprise,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        created_by=user,
    )
    return EnterpriseRegistration(
        user=user, enterprise=enterprise, enterprise_created=created, other_members=other_members
    )


@transaction.atomic
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
