"""The cultivation pool's (培育库) quick estimates of a candidate's figures."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certification import rules
from certification.models.filing_fields import (
    DECLARED_COUNT_FIELDS,
    DECLARED_FLAG_FIELDS,
    DECLARED_NUMBER_FIELDS,
    MONEY_DIGITS,
    NOT_NEGATIVE,
    STAFF_DIGITS,
)
from enterprises.models import Enterprise
from smeportal.models import TrackedModel


class PoolEstimate(TrackedModel):
    """Officials' quick estimate of a cultivation-pool (培育库) candidate's figures.

    The engine's result is cached (total_score, eligible, distance) so the pool list sorts in the
    database; :func:`certification.pool_services.pool_estimate_save` keeps it in step with the
    figures. The distance is :func:`certification.closeness.distance_of` (0 when eligible).
    """

    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="pool_estimate"
    )
    evaluation_year = models.PositiveSmallIntegerField(_("评价年度"))
    total_staff = models.DecimalField(
        _("职工总数（人）"), max_digits=STAFF_DIGITS, decimal_places=2, validators=NOT_NEGATIVE
    )
    tech_staff = models.DecimalField(
        _("科技人员数（人）"), max_digits=STAFF_DIGITS, decimal_places=2, validators=NOT_NEGATIVE
    )
    sales_revenue = models.DecimalField(
        _("销售收入（万元）"), max_digits=MONEY_DIGITS, decimal_places=2, validators=NOT_NEGATIVE
    )
    total_costs = models.DecimalField(
        _("成本费用支出总额（万元）"), max_digits=MONEY_DIGITS, decimal_places=2, validators=NOT_NEGATIVE
    )
    rd_expense = models.DecimalField(
        _("研发费用总额（万元）"), max_digits=MONEY_DIGITS, decimal_places=2, validators=NOT_NEGATIVE
    )
    total_assets = models.DecimalField(
        _("资产总额（万元）"), max_digits=MONEY_DIGITS, decimal_places=2, validators=NOT_NEGATIVE
    )
    class1_ip = models.PositiveIntegerField(_("I类知识产权（项）"), default=0)
    class2_ip = models.PositiveIntegerField(_("II类知识产权（项）"), default=0)
    resident_enterprise = models.BooleanField(_("在中国境内（不含港澳台）注册的居民企业"), default=True)
    audited_tax_collection = models.BooleanField(_("实行查账征收"), default=True)
    restricted_industry = models.BooleanField(_("属于限制、淘汰类或研发费用加计扣除负面清单行业"), default=False)
    compliance_violation = models.BooleanField(
        _("上一年度至今有重大事故、严重违法失信或被列入经营异常名录"), default=False
    )
    direct_paths = models.JSONField(_("直接确认条件"), default=list, blank=True)

    # Cached engine results (written by the service together with the figures).
    total_score = models.PositiveSmallIntegerField(_("估算得分"))
    eligible = models.BooleanField(_("估算符合条件"))
    distance = models.PositiveSmallIntegerField(
        _("距符合条件的差距"), help_text=_("0 表示符合条件；数值越小越接近（见培育库排序说明）。")
    )
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("培育库估算")
        verbose_name_plural = _("培育库估算")
        constraints = [
            # The pool sorts by the distance alone (certification.pool_selectors), which relies on this.
            models.CheckConstraint(
                condition=Q(eligible=True, distance=0) | Q(eligible=False, distance__gte=1),
                name="pool_estimate_distance_zero_iff_eligible",
            ),
            models.CheckConstraint(
                condition=Q(tech_staff__lte=models.F("total_staff")),
                name="pool_estimate_tech_staff_within_total",
                violation_error_message=_("科技人员数不能超过职工总数。"),
            ),
            models.CheckConstraint(
                condition=Q(total_staff__gte=0)
                & Q(tech_staff__gte=0)
                & Q(sales_revenue__gte=0)
                & Q(total_costs__gte=0)
                & Q(rd_expense__gte=0)
                & Q(total_assets__gte=0),
                name="pool_estimate_not_negative",
                violation_error_message=_("申报数据不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(evaluation_year__gte=min(rules.RULESETS)) & Q(evaluation_year__lte=2100),
                name="pool_estimate_evaluation_year_range",
            ),
            models.CheckConstraint(condition=Q(eligible=False) | Q(distance=0), name="pool_estimate_eligible_distance"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.evaluation_year}"

    def declaration(self) -> rules.Declaration:
        return rules.Declaration(
            evaluation_year=self.evaluation_year,
            **{name: getattr(self, name) for name in DECLARED_NUMBER_FIELDS},
            **{name: getattr(self, name) for name in DECLARED_COUNT_FIELDS},
            **{name: getattr(self, name) for name in DECLARED_FLAG_FIELDS},
            direct_paths=frozenset(self.direct_paths or ()),
        )
