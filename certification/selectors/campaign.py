"""The campaigns in force: a year's campaign (stored, or the national defaults) and the years open to filing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from certification.models import EvaluationCampaign
from certification.rules.workdays import working_days_left
from certification.selectors.calendar import calendar_overrides_for


def campaign_for(year: int) -> EvaluationCampaign:
    return EvaluationCampaign.for_year(year)


def campaigns_for(years: Iterable[int]) -> dict[int, EvaluationCampaign]:
    """The campaigns of several years in one query (defaults for the years without one)."""
    years = set(years)
    stored = {campaign.year: campaign for campaign in EvaluationCampaign.objects.filter(year__in=years)}
    return {year: stored.get(year) or EvaluationCampaign.with_defaults(year) for year in years}


def open_evaluation_years(today: dt.date) -> list[int]:
    """The evaluation years whose filing window contains ``today`` (normally this year's, in season)."""
    candidates = campaigns_for(range(today.year - 1, today.year + 2))
    return sorted(year for year, campaign in candidates.items() if campaign.dates.filing_open_on(today))


def filing_campaign(today: dt.date) -> EvaluationCampaign:
    """The campaign an enterprise files under today: the open one, else this calendar year's (whose window
    then tells when filing opens or when it closed). One query."""
    candidates = campaigns_for(range(today.year - 1, today.year + 2))
    open_now = [campaign for campaign in candidates.values() if campaign.dates.filing_open_on(today)]
    return max(open_now, key=lambda campaign: campaign.year) if open_now else candidates[today.year]


def filing_year(today: dt.date) -> int:
    return filing_campaign(today).year


@dataclass(frozen=True)
class Deadline:
    """A date the user must act by, with the working days left, for the pages that show it."""

    label: str
    day: dt.date
    working_days_left: int

    @property
    def passed(self) -> bool:
        return self.working_days_left == 0


def deadline(label: str, day: dt.date, today: dt.date) -> Deadline:
    return deadlines([(label, day)], today)[0]


def deadlines(dated: Iterable[tuple[str, dt.date]], today: dt.date) -> list[Deadline]:
    """Each (label, day) as a :class:`Deadline`, the calendar overrides read once for them all."""
    dated = list(dated)
    last_year = max([today.year, *(day.year for _label, day in dated)])
    overrides = calendar_overrides_for(range(today.year, last_year + 1))
    return [
        Deadline(label=label, day=day, working_days_left=working_days_left(today, day, overrides))
        for label, day in dated
    ]


def campaign_deadlines(campaign: EvaluationCampaign, today: dt.date) -> list[Deadline]:
    """The campaign's dates still ahead (today included), soonest first: what city officials count down to."""
    dates = campaign.dates
    dated = [
        (_("申报开始"), dates.filing_opens),
        (_("申报截止"), dates.filing_closes),
        (_("公示完成期限"), dates.notices_end_by),
        (_("抽查完成期限"), dates.spot_checks_due),
        (_("年度总结报送期限"), dates.summary_due),
    ]
    return deadlines(
        sorted(((label, day) for label, day in dated if day is not None and day >= today), key=lambda item: item[1]),
        today,
    )


def filing_deadline(campaign: EvaluationCampaign, today: dt.date) -> Deadline | None:
    """When this year's filing closes (while it is open) or opens (before); None once it has closed."""
    dates = campaign.dates
    if today < dates.filing_opens:
        return deadline(_("申报开始"), dates.filing_opens, today)
    if today <= dates.filing_closes:
        return deadline(_("申报截止"), dates.filing_closes, today)
    return None
