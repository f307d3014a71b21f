"""The preconditions the workflow table re-checks when a transition happens (:mod:`certification.workflow`).

Each guard takes the locked filing and the :class:`Moment` of the transition and raises
:class:`certification.errors.TransitionError` with a message for the user when the transition may not
happen. Guards read; they never write. A bulk transition shares one moment, so what a guard reads per
year (the campaign) is read once, not once per filing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from certification import registry_facts, rules
from certification.errors import TransitionError
from certification.evaluation import DIRECT_PATH_EVIDENCE, evaluate_application
from certification.models import Application, EvaluationCampaign, Registration
from certification.rules import on_site
from certification.rules.registration import FRAUD_BAN_YEARS
from certification.selectors.campaign import campaign_for
from smeportal.text import join_clauses, join_list


@dataclass
class Moment:
    """The day a transition happens, and the campaigns its guards have read so far. A bulk transition may
    give the bans of all its filings, read at once (:func:`ban_refusals`), instead of one read per filing."""

    today: dt.date
    campaigns: dict[int, EvaluationCampaign] = field(default_factory=dict)
    bans: Mapping[int | None, str] | None = None

    def campaign(self, year: int) -> EvaluationCampaign:
        if year not in self.campaigns:
            self.campaigns[year] = campaign_for(year)
        return self.campaigns[year]


def not_banned(application: Application, moment: Moment) -> None:
    """A revoked enterprise files nothing for the year of its revocation; one revoked for fraud, nothing
    for that year and the ``FRAUD_BAN_YEARS`` after it (RULES.md §3). Re-checked at every submission and on
    the officials' way to registration: a draft made, or a filing recommended, before a revocation is not a
    way round it."""
    bans = ban_refusals([application]) if moment.bans is None else moment.bans
    refusal = bans.get(application.pk)
    if refusal:
        raise TransitionError(refusal)


def ban_refusals(applications: Iterable[Application]) -> dict[int | None, str]:
    """Why each of ``applications`` whose enterprise is barred from filing for its year is refused, by the
    filing's id; one query for all of them (it runs at every draft save, and for a whole notice batch)."""
    applications = list(applications)
    revocations = defaultdict(list)
    rows = Registration.objects.filter(
        enterprise_id__in={application.enterprise_id for application in applications}, revoked_at__isnull=False
    ).values_list("enterprise_id", "revoked_at__year", "revocation_grounds")
    for enterprise_id, year, grounds in rows:
        revocations[enterprise_id].append((year, grounds))
    refusals = {}
    for application in applications:
        year = application.evaluation_year
        barring_years = {
            revoked
            for revoked, grounds in revocations[application.enterprise_id]
            if revoked == year or (grounds == Registration.Grounds.FRAUD and revoked >= year - FRAUD_BAN_YEARS)
        }
        if year in barring_years:
            refusals[application.pk] = _("该企业本年度已被撤销入库登记，当年不得再次申报。")
        elif barring_years:
            refusals[application.pk] = _("该企业因弄虚作假被撤销入库登记，{years}年内不得申报。").format(
                years=FRAUD_BAN_YEARS
            )
    return refusals


def filing_window_open(application: Application, moment: Moment) -> None:
    """Filing, submitting and resubmitting happen within the year's campaign window (RULES.md §3)."""
    dates, today = moment.campaign(application.evaluation_year).dates, moment.today
    if today < dates.filing_opens:
        raise TransitionError(
            _("{year}年度评价申报将于{date}开始，届时方可填报和提交。").format(
                year=dates.year, date=dates.filing_opens.isoformat()
            )
        )
    if today > dates.filing_closes:
        raise TransitionError(
            _("{year}年度评价申报已于{date}截止。").format(year=dates.year, date=dates.filing_closes.isoformat())
        )


def registration_window_open(application: Application, moment: Moment) -> None:
    """A registration of a year is made while that year's registrations are valid, never after."""
    valid_until = moment.campaign(application.evaluation_year).registration_valid_until
    if moment.today > valid_until:
        raise TransitionError(
            _("{year}年度入库登记已于{date}截止。").format(
                year=application.evaluation_year, date=valid_until.isoformat()
            )
        )


def enterprise_confirmed(application: Application, moment: Moment) -> None:
    """An enterprise the registry does not know yet files once its district has confirmed it."""
    if not application.enterprise.confirmed:
        raise TransitionError(_("贵企业尚未经所属区县确认，确认后方可提交申报。"))


def figures_complete(application: Application, moment: Moment) -> None:
    missing = application.missing_fields()
    if missing:
        labels = join_list(Application._meta.get_field(name).verbose_name for name in missing)
        raise TransitionError(_("以下申报数据尚未填写：{fields}。").format(fields=labels))


def direct_path_evidence_valid(application: Application, moment: Moment) -> None:
    """Every claimed direct path carries its evidence, valid on the day of submission
    (:mod:`certification.rules.evidence`; the award and standard window is the year's campaign's). After
    the self-evaluation: a filing eligible by its score does not keep a claim its evidence does not bear."""
    window = moment.campaign(application.evaluation_year).award_window_years
    problems = application.direct_path_problems(on=moment.today, award_window_years=window)
    if problems:
        raise TransitionError(
            _("直接确认条件的证明材料不符合要求，请补正或取消勾选：{problems}").format(
                problems=join_clauses(problems.values())
            ),
            reasons=[rules.Reason(DIRECT_PATH_EVIDENCE, message) for message in problems.values()],
        )


def declaration_matches_registry(application: Application, moment: Moment) -> None:
    """What the register establishes (restricted industry, abnormal-operations or serious-dishonesty list)
    is declared: a filing that contradicts it is neither submitted nor recommended, whenever the register
    learnt it (:mod:`certification.rules.registry`)."""
    names = registry_facts.contradictions(application)
    if names:
        raise TransitionError(
            registry_facts.contradiction_message(registry_facts.facts_of(application.enterprise), names)
        )


def self_evaluation_passes(application: Application, moment: Moment) -> None:
    """A filing whose self-evaluation fails cannot be submitted (RULES.md §3); the refusal carries the
    engine's reasons and gap so the enterprise sees what to change."""
    evaluation = evaluate_application(application, on=moment.today)
    if not evaluation.eligible:
        raise TransitionError(
            _("自评未达到科技型中小企业评价条件，不能提交：{reasons}").format(
                reasons=join_clauses(reason.message for reason in evaluation.reasons)
            ),
            reasons=evaluation.reasons,
            gap=evaluation.gap,
        )


def on_site_grounds(application: Application, today: dt.date, campaign: EvaluationCampaign | None = None) -> list[str]:
    """Why RULES.md §3 requires an on-site check of this filing before recommendation (empty: not required)."""
    thresholds = (campaign or campaign_for(application.evaluation_year)).on_site_thresholds
    revoked_recently = Registration.objects.filter(
        enterprise_id=application.enterprise_id,
        revoked_at__isnull=False,
        revoked_at__date__gte=on_site.revocation_lookback_start(today, thresholds),
    ).exists()
    return on_site.on_site_grounds(
        total_staff=application.total_staff,
        tech_staff=application.tech_staff,
        first_time_applicant=application.first_time_applicant,
        revoked_recently=revoked_recently,
        thresholds=thresholds,
    )


def on_site_check_passed_when_required(application: Application, moment: Moment) -> None:
    """A recommendation needs a passed on-site check when one was arranged or RULES.md §3 requires one."""
    checked = application.state == Application.State.ON_SITE_CHECK and application.on_site_checked_on is not None
    if checked and not application.on_site_check_passed:
        raise TransitionError(_("现场核查未通过，不能推荐。"))
    grounds = on_site_grounds(application, moment.today, moment.campaign(application.evaluation_year))
    if grounds and not checked:
        raise TransitionError(
            _("该申报须先完成现场核查方可推荐（{reasons}）。").format(
                reasons=join_list(_(on_site.LABELS[code]) for code in grounds)
            )
        )
    if application.state == Application.State.ON_SITE_CHECK and not checked:
        raise TransitionError(_("请先登记现场核查结果。"))


def notice_over(application: Application, moment: Moment) -> None:
    """Registration follows the end of the public notice (the end day still belongs to the notice)."""
    batch = application.notice_batch
    if batch is None or not batch.published or batch.end_date >= moment.today:
        raise TransitionError(_("公示期尚未结束，不能入库登记。"))
