"""Writes of the cultivation pool (培育库): membership and the officials' quick estimates.

Who: a district official for the enterprises their district manages, or a city official for all.
Anyone else, and an enterprise outside the actor's district, gets ``Http404`` (existence does not
leak). Each function is keyword-only, runs in one transaction and locks the enterprise row.
Bad input raises ``ValidationError`` (a dict of field → messages for the estimate)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from certification.evaluation_input import EvaluationInputSerializer
from certification.models import Application, PoolEstimate
from certification.rules import closeness, industry
from certification.selectors.pool import pool_distance_now
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


# --- The pool's stored sort key (Enterprise.pool_distance) -------------------------------------------

# What decides which filing is an enterprise's latest and how far it is from eligibility. The state
# counts only as "withdrawn", and a withdrawal clears the submission date; the bulk transitions
# (publish, register, expire) change the state alone, so they leave the key as it is.
FILING_FIELDS_OF_DISTANCE = frozenset({"enterprise", "evaluation_year", "submitted_on", "snapshot"})


def pool_distances_refresh(enterprise_ids: Iterable[int]) -> int:
    """Store the pool's sort key of these enterprises (ids, or a query of them) as the database works it
    out from their filings and estimates (:func:`certification.selectors.pool.pool_distance_now`), in one
    UPDATE; returns how many enterprises were written."""
    return Enterprise.objects.filter(pk__in=enterprise_ids).update(pool_distance=pool_distance_now())


def _filing_saved(sender, instance: Application, update_fields=None, **kwargs) -> None:
    if update_fields is None or FILING_FIELDS_OF_DISTANCE & set(update_fields):
        pool_distances_refresh([instance.enterprise_id])


def _filing_deleted(sender, instance: Application, **kwargs) -> None:
    if instance.submitted_on is not None:  # a draft was never anyone's latest filing
        pool_distances_refresh([instance.enterprise_id])


def _estimate_changed(sender, instance: PoolEstimate, **kwargs) -> None:
    pool_distances_refresh([instance.enterprise_id])


def keep_pool_distances() -> None:
    """Keep ``Enterprise.pool_distance`` in step with every save and deletion of a filing or an estimate, in
    the same transaction, whichever code makes it (services, the admin, factories). Connected at start-up."""
    post_save.connect(_filing_saved, sender=Application, dispatch_uid="pool-distance-filing-saved")
    post_delete.connect(_filing_deleted, sender=Application, dispatch_uid="pool-distance-filing-deleted")
    for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
        signal.connect(_estimate_changed, sender=PoolEstimate, dispatch_uid=f"pool-distance-estimate-{uid}")
