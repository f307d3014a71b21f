"""The items a filing lists: intellectual property, R&D projects and supporting documents."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certification.models.filing import Application, money_field
from smeportal.history import HistoryMixin
from smeportal.uploads import random_stored_name


class IntellectualProperty(HistoryMixin, models.Model):
    """One IP item of a filing; the service counts the items that count into class1_ip / class2_ip."""

    history_parent = "application"
    history_prefix = "ip_items"

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


class RDProject(HistoryMixin, models.Model):
    """One R&D project of a filing."""

    history_parent = "application"
    history_prefix = "rd_projects"

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


class ApplicationAttachment(HistoryMixin, models.Model):
    """A supporting document of a filing, stored under MEDIA_ROOT and served only by a scoped view."""

    history_parent = "application"
    history_prefix = "attachments"

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
