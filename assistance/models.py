"""Departments and their users, the yearly quota policy, department targets, assistance agreements,
service records and agreement imports."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enterprises.models import KeepsEnterpriseDistrict
from smeportal.history import HistoryMixin, model_label
from smeportal.models import BackgroundJob, TrackedModel
from smeportal.uploads import UploadValidator, random_stored_name


class Department(models.Model):
    """A city department (or the city commercial bank) that signs assistance agreements."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("市级部门")
        verbose_name_plural = _("市级部门")

    def __str__(self):
        return self.name


class DepartmentMembership(TrackedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="department_membership"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="memberships"
    )

    class Meta:
        verbose_name = _("部门用户")
        verbose_name_plural = _("部门用户")

    def __str__(self):
        return f"{self.user} → {self.department}"


class QuotaPolicy(HistoryMixin, TrackedModel):
    """The city's yearly quota policy (RULES.md §5), edited by city officials in the admin.

    One row per year. It holds both targets of the development plan: the assistance share of new
    enterprises (used here) and the tech share among newly registered enterprises (used by the
    tech-share quota job, which reads the same row). A year without a row uses the
    defaults of ``QuotaPolicy.for_year``. Once ``closed``, the agreements' ``counts_as_new`` flags
    of that year no longer change.
    """

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    new_enterprise_target = models.DecimalField(
        _("新企业帮扶占比目标"), max_digits=4, decimal_places=3, default=Decimal("0.200")
    )
    new_window_years = models.PositiveSmallIntegerField(
        _("新企业认定窗口（年）"),
        default=1,
        help_text=_("1 表示协议当年或上一年成立或引进的企业算作新企业。"),
    )
    baseline_date = models.DateField(
        _("新注册企业统计基准日"),
        null=True,
        blank=True,
        help_text=_("留空则沿用此前最近一个年度设定的基准日；都未设定时为当年 1 月 1 日。"),
    )
    tech_share_target = models.DecimalField(
        _("科技型企业占比目标"), max_digits=4, decimal_places=3, default=Decimal("0.100")
    )
    closed = models.BooleanField(_("年度已关闭"), default=False)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度指标政策")
        verbose_name_plural = _("年度指标政策")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_enterprise_target__gte=0, new_enterprise_target__lte=1)
                & Q(tech_share_target__gte=0, tech_share_target__lte=1),
                name="quota_policy_targets_are_shares",
            ),
            models.CheckConstraint(condition=Q(new_window_years__lte=10), name="quota_policy_window_at_most_10"),
        ]

    def __str__(self):
        return f"{self.year}"

    @classmethod
    def for_year(cls, year: int) -> "QuotaPolicy":
        """The stored policy of the year, or an unsaved one with the defaults."""
        return cls.objects.filter(year=year).first() or cls(year=year)


class DepartmentTarget(TrackedModel):
    """A department's assistance task for one year: how many enterprises it should assist."""

    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField(_("年度"))
    enterprises_to_assist = models.PositiveIntegerField(_("帮扶企业任务数"))

    class Meta:
        ordering = ["-year", "department"]
        verbose_name = _("部门年度帮扶任务")
        verbose_name_plural = _("部门年度帮扶任务")
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="department_target_once_per_year"),
            models.CheckConstraint(condition=Q(enterprises_to_assist__gte=0), name="department_target_not_negative"),
        ]

    def __str__(self):
        return f"{self.department} · {self.year}: {self.enterprises_to_assist}"


class Measure(models.TextChoices):
    """The fixed list of assistance measures (帮扶措施)."""

    POLICY = "policy", _("政策辅导")
    FINANCING_GUARANTEE_POOL = "financing_guarantee_pool", _("融资：贷款风险补偿资金池")
    FINANCING_SCITECH_BANK = "financing_scitech_bank", _("融资：科技银行")
    TALENT = "talent", _("人才引育")
    TECHNOLOGY_IP = "technology_ip", _("技术与知识产权")
    MATCHMAKING_LARGE_ENTERPRISE = "matchmaking_large_enterprise", _("大中小企业融通对接")
    PREMISES = "premises", _("场地保障")
    OTHER = "other", _("其他")


def validate_measures(value):
    """A non-empty list of distinct codes from the fixed list of measures."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("请至少选择一项帮扶措施。"), code="measures_empty")
    unknown = [str(code) for code in value if code not in Measure.values]
    if unknown:
        raise ValidationError(
            _("未知的帮扶措施：%(codes)s。"), code="unknown_measure", params={"codes": "、".join(unknown)}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("帮扶措施重复。"), code="measures_duplicate")


def _agreement_document_path(instance, filename: str) -> str:
    return f"assistance/agreements/{random_stored_name(filename, fallback_suffix='')}"


class AssistanceAgreement(HistoryMixin, KeepsEnterpriseDistrict, TrackedModel):
    """An assistance agreement (帮扶协议) of a department with an enterprise for one year."""

    history_parent = "enterprise"
    history_prefix = "assistance_agreements"
    history_exclude = ("managing_district",)

    class Status(models.TextChoices):
        ACTIVE = "active", _("执行中")
        COMPLETED = "completed", _("已完成")
        TERMINATED = "terminated", _("已终止")

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="agreements"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="assistance_agreements"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    signed_on = models.DateField(_("签订日期"))
    measures = models.JSONField(_("帮扶措施"), default=list, validators=[validate_measures])
    goals = models.TextField(_("帮扶目标"), blank=True)
    responsible_officer = models.CharField(_("责任人"), max_length=50)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    document = models.FileField(
        _("协议文本"),
        upload_to=_agreement_document_path,
        max_length=200,
        blank=True,
        validators=[UploadValidator()],
    )
    counts_as_new = models.BooleanField(
        _("计入新企业"), default=False, help_text=_("按当年指标政策自动判定；年度关闭后不再变化。")
    )
    archived = models.BooleanField(_("已归档"), default=False)

    class Meta:
        ordering = ["-year", "-signed_on", "-id"]
        verbose_name = _("帮扶协议")
        verbose_name_plural = _("帮扶协议")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "enterprise", "year"],
                condition=Q(archived=False),
                name="agreement_once_per_department_enterprise_year",
                violation_error_message=_("本部门与该企业在该年度已签订帮扶协议，不能重复录入。"),
            ),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="agreement_year_range"),
            models.CheckConstraint(
                condition=Q(signed_on__year=F("year")),
                name="agreement_signed_within_year",
                violation_error_message=_("签订日期必须在协议年度内。"),
            ),
        ]
        indexes = [
            models.Index(fields=["department", "year"]),
            models.Index(fields=["year", "counts_as_new"]),
            # The lists' order (newest first), read backwards: a page stops after its rows, whatever the scope.
            models.Index(fields=["year", "signed_on", "id"], name="agreement_list_order"),
            # A department's page: its latest agreements of the year, read in order from the index.
            models.Index(
                fields=["department", "year", "-signed_on", "-id"],
                condition=Q(archived=False),
                name="agreement_department_signed",
            ),
            # A year's agreements and how many count as new, counted from the index (the district workbench).
            models.Index(
                fields=["year"],
                include=["id", "enterprise", "counts_as_new"],
                condition=Q(archived=False),
                name="agreement_year_enterprise",
            ),
            # A district's agreements of a year and how many count as new, counted from the index.
            models.Index(
                fields=["managing_district", "year"],
                include=["counts_as_new"],
                condition=Q(archived=False),
                name="agreement_district_year",
            ),
        ]

    def __str__(self):
        return f"{self.department} · {self.enterprise} · {self.year}"

    def get_absolute_url(self):
        return reverse("assistance:agreement_detail", args=[self.pk])

    def measure_labels(self) -> list[str]:
        labels = dict(Measure.choices)
        return [str(labels.get(code, code)) for code in self.measures or ()]


class ServiceRecord(HistoryMixin, TrackedModel):
    """One service contact under an agreement: a visit, meeting or call, the issues and their resolution."""

    history_prefix = "service_records"

    class Kind(models.TextChoices):
        VISIT = "visit", _("走访")
        MEETING = "meeting", _("座谈")
        CALL = "call", _("电话")

    agreement = models.ForeignKey(
        AssistanceAgreement, verbose_name=_("帮扶协议"), on_delete=models.PROTECT, related_name="service_records"
    )
    date = models.DateField(_("服务日期"))
    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices, default=Kind.VISIT)
    issues_raised = models.TextField(_("企业反映的问题"), blank=True)
    resolution = models.TextField(_("解决情况"), blank=True)
    resolved_on = models.DateField(_("解决日期"), null=True, blank=True)
    enterprise_feedback = models.TextField(_("企业评价"), blank=True)
    feedback_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("date")),
                name="service_record_resolved_after_date",
                violation_error_message=_("解决日期不能早于服务日期。"),
            ),
        ]
        indexes = [
            # The open issues of a department's agreements, oldest first (assistance.selectors.open_issues):
            # a few of all records, without reading the rest.
            models.Index(
                fields=["agreement", "date", "id"],
                condition=Q(resolved_on__isnull=True) & ~Q(issues_raised=""),
                name="service_record_open_issue",
            ),
        ]

    def history_parent_key(self) -> tuple[str, int | None]:
        """In the history of the agreement's enterprise."""
        return model_label(AssistanceAgreement.enterprise.field.related_model), self.agreement.enterprise_id

    def __str__(self):
        return f"{self.agreement} · {self.date}"

    @property
    def is_open(self) -> bool:
        return bool(self.issues_raised.strip()) and self.resolved_on is None


def _import_upload_path(instance, filename: str) -> str:
    return f"assistance/imports/{uuid.uuid4().hex}.xlsx"


def _import_report_path(instance, filename: str) -> str:
    return f"assistance/imports/rejected/{uuid.uuid4().hex}.xlsx"


class AgreementImport(BackgroundJob):
    """One Excel upload of agreements by a department: validated first (Celery task), previewed, then committed.

    Its statuses extend the job's: validation runs, then the rows wait in preview for the department
    to confirm; committing writes them.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        PREVIEW = "preview", _("待确认")
        COMMITTED = "committed", _("已导入")
        FAILED = "failed", _("失败")

    FINISHED_STATUSES = frozenset({Status.PREVIEW, Status.COMMITTED, Status.FAILED})

    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("上传文件"), upload_to=_import_upload_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    # Valid rows as field values (enterprise id, dates as ISO strings), committed on confirmation. Only the
    # commit reads them all; the pages read the counts and the preview (the first rows).
    valid_rows = models.JSONField(_("有效行"), default=list, blank=True)
    valid_count = models.PositiveIntegerField(_("有效行数"), default=0)
    valid_preview = models.JSONField(_("有效行预览"), default=list, blank=True)
    # The first rejected rows as the page shows them: {"row": n, "values": [...], "reasons": [...]}, each reason
    # a msgid or a Message's data (assistance.excel.stored_reason); every rejected row is in the report, written
    # once, and counted by reason (code → rows).
    rejected_rows = models.JSONField(_("被拒绝的行"), default=list, blank=True)
    rejected_count = models.PositiveIntegerField(_("被拒绝的行数"), default=0)
    rejected_by_reason = models.JSONField(_("按原因统计"), default=dict, blank=True)
    rejected_report = models.FileField(_("未导入行报告"), upload_to=_import_report_path, max_length=200, blank=True)
    created_count = models.PositiveIntegerField(_("导入条数"), default=0)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("帮扶协议导入")
        verbose_name_plural = _("帮扶协议导入")

    def __str__(self):
        return f"{self.department} · {self.original_name}"

    def get_absolute_url(self):
        return reverse("assistance:import_detail", args=[self.pk])
