"""Reads of filings, scoped by the one primitive (:func:`enterprises.scoping.enterprise_scope`).

Officials see the filings of their scope once they have been submitted; a draft that was never
submitted is the enterprise's own business (the review pages, the API, attachments and every
transition agree, because they all ask this module).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.db.models import IntegerField, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.translation import gettext

from certification.models import Application, ApplicationAttachment, IntellectualProperty, RDProject
from certification.rules import claims
from enterprises.roles import is_unconfirmed_enterprise_user
from enterprises.scoping import EnterpriseScope, enterprise_scope
from smeportal.history_read import object_history
from smeportal.models import ChangeRecord


def snapshot_score(prefix: str = "") -> Cast:
    """The self-assessed total score frozen in a filing's snapshot at submission, as a database integer."""
    return Cast(KT(f"{prefix}snapshot__evaluation__total_score"), IntegerField())


# A filing's JSON, the submission's snapshot the largest: lists show none of it, so they leave it unread.
FILING_JSON = ("snapshot", "staff_quarters", "direct_paths")


def applications_visible_to(user) -> QuerySet[Application]:
    """City officials: every submitted filing; district officials: their district's; enterprise users:
    all of their own enterprise's, drafts included; anyone else: none."""
    scope = enterprise_scope(user)
    qs = Application.objects.select_related("enterprise__managing_district").filter(
        scope.q("enterprise", district="managing_district")
    )
    if scope.is_official:
        qs = qs.filter(submitted_on__isnull=False)
    return qs


def filing_visible_to(scope: EnterpriseScope, application: Application) -> bool:
    """The rule of :func:`applications_visible_to` for one filing in hand."""
    if not scope.allows(enterprise_id=application.enterprise_id, managing_district_id=application.managing_district_id):
        return False
    return not scope.is_official or application.submitted_on is not None


def attachments_visible_to(user) -> QuerySet[ApplicationAttachment]:
    """The documents of the filings the user sees; an enterprise pending confirmation downloads none."""
    if is_unconfirmed_enterprise_user(user):
        return ApplicationAttachment.objects.none()
    return ApplicationAttachment.objects.filter(application__in=applications_visible_to(user).values("pk"))


def filing_history(user, application_id: int) -> QuerySet[ChangeRecord]:
    """The change history of a filing the user sees (Http404 otherwise), with its IP items, R&D projects,
    documents, registration and revocation procedures, newest first."""
    if not applications_visible_to(user).filter(pk=application_id).exists():
        raise Http404
    return object_history(Application, application_id)


def claim_flags(
    application: Application,
    *,
    ip_items: Iterable[IntellectualProperty],
    rd_projects: Iterable[RDProject],
    attachments: Iterable[ApplicationAttachment],
) -> list[claims.Flag]:
    """The filing's claims that its lists do not bear out (:mod:`certification.rules.claims`), with their
    messages translated; the lists are the ones the page shows, so this reads nothing more."""
    counted = [item.ip_class for item in ip_items if item.counts]
    listed = claims.Listed(
        class1_items=counted.count(1),
        class2_items=counted.count(2),
        rd_projects=len(list(rd_projects)),
        attachment_kinds=frozenset(attachment.kind for attachment in attachments),
    )
    flags = claims.unsupported_claims(
        class1_ip=application.class1_ip,
        class2_ip=application.class2_ip,
        rd_expense=application.rd_expense,
        direct_paths=application.direct_paths or (),
        listed=listed,
    )
    return [dataclasses.replace(flag, message=gettext(flag.message).format(**flag.params)) for flag in flags]
