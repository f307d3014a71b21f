"""The preconditions the workflow table re-checks when a transition happens (:mod:`certification.workflow`).

Each guard takes the locked filing and the day of the transition and raises
:class:`certification.workflow.TransitionError` with a message for the user when the transition may
not happen. Guards read; they never write.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from certification.errors import TransitionError
from certification.evaluation import evaluate_application
from certification.models import Application, Registration
from certification.rules import on_site
from smeportal.text import join_clauses, join_list


def enterprise_confirmed(application: Application, today: dt.date) -> None:
    """An enterprise the registry does not know yet files once its district has confirmed it."""
    if not application.enterprise.confirmed:
        raise TransitionError(_("贵企业尚未经所属区县确认，确认后方可提交申报。"))


def figures_complete(application: Application, today: dt.date) -> None:
    missing = application.missing_fields()
    if missing:
        labels = join_list(Application._meta.get_field(name).verbose_name for name in missing)
        raise TransitionError(_("以下申报数据尚未填写：{fields}。").format(fields=labels))


def self_evaluation_passes(application: Application, today: dt.date) -> None:
    """A filing whose self-evaluation fails cannot be submitted (RULES.md §3); the refusal carries the
    engine's reasons and gap so the enterprise sees what to change."""
    evaluation = evaluate_application(application, on=today)
    if not evaluation.eligible:
        raise TransitionError(
            _("自评未达到科技型中小企业评价条件，不能提交：{reasons}").format(
                reasons=join_clauses(reason.message for reason in evaluation.reasons)
            ),
            reasons=evaluation.reasons,
            gap=evaluation.gap,
        )


def on_site_grounds(application: Application, today: dt.date) -> list[str]:
    """Why RULES.md §3 requires an on-site check of this filing before recommendation (empty: not required)."""
    revoked_recently = Registration.objects.filter(
        enterprise_id=application.enterprise_id,
        revoked_at__isnull=False,
        revoked_at__date__gte=on_site.revocation_lookback_start(today),
    ).exists()
    return on_site.on_site_grounds(
        total_staff=application.total_staff,
        tech_staff=application.tech_staff,
        first_time_applicant=application.first_time_applicant,
        revoked_recently=revoked_recently,
    )


def on_site_check_passed_when_required(application: Application, today: dt.date) -> None:
    """A recommendation needs a passed on-site check when one was arranged or RULES.md §3 requires one."""
    checked = application.state == Application.State.ON_SITE_CHECK and application.on_site_checked_on is not None
    if checked and not application.on_site_check_passed:
        raise TransitionError(_("现场核查未通过，不能推荐。"))
    grounds = on_site_grounds(application, today)
    if grounds and not checked:
        raise TransitionError(
            _("该申报须先完成现场核查方可推荐（{reasons}）。").format(
                reasons=join_list(_(on_site.LABELS[code]) for code in grounds)
            )
        )
    if application.state == Application.State.ON_SITE_CHECK and not checked:
        raise TransitionError(_("请先登记现场核查结果。"))


def notice_over(application: Application, today: dt.date) -> None:
    """Registration follows the end of the public notice (the end day still belongs to the notice)."""
    batch = application.notice_batch
    if batch is None or not batch.published or batch.end_date >= today:
        raise TransitionError(_("公示期尚未结束，不能入库登记。"))
