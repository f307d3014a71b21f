"""The yearly evaluation campaign (RULES.md §3): its windows and deadlines, kept by city officials.

A year without a stored campaign runs on the national defaults (:func:`certification.rules.campaign.default_dates`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from certification.rules import campaign as rules
from certification.rules import on_site, spot_check
from smeportal.models import TrackedModel


def _validate_cutoffs(value) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("批次截止日期须为日期列表。"))
    for item in value:
        try:
            dt.date.fromisoformat(str(item))
        except ValueError as exc:
            raise ValidationError(_("批次截止日期格式不正确：%(value)s"), params={"value": item}) from exc


class EvaluationCampaign(TrackedModel):
    year = models.PositiveSmallIntegerField(_("评价年度"), unique=True)
    filing_opens = models.DateField(_("申报开始日期"))
    filing_closes = models.DateField(_("申报截止日期"), help_text=_("退回修改后重新提交也须在此日期前。"))
    batch_cutoffs = models.JSONField(
        _("批次截止日期"),
        default=list,
        blank=True,
        encoder=DjangoJSONEncoder,
        validators=[_validate_cutoffs],
        help_text=_("按月分批受理的各批截止日期（YYYY-MM-DD）。"),
    )
    notices_end_by = models.DateField(_("公示完成期限"), help_text=_("每一批公示都须在此日期前结束。"))
    spot_checks_due = models.DateField(_("抽查完成期限"))
    summary_due = models.DateField(_("年度总结报送期限"))
    registration_valid_until = models.DateField(
        _("入库登记有效期至"), help_text=_("该年度入库登记的有效期截止日；此后不再办理该年度的入库登记。")
    )
    award_window_years = models.PositiveSmallIntegerField(
        _("国家级科技奖励有效年限"), default=rules.AWARD_WINDOW_YEARS, help_text=_("评价年度及此前若干年内获奖有效。")
    )
    spot_check_share = models.DecimalField(
        _("抽查比例"),
        max_digits=4,
        decimal_places=3,
        default=rules.SPOT_CHECK_SHARE,
        validators=[
            MinValueValidator(spot_check.MIN_SHARE, message=_("抽查比例不能低于%(limit_value)s。")),
            MaxValueValidator(1),
        ],
        help_text=_("小数，例如0.05表示5%；不低于0.05（当年入库企业的5%）。"),
    )
    on_site_small_staff_max = models.PositiveSmallIntegerField(
        _("现场核查：职工总数不超过（人）"), default=on_site.SMALL_STAFF_MAX
    )
    on_site_high_tech_staff_min = models.PositiveSmallIntegerField(
        _("现场核查：职工总数不少于（人）"), default=on_site.HIGH_TECH_STAFF_MIN
    )
    on_site_high_tech_share_percent = models.PositiveSmallIntegerField(
        _("现场核查：科技人员占比不低于（%）"), default=on_site.HIGH_TECH_SHARE_PERCENT
    )
    on_site_revocation_lookback_years = models.PositiveSmallIntegerField(
        _("现场核查：近几年内曾被撤销"), default=on_site.REVOCATION_LOOKBACK_YEARS
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("评价工作安排")
        verbose_name_plural = _("评价工作安排")
        constraints = [
            models.CheckConstraint(condition=Q(filing_closes__gte=F("filing_opens")), name="campaign_filing_window"),
            models.CheckConstraint(
                condition=Q(registration_valid_until__gte=F("notices_end_by")),
                name="campaign_registration_after_notices",
            ),
            models.CheckConstraint(
                condition=Q(spot_check_share__gte=spot_check.MIN_SHARE, spot_check_share__lte=Decimal(1)),
                name="campaign_spot_check_share",
            ),
            models.CheckConstraint(
                condition=Q(on_site_high_tech_share_percent__lte=100), name="campaign_on_site_share_percent"
            ),
        ]

    def __str__(self):
        return str(self.year)

    @classmethod
    def for_year(cls, year: int) -> EvaluationCampaign:
        """The stored campaign of the year, or an unsaved one with the national defaults."""
        return cls.objects.filter(year=year).first() or cls.with_defaults(year)

    @classmethod
    def with_defaults(cls, year: int) -> EvaluationCampaign:
        dates = rules.default_dates(year)
        return cls(
            year=year,
            filing_opens=dates.filing_opens,
            filing_closes=dates.filing_closes,
            batch_cutoffs=[day.isoformat() for day in dates.batch_cutoffs],
            notices_end_by=dates.notices_end_by,
            spot_checks_due=dates.spot_checks_due,
            summary_due=dates.summary_due,
            registration_valid_until=dates.registration_valid_until,
        )

    @property
    def dates(self) -> rules.CampaignDates:
        return rules.CampaignDates(
            year=self.year,
            filing_opens=self.filing_opens,
            filing_closes=self.filing_closes,
            batch_cutoffs=tuple(sorted(dt.date.fromisoformat(str(day)) for day in self.batch_cutoffs or ())),
            notices_end_by=self.notices_end_by,
            spot_checks_due=self.spot_checks_due,
            summary_due=self.summary_due,
            registration_valid_until=self.registration_valid_until,
        )

    @property
    def on_site_thresholds(self) -> on_site.Thresholds:
        return on_site.Thresholds(
            small_staff_max=self.on_site_small_staff_max,
            high_tech_staff_min=self.on_site_high_tech_staff_min,
            high_tech_share_percent=self.on_site_high_tech_share_percent,
            revocation_lookback_years=self.on_site_revocation_lookback_years,
        )

    def clean(self):
        if self.filing_opens is None or self.filing_closes is None:
            return  # the missing date is the field's error
        try:
            dates = self.dates
        except (TypeError, ValueError):
            return  # a cut-off that is not a date: the field's validator says so
        wrong = rules.dates_out_of_order(dates)
        errors = {}
        for name, earlier in wrong.items():
            if name == "batch_cutoffs":
                errors[name] = _("批次截止日期须在申报开始日期与申报截止日期之间。")
            else:
                errors[name] = _("日期先后顺序不正确：不能早于{label}（{date}）。").format(
                    label=self._meta.get_field(earlier).verbose_name, date=getattr(self, earlier)
                )
        if errors:
            raise ValidationError(errors)
