"""A filing (evaluation application) of one enterprise for one evaluation year, and its history.

The declared figures may be empty while the filing is a draft; the database refuses negative
figures and more tech staff than staff. The rules that move a filing are in
:mod:`certification.workflow` and :mod:`certification.services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certification import rules
from certification.models.campaign import EvaluationCampaign
from certification.models.filing_fields import (
    DECLARED_COUNT_FIELDS,
    DECLARED_FLAG_FIELDS,
    DECLARED_NUMBER_FIELDS,
    FINANCE_COST_FIELDS,
    FINANCE_REVENUE_FIELDS,
    INSTITUTION_LEVEL_CHOICES,
    MONEY_DIGITS,
    NOT_NEGATIVE,
    QUARTER_KEYS,
    STAFF_DIGITS,
)
from certification.rules import evidence
from certification.states import WAITING_FOR_REVIEW, FilingState
from enterprises.models import District, Enterprise, KeepsEnterpriseDistrict
from smeportal.history import HistoryMixin
from smeportal.models import TrackedModel

if TYPE_CHECKING:
    from certification.models.filing_items import IntellectualProperty


def _not_negative(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": Decimal(0)}),
        name=f"application_{name}_not_negative",
        violation_error_message=_("申报数据不能为负数。"),
    )


def money_field(label) -> models.DecimalField:
    """An optional amount in 万元 with two decimals, never negative (drafts may leave it empty)."""
    return models.DecimalField(
        label, max_digits=MONEY_DIGITS, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )


class Application(HistoryMixin, KeepsEnterpriseDistrict, TrackedModel):
    """One enterprise's filing for one evaluation year. Figures may be empty while it is a draft."""

    State = FilingState
    # The submitted figures frozen (the figures themselves are recorded); the date of the latest submission
    # (the submission is recorded as its state change); the place in a public list (fixed with the batch,
    # whose publication is recorded).
    history_exclude = ("snapshot", "last_submitted_on", "recommended_on", "managing_district", "notice_position")

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="applications"
    )
    evaluation_year = models.PositiveSmallIntegerField(_("评价年度"))
    state = models.CharField(
        _("状态"), max_length=16, choices=FilingState.choices, default=FilingState.DRAFT, db_index=True
    )

    # Declared data (RULES.md §2): staff are annual quarterly averages, money in 万元.
    total_staff = models.DecimalField(
        _("职工总数（人）"), max_digits=STAFF_DIGITS, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    tech_staff = models.DecimalField(
        _("科技人员数（人）"), max_digits=STAFF_DIGITS, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )
    sales_revenue = money_field(_("销售收入（万元）"))
    total_costs = money_field(_("成本费用支出总额（万元）"))
    rd_expense = money_field(_("研发费用总额（万元）"))
    total_assets = money_field(_("资产总额（万元）"))
    class1_ip = models.PositiveIntegerField(_("I类知识产权（项）"), default=0)
    class2_ip = models.PositiveIntegerField(_("II类知识产权（项）"), default=0)
    resident_enterprise = models.BooleanField(_("在中国境内（不含港澳台）注册的居民企业"), default=True)
    audited_tax_collection = models.BooleanField(_("实行查账征收"), default=True)
    restricted_industry = models.BooleanField(_("属于限制、淘汰类或研发费用加计扣除负面清单行业"), default=False)
    compliance_violation = models.BooleanField(
        _("上一年度至今有重大事故、严重违法失信或被列入经营异常名录"), default=False
    )
    direct_paths = models.JSONField(_("直接确认条件"), default=list, blank=True)

    # Finance components (万元); when given, the service computes sales_revenue and total_costs from them.
    main_business_revenue = money_field(_("主营业务收入（万元）"))
    other_business_revenue = money_field(_("其他业务收入（万元）"))
    main_business_cost = money_field(_("主营业务成本（万元）"))
    other_business_cost = money_field(_("其他业务成本（万元）"))
    taxes_and_surcharges = money_field(_("税金及附加（万元）"))
    selling_expenses = money_field(_("销售费用（万元）"))
    administrative_expenses = money_field(_("管理费用（万元）"))
    financial_expenses = money_field(_("财务费用（万元）"))
    # Four quarters of {total_start, total_end, tech_start, tech_end}; when complete, the service computes
    # total_staff and tech_staff as annual quarterly averages (RULES.md §2). Empty: averages entered directly.
    staff_quarters = models.JSONField(_("分季度职工人数"), default=list, blank=True, encoder=DjangoJSONEncoder)

    # Evidence for the direct-confirmation paths (RULES.md §1, 第八条).
    high_tech_certificate_number = models.CharField(_("高新技术企业证书编号"), max_length=50, blank=True)
    high_tech_certificate_valid_until = models.DateField(_("高新技术企业证书有效期至"), null=True, blank=True)
    award_name = models.CharField(_("国家级科技奖励名称"), max_length=200, blank=True)
    award_year = models.PositiveSmallIntegerField(_("获奖年度"), null=True, blank=True)
    award_rank = models.PositiveSmallIntegerField(_("获奖单位排名"), null=True, blank=True)
    institution_name = models.CharField(_("研发机构名称"), max_length=200, blank=True)
    institution_level = models.CharField(
        _("研发机构级别"), max_length=16, choices=INSTITUTION_LEVEL_CHOICES, blank=True
    )
    institution_authority = models.CharField(_("研发机构认定部门"), max_length=100, blank=True)
    institution_year = models.PositiveSmallIntegerField(
        _("研发机构认定年度"), null=True, blank=True, validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    standard_name = models.CharField(_("主导制定的标准名称"), max_length=200, blank=True)
    standard_number = models.CharField(
        _("标准编号"), max_length=50, blank=True, help_text=_("国际标准、国家标准或行业标准的编号，如 GB/T 1234-2024。")
    )
    standard_year = models.PositiveSmallIntegerField(
        _("标准发布年度"), null=True, blank=True, validators=[MinValueValidator(1949), MaxValueValidator(2100)]
    )
    standard_drafter_rank = models.PositiveSmallIntegerField(
        _("本企业在起草单位中的排名"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("主导制定须为第一起草单位（排名第1）。"),
    )

    # Set at (first) submission.
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
    # Set by every submission (a resubmission after a return too): the review queue waits from it. Stored,
    # not read from the events, so the queue sorts and counts on an index; empty on filings submitted
    # before it was kept and without an event, whose wait starts at ``submitted_on``.
    last_submitted_on = models.DateField(_("最近提交日期"), null=True, blank=True, editable=False)
    # Set by every recommendation: the notice lists sort thousands of filings by it (kept, like the day
    # above, so that no list reads each filing's events to sort them).
    recommended_on = models.DateField(_("推荐日期"), null=True, blank=True, editable=False)
    first_time_applicant = models.BooleanField(
        _("首次申报"), null=True, blank=True, help_text=_("提交时确定：此前年度从未入库的企业为首次申报。")
    )
    evaluating_district = models.ForeignKey(
        District,
        verbose_name=_("评价机构所在区县/功能区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluated_applications",
        help_text=_("提交时企业的管理区县/功能区；入库登记编号按其代码生成。"),
    )
    snapshot = models.JSONField(_("提交时快照"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    # Review.
    on_site_checked_on = models.DateField(_("现场核查日期"), null=True, blank=True)
    on_site_check_passed = models.BooleanField(_("现场核查通过"), null=True, blank=True)
    on_site_check_note = models.TextField(_("现场核查记录"), blank=True)
    decision_reason = models.TextField(_("不予通过理由"), blank=True)
    notice_batch = models.ForeignKey(
        "NoticeBatch",
        verbose_name=_("公示批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        db_index=False,  # application_batch_members below
    )
    # Fixed when the batch is published (services.notice), so a published list keeps its order and its
    # public pages read a page of it from the index, not by sorting thousands of filings by name.
    notice_position = models.PositiveIntegerField(
        _("公示名单序号"), null=True, blank=True, editable=False, help_text=_("按区县、企业名称排序，公示时确定。")
    )

    class Meta:
        ordering = ["-evaluation_year", "-id"]
        verbose_name = _("评价申报")
        verbose_name_plural = _("评价申报")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "evaluation_year"], name="application_one_per_year"),
            _not_negative("total_staff"),
            _not_negative("tech_staff"),
            _not_negative("sales_revenue"),
            _not_negative("total_costs"),
            _not_negative("rd_expense"),
            _not_negative("total_assets"),
            _not_negative("main_business_revenue"),
            _not_negative("other_business_revenue"),
            _not_negative("main_business_cost"),
            _not_negative("other_business_cost"),
            _not_negative("taxes_and_surcharges"),
            _not_negative("selling_expenses"),
            _not_negative("administrative_expenses"),
            _not_negative("financial_expenses"),
            models.CheckConstraint(
                condition=Q(tech_staff__isnull=True)
                | Q(total_staff__isnull=True)
                | Q(tech_staff__lte=models.F("total_staff")),
                name="application_tech_staff_within_total",
                violation_error_message=_("科技人员数不能超过职工总数。"),
            ),
            models.CheckConstraint(
                condition=Q(evaluation_year__gte=min(rules.RULESETS)) & Q(evaluation_year__lte=2100),
                name="application_evaluation_year_range",
            ),
            models.CheckConstraint(
                condition=Q(standard_drafter_rank__isnull=True) | Q(standard_drafter_rank__gte=1),
                name="application_standard_drafter_rank_from_one",
            ),
            # One filing per place in a batch's public list; the index reads a page of it in order.
            models.UniqueConstraint(fields=["notice_batch", "notice_position"], name="application_notice_position"),
            models.CheckConstraint(
                condition=Q(notice_position__isnull=True) | Q(notice_batch__isnull=False, notice_position__gte=1),
                name="application_notice_position_in_a_batch",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "evaluation_year"]),
            # A batch's filings (thousands) counted, sorted by id or by district and day recommended, and joined
            # to their enterprises from the index alone; it stands for the foreign key's own index.
            models.Index(
                fields=["notice_batch", "id"],
                include=["enterprise", "managing_district", "recommended_on"],
                name="application_batch_members",
            ),
            # The batch form's candidates, the recommended filings not yet under notice (a few thousand), sorted
            # by id or by district and day recommended, and joined to their enterprises from the index alone.
            models.Index(
                fields=["evaluation_year", "id"],
                include=["enterprise", "managing_district", "recommended_on"],
                condition=Q(state=FilingState.RECOMMENDED),
                name="application_recommended",
            ),
            # The districts' work queue, longest waiting first (certification.selectors.review.waiting_since):
            # a few thousand of all filings, read on every workbench and the review list.
            models.Index(
                Coalesce("last_submitted_on", "submitted_on"),
                F("id"),
                # Its columns too: the workbench counts the waiting and the overdue from the index alone.
                include=["enterprise", "submitted_on", "last_submitted_on"],
                condition=Q(state__in=WAITING_FOR_REVIEW),
                name="application_waiting_since",
            ),
            # The pool's closeness order reads each candidate's latest submitted filing (selectors.pool.
            # _latest_filing): one probe of this index per candidate, no sort, no withdrawn rows to skip.
            models.Index(
                fields=["enterprise", "-evaluation_year", "-submitted_on", "-id"],
                condition=Q(submitted_on__isnull=False) & ~Q(state=FilingState.WITHDRAWN),
                name="application_latest_filing",
            ),
            # The district dashboard's waiting filings, first submitted first (dashboards.selectors).
            models.Index(
                fields=["submitted_on", "id"],
                include=["enterprise"],
                condition=Q(state__in=WAITING_FOR_REVIEW),
                name="application_waiting_submitted",
            ),
            # A district's waiting filings, longest waiting first: its review queue, and its workbench's and
            # dashboard's counts of the waiting and the overdue, from the index alone.
            models.Index(
                F("managing_district"),
                Coalesce("last_submitted_on", "submitted_on"),
                F("id"),
                include=["enterprise", "submitted_on", "last_submitted_on"],
                condition=Q(state__in=WAITING_FOR_REVIEW),
                name="application_district_waiting",
            ),
            # The filings under notice of a district and their batches' end, counted from the index (workbench).
            models.Index(
                fields=["managing_district", "notice_batch"],
                include=["id", "enterprise", "submitted_on"],
                condition=Q(state=FilingState.UNDER_NOTICE),
                name="application_under_notice",
            ),
            # The city workbench's recommended filings not yet in a notice batch, counted from the index.
            models.Index(
                fields=["submitted_on"],
                condition=Q(state=FilingState.RECOMMENDED, notice_batch__isnull=True),
                name="application_recommended_open",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.evaluation_year}"

    def missing_fields(self) -> list[str]:
        """Declared figures that are still empty (a draft may have them; a submission may not)."""
        return [name for name in DECLARED_NUMBER_FIELDS if getattr(self, name) is None]

    def declaration(self, *, on: dt.date | None = None) -> rules.Declaration:
        """The declared data as the engine's input; the figures must all be present.

        With ``on`` (the evaluation date), direct paths whose evidence fails on that date are left out.
        """
        paths = set(self.direct_paths or ())
        if on is not None:
            paths -= set(self.direct_path_problems(on=on))
        return rules.Declaration(
            evaluation_year=self.evaluation_year,
            **{name: getattr(self, name) for name in DECLARED_NUMBER_FIELDS},
            **{name: getattr(self, name) for name in DECLARED_COUNT_FIELDS},
            **{name: getattr(self, name) for name in DECLARED_FLAG_FIELDS},
            direct_paths=frozenset(paths),
        )

    # --- Derived figures (RULES.md §2) ---------------------------------------------------------

    def quarters_complete(self) -> bool:
        quarters = self.staff_quarters or []
        return len(quarters) == 4 and all(
            isinstance(q, dict) and all(q.get(key) not in (None, "") for key in QUARTER_KEYS) for q in quarters
        )

    def recompute_derived(self, *, ip_items: Iterable[IntellectualProperty] | None = None) -> None:
        """Totals from the finance components, staff averages from complete quarters and IP counts from
        the items (when there are items). Blank components count as 0 once any component is given."""
        revenue = [getattr(self, name) for name in FINANCE_REVENUE_FIELDS]
        if any(value is not None for value in revenue):
            self.sales_revenue = rules.sales_revenue(*(value or 0 for value in revenue)).quantize(rules.CENT)
        costs = [getattr(self, name) for name in FINANCE_COST_FIELDS]
        if any(value is not None for value in costs):
            self.total_costs = rules.total_costs(*(value or 0 for value in costs)).quantize(rules.CENT)
        if self.quarters_complete():
            for prefix, target in (("total", "total_staff"), ("tech", "tech_staff")):
                pairs = [
                    (Decimal(str(q[f"{prefix}_start"])), Decimal(str(q[f"{prefix}_end"]))) for q in self.staff_quarters
                ]
                average = rules.annual_average_staff(pairs).quantize(rules.CENT, rounding=ROUND_HALF_UP)
                setattr(self, target, average)
        if ip_items is not None:
            items = list(ip_items)
            if items:
                self.class1_ip = sum(1 for item in items if item.counts and item.ip_class == 1)
                self.class2_ip = sum(1 for item in items if item.counts and item.ip_class == 2)

    def direct_path_problems(self, *, on: dt.date, award_window_years: int | None = None) -> dict[str, str]:
        """Claimed direct paths whose evidence is missing or not valid on ``on``, with a message each
        (the rules are :mod:`certification.rules.evidence`). The window for awards and standards is the
        year's campaign's: ``award_window_years`` when the caller has read it, else read here when needed."""
        paths = set(self.direct_paths or ())
        if award_window_years is None and paths & {"national_award_top3", "led_standard"}:
            award_window_years = EvaluationCampaign.for_year(self.evaluation_year).award_window_years
        found: dict[str, evidence.Problem | None] = {}
        if "high_tech_certificate" in paths:
            found["high_tech_certificate"] = evidence.high_tech_problem(
                number=self.high_tech_certificate_number, valid_until=self.high_tech_certificate_valid_until, on=on
            )
        if "national_award_top3" in paths:
            found["national_award_top3"] = evidence.award_problem(
                name=self.award_name,
                year=self.award_year,
                rank=self.award_rank,
                evaluation_year=self.evaluation_year,
                window_years=award_window_years,
            )
        if "provincial_rd_institution" in paths:
            found["provincial_rd_institution"] = evidence.institution_problem(
                name=self.institution_name,
                level=self.institution_level,
                authority=self.institution_authority,
                year=self.institution_year,
                evaluation_year=self.evaluation_year,
            )
        if "led_standard" in paths:
            found["led_standard"] = evidence.standard_problem(
                name=self.standard_name,
                number=self.standard_number,
                year=self.standard_year,
                drafter_rank=self.standard_drafter_rank,
                evaluation_year=self.evaluation_year,
                window_years=award_window_years,
            )
        return {path: gettext(problem.message).format(**problem.params) for path, problem in found.items() if problem}
