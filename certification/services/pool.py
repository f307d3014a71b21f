"""Writes of the cultivation pool (培育库): membership and the officials' quick estimates.

Who: a district official for the enterprises their district manages, or a city official for all.
Anyone else, and an enterprise outside the actor's district, gets ``Http404`` (existence does not
leak). Each function is keyword-only, runs in one transaction and locks the enterprise row.
Bad input raises ``ValidationError`` (a dict of field → messages for the estimate)."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from certification.evaluation_input import EvaluationInputSerializer
from certification.models import PoolEstimate
from certification.rules import closeness, industry
from enterprises.models import Enterprise
from enterprises.selectors import enterprises_managed_by
from smeportal.history import history_reason


def _lock_enterprise(actor, enterprise_id) -> Enterprise:
    enterprise = enterprises_managed_by(actor).select_for_update().filter(pk=enterprise_id).first()
    if enterprise is None:
        raise Http404
    return enterprise


def _set_membership(actor, enterprise_id, value: bool) -> Enterprise:
    enterprise = _lock_enterprise(actor, enterprise_id)
    if value and enterprise.status != Enterprise.Status.OPERATING:
        raise ValidationError(_("只有存续状态的企业可以加入培育库。"))
    if enterprise.in_cultivation_pool != value:
        enterprise.in_cultivation_pool = value
        enterprise.updated_by = actor
        enterprise.save(update_fields=["in_cultivation_pool", "updated_by", "updated_at"])
    return enterprise


@transaction.atomic
@history_reason(gettext_lazy("纳入培育库"))
def pool_add(*, actor, enterprise_id: int) -> Enterprise:
    """Put an operating enterprise into the pool (idempotent); records who and when (updated_by/at)."""
    return _set_membership(actor, enterprise_id, True)


@transaction.atomic
@history_reason(gettext_lazy("移出培育库"))
def pool_remove(*, actor, enterprise_id: int) -> Enterprise:
    """Take an enterprise out of the pool (idempotent). Its estimate is kept for a later return."""
    return _set_membership(actor, enterprise_id, False)


def _messages(errors) -> list[str]:
    if isinstance(errors, Mapping):
        return [message for item in errors.values() for message in _messages(item)]
    if isinstance(errors, (list, tuple)):
        return [message for item in errors for message in _messages(item)]
    return [str(errors)]


@transaction.atomic
def pool_estimate_save(*, actor, enterprise_id: int, data: Mapping) -> PoolEstimate:
    """Create or replace the quick estimate of one enterprise and cache the engine's result.

    ``data`` has the calculator's fields (evaluation_year, the declared figures, the four
    condition flags, direct_paths); it is validated by the same serializer as the calculator and
    the public API (e.g. tech staff may not exceed total staff). A missing ``restricted_industry``
    defaults to :func:`certification.industry.is_restricted_industry` of the enterprise's industry.
    """
    enterprise = _lock_enterprise(actor, enterprise_id)
    payload = dict(data)
    if payload.get("restricted_industry") is None:
        payload["restricted_industry"] = industry.is_restricted_industry(
            enterprise.industry_section, enterprise.industry_code
        )
    serializer = EvaluationInputSerializer(data=payload)
    if not serializer.is_valid():
        raise ValidationError({name: _messages(errors) for name, errors in serializer.errors.items()})
    values = serializer.validated_data
    result = closeness.closeness(serializer.to_declaration(), gettext=gettext)

    estimate = PoolEstimate.objects.filter(enterprise=enterprise).first()
    if estimate is None:
        estimate = PoolEstimate(enterprise=enterprise, created_by=actor)
    for name, value in values.items():
        setattr(estimate, name, value)
    estimate.direct_paths = sorted(set(values["direct_paths"]))
    estimate.total_score = result.total_score
    estimate.eligible = result.eligible
    estimate.distance = result.distance
    estimate.computed_at = timezone.now()
    estimate.updated_by = actor
    estimate.save()
    return estimate
