"""The states of a filing and the groups of states the rules speak of, each defined once.

A model index, the workflow table, the services, the pages and the quota job all import these
groups; nothing else spells them out.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回修改")
    ON_SITE_CHECK = "on_site_check", _("现场核查")
    RECOMMENDED = "recommended", _("已推荐")
    REJECTED = "rejected", _("不予通过")
    WITHDRAWN = "withdrawn", _("已撤回")
    UNDER_NOTICE = "under_notice", _("公示中")
    REGISTERED = "registered", _("已入库")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已过期")


# The enterprise may still change the figures.
EDITABLE = (FilingState.DRAFT, FilingState.RETURNED)
# Waiting for the district's review: its work queue.
WAITING_FOR_REVIEW = (FilingState.SUBMITTED, FilingState.ON_SITE_CHECK)
# Before any decision: the enterprise may withdraw.
UNDECIDED = (*EDITABLE, *WAITING_FOR_REVIEW)
# Filed for the year: submitted at least once and not withdrawn.
FILED = tuple(state for state in FilingState if state not in (FilingState.DRAFT, FilingState.WITHDRAWN))
# Recommended by the district, whatever happened after.
RECOMMENDED_OR_LATER = (
    FilingState.RECOMMENDED,
    FilingState.UNDER_NOTICE,
    FilingState.REGISTERED,
    FilingState.REVOKED,
    FilingState.EXPIRED,
)
# Holding a registration that has not been revoked (valid or expired): a revocation may start.
HOLDING_REGISTRATION = (FilingState.REGISTERED, FilingState.EXPIRED)
