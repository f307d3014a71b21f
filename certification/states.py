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


# What each state means to the people who see it (the help page's table).
MEANINGS = {
    FilingState.DRAFT: _("企业正在填写，尚未提交；每一步保存后都可以继续修改。"),
    FilingState.SUBMITTED: _("已提交，等待所属区县审核。提交前可以撤回。"),
    FilingState.RETURNED: _("区县退回修改：按退回意见修改后在申报截止日前重新提交。"),
    FilingState.ON_SITE_CHECK: _("按规定须现场核查（如职工人数较少或首次申报等情形），区县核查后再作决定。"),
    FilingState.RECOMMENDED: _("区县审核通过并推荐，等待市级安排公示。"),
    FilingState.REJECTED: _("审核不予通过，理由见申报页面。"),
    FilingState.WITHDRAWN: _("企业已撤回申报；在申报期内可以重新开始填报。"),
    FilingState.UNDER_NOTICE: _("正在公示（10个工作日），公示期内任何人可实名提出异议。"),
    FilingState.REGISTERED: _("公示无异议，已入库登记并取得编号，有效期至评价年度12月31日。"),
    FilingState.REVOKED: _("入库登记已依程序撤销（告知、申辩、认定、公告）。"),
    FilingState.EXPIRED: _("入库登记有效期已满；每年须重新评价。"),
}
