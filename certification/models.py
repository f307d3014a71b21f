"""Filings (evaluation applications), their workflow history, public notices and registrations.

The business rules of the workflow live in :mod:`certification.services`; these models hold the
data and the constraints the database can enforce on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enterprises.models import District, Enterprise
from smeportal.models import TrackedModel
from smeportal.uploads import random_stored_name

from . import rules

STAFF_DIGITS = 9
MONEY_DIGITS = 14

# The declared figures, in the order of rules.Declaration; the names are the engine's field names.
DECLARED_NUMBER_FIELDS = ("total_staff", "tech_staff", "sales_revenue", "total_costs", "rd_expense", "total_assets")
DECLARED_COUNT_FIELDS = ("class1_ip", "class2_ip")
DECLARED_FLAG_FIELDS = ("resident_enterprise", "audited_tax_collection", "restricted_industry", "compliance_violation")
DECLARED_FIELDS = (*DECLARED_NUMBER_FIELDS, *DECLARED_COUNT_FIELDS, *DECLARED_FLAG_FIELDS, "direct_paths")


def _not_negative(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": Decimal(0)}),
        name=f"application_{name}_not_negative",
        violation_error_message=_("申报数据不能为负数。"),
    )


NOT_NEGATIVE = [MinValueValidator(Decimal(0))]

FINANCE_REVENUE_FIELDS = ("main_business_revenue", "other_business_revenue")
FINANCE_COST_FIELDS = (
    "main_business_cost",
    "other_business_cost",
    "taxes_and_surcharges",
    "selling_expenses",
    "administrative_expenses",
    "financial_expenses",
)
FINANCE_COMPONENT_FIELDS = (*FINANCE_REVENUE_FIELDS, *FINANCE_COST_FIELDS)
QUARTER_KEYS = ("total_start", "total_end", "tech_start", "tech_end")
EVIDENCE_FIELDS = (
    "high_tech_certificate_number",
    "high_tech_certificate_valid_until",
    "award_name",
    "award_year",
    "award_rank",
    "institution_name",
    "institution_level",
    "standard_name",
    "standard_number",
)
AWARD_YEARS = 5  # a national award counts when won in the evaluation year or the 5 years before
INSTITUTION_LEVEL_CHOICES = [
    ("national", _("国家级")),
    ("provincial", _("省级")),
    ("ministerial", _("部级")),
]


def money_field(label) -> models.DecimalField:
    """An optional amount in 万元 with two decimals, never negative (drafts may leave it empty)."""
    return models.DecimalField(
        label, max_digits=MONEY_DIGITS, decimal_places=2, null=True, blank=True, validators=NOT_NEGATIVE
    )


# Filings waiting for the district's review (Application.State.SUBMITTED and ON_SITE_CHECK); plain values
# because the partial index in Application.Meta needs them before the class exists.
REVIEW_WAITING_STATES = ("submitted", "on_site_check")


class Application(TrackedModel):
    """One enterprise's filing for one evaluation year. Figures may be empty while it is a draft."""

    class State(models.TextChoices):
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

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="applications"
    )
    evaluation_year = models.PositiveSmallIntegerField(_("评价年度"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)

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
    standard_name = models.CharField(_("主导制定的标准名称"), max_length=200, blank=True)
    standard_number = models.CharField(_("标准编号"), max_length=50, blank=True)

    # Set at (first) submission.
    submitted_on = models.DateField(_("提交日期"), null=True, blank=True)
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
        ]
        indexes = [
            models.Index(fields=["state", "evaluation_year"]),
            # The districts' work queue, oldest first: a few thousand of all filings, read on every dashboard.
            models.Index(
                fields=["submitted_on", "id"],
                include=["enterprise"],
                condition=Q(state__in=REVIEW_WAITING_STATES),
                name="application_waiting_review",
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

    def direct_path_problems(self, *, on: dt.date) -> dict[str, str]:
        """Claimed direct paths whose evidence is missing or not valid on ``on``, with a message each."""
        problems: dict[str, str] = {}
        paths = set(self.direct_paths or ())
        if "high_tech_certificate" in paths:
            if not self.high_tech_certificate_number or self.high_tech_certificate_valid_until is None:
                problems["high_tech_certificate"] = gettext(
                    "未填写高新技术企业证书编号和有效期，不能按直接确认条件评价。"
                )
            elif self.high_tech_certificate_valid_until < on:
                problems["high_tech_certificate"] = gettext(
                    "高新技术企业证书已于{date}到期，评价日不在有效期内，不能按直接确认条件评价。"
                ).format(date=self.high_tech_certificate_valid_until.isoformat())
        if "national_award_top3" in paths:
            if not self.award_name or self.award_year is None or self.award_rank is None:
                problems["national_award_top3"] = gettext(
                    "未填写国家级科技奖励名称、年度和排名，不能按直接确认条件评价。"
                )
            elif not (self.evaluation_year - AWARD_YEARS <= self.award_year <= self.evaluation_year):
                problems["national_award_top3"] = gettext("国家级科技奖励须为近{years}年内获得。").format(
                    years=AWARD_YEARS
                )
            elif not 1 <= self.award_rank <= 3:
                problems["national_award_top3"] = gettext("国家级科技奖励须在获奖单位中排名前三。")
        if "provincial_rd_institution" in paths and (not self.institution_name or not self.institution_level):
            problems["provincial_rd_institution"] = gettext(
                "未填写省部级以上研发机构的名称和级别，不能按直接确认条件评价。"
            )
        if "led_standard" in paths and (not self.standard_name or not self.standard_number):
            problems["led_standard"] = gettext("未填写主导制定的标准名称和编号，不能按直接确认条件评价。")
        return problems


class ApplicationEvent(models.Model):
    """One step of a filing's history. Append-only: written by the services, never changed."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_state = models.CharField(_("原状态"), max_length=16, choices=Application.State.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, choices=Application.State.choices)
    comment = models.TextField(_("意见"), blank=True)
    field_comments = models.JSONField(_("逐项意见"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("申报流转记录")
        verbose_name_plural = _("申报流转记录")

    def __str__(self):
        return f"{self.application_id}: {self.from_state or '-'} → {self.to_state}"


class IntellectualProperty(models.Model):
    """One IP item of a filing; the service counts the items that count into class1_ip / class2_ip."""

    class Kind(models.TextChoices):
        INVENTION_PATENT = "invention_patent", _("发明专利")
        DEFENCE_PATENT = "defence_patent", _("国防专利")
        PLANT_VARIETY = "plant_variety", _("植物新品种")
        CROP_VARIETY = "crop_variety", _("国家级农作物品种")
        NEW_DRUG = "new_drug", _("国家新药")
        TCM_VARIETY = "tcm_variety", _("国家一级中药保护品种")
        IC_LAYOUT = "ic_layout", _("集成电路布图设计专有权")
        UTILITY_MODEL = "utility_model", _("实用新型专利")
        DESIGN_PATENT = "design_patent", _("外观设计专利")
        SOFTWARE_COPYRIGHT = "software_copyright", _("软件著作权")
        TRADEMARK = "trademark", _("商标")

    CLASS_I = frozenset(
        {
            Kind.INVENTION_PATENT,
            Kind.DEFENCE_PATENT,
            Kind.PLANT_VARIETY,
            Kind.CROP_VARIETY,
            Kind.NEW_DRUG,
            Kind.TCM_VARIETY,
            Kind.IC_LAYOUT,
        }
    )
    CLASS_II = frozenset({Kind.UTILITY_MODEL, Kind.DESIGN_PATENT, Kind.SOFTWARE_COPYRIGHT})

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="ip_items"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("编号"), max_length=60)
    title = models.CharField(_("名称"), max_length=200)
    granted_on = models.DateField(_("授权日期"), null=True, blank=True)
    in_force = models.BooleanField(_("有效"), default=True)
    related_to_main_products = models.BooleanField(_("与主要产品（服务）相关"), default=True)
    held_by_enterprise = models.BooleanField(_("企业拥有"), default=True)
    disputed = models.BooleanField(_("存在权属纠纷"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("知识产权")
        verbose_name_plural = _("知识产权")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def ip_class(self) -> int | None:
        """1 or 2 by kind (RULES.md §2); None for kinds that never count (trademarks)."""
        if self.kind in self.CLASS_I:
            return 1
        if self.kind in self.CLASS_II:
            return 2
        return None

    @property
    def counts(self) -> bool:
        """Whether the item counts: a counted kind, in force, held, related to main products, undisputed."""
        return (
            self.ip_class is not None
            and self.in_force
            and self.held_by_enterprise
            and self.related_to_main_products
            and not self.disputed
        )


class RDProject(models.Model):
    """One R&D project of a filing."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="rd_projects"
    )
    name = models.CharField(_("项目名称"), max_length=200)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    budget = money_field(_("项目预算（万元）"))
    expense_last_year = money_field(_("上年度研发支出（万元）"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("研发项目")
        verbose_name_plural = _("研发项目")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=Decimal(0)), name="rd_project_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(expense_last_year__isnull=True) | Q(expense_last_year__gte=Decimal(0)),
                name="rd_project_expense_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="rd_project_dates",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self):
        return self.name


def _attachment_path(instance, filename: str) -> str:
    return f"applications/{instance.application_id}/{random_stored_name(filename)}"


class ApplicationAttachment(models.Model):
    """A supporting document of a filing, stored under MEDIA_ROOT and served only by a scoped view."""

    class Kind(models.TextChoices):
        FINANCIAL_STATEMENTS = "financial_statements", _("财务会计报表")
        TAX_RETURNS = "tax_returns", _("纳税申报表")
        IP_CERTIFICATES = "ip_certificates", _("知识产权证书")
        HIGH_TECH_CERTIFICATE = "high_tech_certificate", _("高新技术企业证书")
        OTHER = "other", _("其他")

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("材料类型"), max_length=24, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")

    def __str__(self):
        return self.original_name


class NoticeBatch(TrackedModel):
    """A public notice (公示) of recommended filings for 10 working days, start and end inclusive."""

    title = models.CharField(_("标题"), max_length=200)
    start_date = models.DateField(_("公示开始日期"))
    end_date = models.DateField(_("公示截止日期"), help_text=_("按官方工作日历（含调休）自开始日起第10个工作日。"))
    published = models.BooleanField(_("已发布"), default=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("公示批次")
        verbose_name_plural = _("公示批次")
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="notice_batch_dates"),
        ]

    def __str__(self):
        return self.title

    def is_open_on(self, day) -> bool:
        return self.published and self.start_date <= day <= self.end_date


class CalendarOverride(TrackedModel):
    """A day officials declare a holiday or a working day, for schedules the holidays package lacks."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKING_DAY = "working_day", _("上班（调休）")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


def _evidence_path(instance, filename: str) -> str:
    return f"objections/{random_stored_name(filename)}"


class Objection(TrackedModel):
    """A real-name objection to a filing under public notice; an open one holds its registration."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="objections"
    )
    batch = models.ForeignKey(
        NoticeBatch, verbose_name=_("公示批次"), on_delete=models.PROTECT, related_name="objections"
    )
    objector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("异议人账号"), on_delete=models.PROTECT, related_name="+"
    )
    real_name = models.CharField(_("真实姓名"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=100)
    statement = models.TextField(_("异议内容"))
    evidence = models.FileField(_("证明材料"), upload_to=_evidence_path, max_length=200, blank=True)
    status = models.CharField(_("处理状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        indexes = [models.Index(fields=["application", "status"])]

    def __str__(self):
        return f"{self.application} · {self.get_status_display()}"


class Registration(TrackedModel):
    """The registration (入库) of a filing, with its number and validity."""

    class Grounds(models.TextChoices):
        CONDITIONS_NOT_MET = "conditions_not_met", _("不再符合评价条件")
        FRAUD = "fraud", _("存在严重弄虚作假行为")
        RESEARCH_MISCONDUCT = "research_misconduct", _("发生科研严重失信行为")
        MAJOR_INCIDENT = "major_incident", _("发生重大安全、重大质量事故或严重环境违法行为")
        LISTED = "listed", _("被列入经营异常名录或严重违法失信名单")
        NO_SPOT_CHECK_REPLY = "no_spot_check_reply", _("未按规定接受或答复抽查")

    application = models.OneToOneField(
        Application, verbose_name=_("申报"), on_delete=models.PROTECT, related_name="registration"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="registrations"
    )
    evaluation_year = models.PositiveSmallIntegerField(_("评价年度"))
    number = models.CharField(_("入库登记编号"), max_length=24, unique=True)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revocation_grounds = models.CharField(_("撤销事由"), max_length=24, choices=Grounds.choices, blank=True)
    revocation_reason = models.TextField(_("撤销说明"), blank=True)

    class Meta:
        ordering = ["-evaluation_year", "number"]
        verbose_name = _("入库登记")
        verbose_name_plural = _("入库登记")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="registration_validity"),
        ]
        indexes = [models.Index(fields=["enterprise", "evaluation_year"])]

    def __str__(self):
        return self.number


class RegistrationSequence(models.Model):
    """The last serial used per evaluation year and agency code; locked while numbers are assigned."""

    evaluation_year = models.PositiveSmallIntegerField(_("评价年度"))
    district_code = models.CharField(_("行政区划代码"), max_length=6)
    last_serial = models.PositiveIntegerField(_("已用顺序号"), default=0)

    class Meta:
        verbose_name = _("入库编号顺序号")
        verbose_name_plural = _("入库编号顺序号")
        constraints = [
            models.UniqueConstraint(fields=["evaluation_year", "district_code"], name="registration_sequence_unique"),
        ]

    def __str__(self):
        return f"{self.evaluation_year}{self.district_code}: {self.last_serial}"


def _defence_path(instance, filename: str) -> str:
    return f"revocations/{random_stored_name(filename)}"


class Revocation(TrackedModel):
    """The revocation procedure (撤销) of a registration, RULES.md §3: notice → the enterprise's written
    defence (申辩) within a deadline → finding → public announcement. The services are in
    :mod:`certification.revocation_services`."""

    class State(models.TextChoices):
        NOTICED = "noticed", _("已告知，待申辩")
        DEFENDED = "defended", _("已申辩，待决定")
        REVOKED = "revoked", _("已撤销")
        DISMISSED = "dismissed", _("不予撤销")

    OPEN_STATES = (State.NOTICED, State.DEFENDED)

    registration = models.ForeignKey(
        Registration, verbose_name=_("入库登记"), on_delete=models.PROTECT, related_name="revocations"
    )
    grounds = models.CharField(_("撤销事由"), max_length=24, choices=Registration.Grounds.choices)
    reason = models.TextField(_("告知的事实和理由"))
    noticed_at = models.DateTimeField(_("告知时间"))
    defence_deadline = models.DateField(_("申辩截止日期"), help_text=_("告知次日起第10个工作日（含调休）。"))
    defence = models.TextField(_("书面申辩"), blank=True)
    defence_submitted_at = models.DateTimeField(_("申辩提交时间"), null=True, blank=True)
    defence_attachment = models.FileField(_("申辩材料"), upload_to=_defence_path, max_length=200, blank=True)
    defence_attachment_name = models.CharField(_("申辩材料原文件名"), max_length=200, blank=True)
    defended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申辩人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.NOTICED, db_index=True)
    finding = models.TextField(_("认定意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    announced_at = models.DateTimeField(_("公告时间"), null=True, blank=True)

    class Meta:
        ordering = ["-noticed_at", "-id"]
        verbose_name = _("撤销程序")
        verbose_name_plural = _("撤销程序")
        constraints = [
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(state__in=["noticed", "defended"]),
                name="revocation_one_open_per_registration",
                violation_error_message=_("该入库登记已有进行中的撤销程序。"),
            ),
            models.CheckConstraint(
                condition=(Q(state__in=["noticed", "defended"]) & Q(decided_at__isnull=True))
                | (Q(state__in=["revoked", "dismissed"]) & Q(decided_at__isnull=False)),
                name="revocation_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(announced_at__isnull=True) | Q(state="revoked"),
                name="revocation_announced_only_when_revoked",
            ),
        ]
        indexes = [models.Index(fields=["state", "announced_at"], name="revocation_state_announced")]

    def __str__(self):
        return f"{self.registration_id} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def defence_open_on(self, day: dt.date) -> bool:
        """Whether the enterprise may still submit its defence on ``day`` (the deadline day included)."""
        return self.state == self.State.NOTICED and day <= self.defence_deadline

    def decidable_on(self, day: dt.date) -> bool:
        """A finding may be made once the defence is in, or once the deadline has passed without one."""
        return self.state == self.State.DEFENDED or (self.state == self.State.NOTICED and day > self.defence_deadline)


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
