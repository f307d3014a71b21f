"""Districts and zones, industry clusters, enterprises, the memberships that give users a role, and
registry imports."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smeportal.history import HistoryMixin
from smeportal.models import BackgroundJob, TrackedModel
from smeportal.uploads import random_stored_name

from .creditcode import CREDIT_CODE_PATTERN


class District(models.Model):
    """An administrative district/county/city, or a functional zone managed as its own agency."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("市辖区")
        COUNTY = "county", _("县")
        COUNTY_CITY = "county_city", _("县级市")
        ZONE = "zone", _("功能区")

    code = models.CharField(_("代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("区县/功能区")
        verbose_name_plural = _("区县/功能区")
        constraints = [
            # Official GB/T 2260 codes are six digits; zones use internal codes that start with a letter.
            models.CheckConstraint(
                condition=(~Q(kind="zone") & Q(code__regex=r"^[0-9]{6}$"))
                | (Q(kind="zone") & Q(code__regex=r"^Z[A-Z0-9]+$")),
                name="district_code_shape",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_zone(self) -> bool:
        return self.kind == self.Kind.ZONE


class IndustryCluster(models.Model):
    """One of the city's priority industry clusters."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    # GB/T 4754 code prefixes (section letters or 2-4 digit codes) that belong to the cluster.
    industry_prefixes = models.JSONField(_("行业代码前缀"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("重点产业集群")
        verbose_name_plural = _("重点产业集群")

    def __str__(self):
        return self.name


class Enterprise(HistoryMixin, TrackedModel):
    class EntityKind(models.TextChoices):
        """The kind of registered entity, from the credit code's first two characters (RULES.md §4)."""

        ENTERPRISE = "enterprise", _("企业")
        INDIVIDUAL_BUSINESS = "individual", _("个体工商户")
        COOPERATIVE = "cooperative", _("农民专业合作社")
        OTHER = "other", _("其他主体")

    class Origin(models.TextChoices):
        NEW = "new", _("新设立")
        INTRODUCED = "introduced", _("招商引进")
        EXISTING = "existing", _("存量企业")

    class FounderCategory(models.TextChoices):
        NONE = "", _("未标注")
        RETIREE = "retiree", _("离退休人员")
        PUBLIC_EMPLOYEE = "public_employee", _("机关事业单位人员")
        SOE_STAFF = "soe_staff", _("国有企业人员")
        UNIVERSITY_TEACHER = "university_teacher", _("高校教师")
        RESEARCH_STAFF = "research_staff", _("科研院所人员")
        GRADUATE = "graduate", _("高校毕业生")
        RETURNING_MIGRANT = "returning_migrant", _("返乡创业人员（凤还巢）")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPERATING = "operating", _("存续")
        CANCELLED = "cancelled", _("注销")
        REVOKED_LICENCE = "revoked_licence", _("吊销")
        MOVED_OUT = "moved_out", _("迁出")

    # Unique by a constraint (Meta) rather than unique=True, which would make PostgreSQL keep a second,
    # pattern-matching index of the codes: a code's prefix is searched by a range on the unique btree
    # (enterprises.search.code_condition), not by LIKE.
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    # Derived by the database from the code, so no write path (import, admin, registration) can disagree.
    entity_kind = models.GeneratedField(
        expression=models.Case(
            models.When(credit_code__startswith="91", then=models.Value(EntityKind.ENTERPRISE.value)),
            models.When(credit_code__startswith="92", then=models.Value(EntityKind.INDIVIDUAL_BUSINESS.value)),
            models.When(credit_code__startswith="93", then=models.Value(EntityKind.COOPERATIVE.value)),
            default=models.Value(EntityKind.OTHER.value),
        ),
        output_field=models.CharField(_("主体类型"), max_length=12, choices=EntityKind.choices),
        db_persist=True,
    )
    # Not indexed: searches look for a part of the name (a btree cannot serve them), and the two btrees
    # PostgreSQL would keep for it were the most expensive part of loading the registry.
    name = models.CharField(_("企业名称"), max_length=200)
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    established_on = models.DateField(_("成立日期"), db_index=True)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    enterprise_type = models.CharField(_("企业类型"), max_length=100, blank=True)
    address = models.CharField(_("住所"), max_length=300, blank=True)
    registration_authority = models.CharField(_("登记机关"), max_length=100, blank=True)
    industry_code = models.CharField(_("行业代码（GB/T 4754）"), max_length=5, blank=True)
    industry_section = models.CharField(_("行业门类"), max_length=1, blank=True)
    industry_name = models.CharField(_("行业名称"), max_length=100, blank=True)
    cluster = models.ForeignKey(
        IndustryCluster,
        verbose_name=_("产业集群"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
        db_index=False,  # a cluster is a tenth of the city: lists filter it beside a district or a name
    )
    registered_district = models.ForeignKey(
        District,
        verbose_name=_("注册地区县"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_enterprises",
        # The legal district is an administrative one; a functional zone only manages enterprises.
        limit_choices_to=~Q(kind="zone"),
        db_index=False,  # shown, not searched: pages scope by the managing district
    )
    managing_district = models.ForeignKey(
        District,
        verbose_name=_("管理区县/功能区"),
        on_delete=models.PROTECT,
        related_name="managed_enterprises",
        db_index=False,  # the (managing_district, established_on) index serves lookups by district
    )
    origin = models.CharField(_("来源"), max_length=12, choices=Origin.choices, default=Origin.NEW)
    introduced_on = models.DateField(_("引进日期"), null=True, blank=True)
    founder_category = models.CharField(
        _("创办人类别"), max_length=24, choices=FounderCategory.choices, default="", blank=True
    )
    military_civilian = models.BooleanField(_("军民融合"), default=False)
    status = models.CharField(_("登记状态"), max_length=16, choices=Status.choices, default=Status.OPERATING)
    on_abnormal_list = models.BooleanField(_("列入经营异常名录"), default=False)
    seriously_dishonest = models.BooleanField(_("列入严重失信名单"), default=False)
    in_cultivation_pool = models.BooleanField(_("入选培育库"), default=False)
    # Self-registered enterprises not (yet) in the regulator's registry wait for the district to confirm.
    confirmed = models.BooleanField(_("已确认"), default=True)
    # The cultivation pool's sort key: how far the latest filing, else the officials' estimate, is from
    # eligibility (0 when eligible; none without either). Kept by certification whenever a filing or an
    # estimate changes (certification.services.pool.pool_distances_refresh), so the pool is read in
    # order from an index instead of working out every candidate's distance to sort them.
    pool_distance = models.PositiveSmallIntegerField(_("距符合条件的差距"), null=True, blank=True, editable=False)

    history_exclude = ("pool_distance",)  # derived from filings and estimates, which keep their own

    class Meta:
        ordering = ["-established_on", "id"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                name="enterprise_credit_code_unique",
                violation_error_message=_("该统一社会信用代码的企业已存在。"),
            ),
            models.CheckConstraint(
                condition=Q(credit_code__regex=CREDIT_CODE_PATTERN), name="enterprise_credit_code_shape"
            ),
            models.CheckConstraint(
                condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=Decimal("0")),
                name="enterprise_capital_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(origin="introduced") | Q(introduced_on__isnull=False),
                name="enterprise_introduced_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["managing_district", "established_on"]),
            # Sorted by name (the list's column, the suggestions): a page of a million walks the index and
            # stops, even when most names match a search, instead of sorting every match.
            models.Index(fields=["name", "id"], name="enterprise_name_order"),
            # Filings, agreements and visits are scoped to a district through their enterprise, and a notice
            # batch's filings are listed by district and name (certification.selectors.notice): with the
            # district and the name in the key's index, the join reads the index alone, not a million-row
            # table. (The same index without the name is gone: nothing read it, every import wrote it.)
            models.Index(fields=["id"], include=["managing_district", "name"], name="enterprise_id_district_name"),
            # The pool is a few thousand of a million enterprises: read per district, or the whole city, in
            # its default order (certification.selectors.pool.CLOSENESS_ORDER), never scanned in full.
            models.Index(
                fields=["managing_district", "pool_distance", "name", "id"],
                condition=Q(in_cultivation_pool=True),
                name="enterprise_pool_by_district",
            ),
            models.Index(
                fields=["pool_distance", "name", "id"],
                condition=Q(in_cultivation_pool=True),
                name="enterprise_pool_closest",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:detail", args=[self.pk])


class DistrictMove(models.Model):
    """An enterprise moving from one managing district to another, from a day on.

    The quota figures of a past day count each enterprise where it was managed that day (RULES.md §5):
    the district on day D is the ``from_district`` of the first move after D, or the current one.
    Written wherever the managing district changes (the registry import and the admin).
    """

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="district_moves"
    )
    from_district = models.ForeignKey(
        District, verbose_name=_("原管理区县/功能区"), on_delete=models.PROTECT, related_name="+"
    )
    to_district = models.ForeignKey(
        District, verbose_name=_("新管理区县/功能区"), on_delete=models.PROTECT, related_name="+"
    )
    moved_on = models.DateField(_("迁移日期"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["enterprise", "moved_on", "id"]
        verbose_name = _("管理区县变更")
        verbose_name_plural = _("管理区县变更")
        constraints = [
            models.CheckConstraint(condition=~Q(from_district=models.F("to_district")), name="district_move_moves"),
        ]
        indexes = [models.Index(fields=["enterprise", "moved_on"], name="district_move_by_enterprise")]

    def __str__(self):
        return f"{self.enterprise_id}: {self.from_district_id} → {self.to_district_id} ({self.moved_on})"


def _authorisation_letter_path(instance, filename: str) -> str:
    return f"memberships/{random_stored_name(filename)}"


class KeepsEnterpriseDistrict(models.Model):
    """A record of an enterprise (a foreign key ``enterprise``) with a copy of its managing district.

    Set when the record is made and moved with the enterprise (``enterprises.services.moves``, the one way a
    district changes; connected by :func:`enterprises.services.moves.keep_district_copies`), so a district's
    lists and counts read the record's own indexes instead of joining thousands of records to a million
    enterprises. A model that keeps a history lists ``managing_district`` in its ``history_exclude``: the
    move is recorded on the enterprise.
    """

    managing_district = models.ForeignKey(
        District,
        verbose_name=_("管理区县/功能区"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # each model indexes it with what its district pages ask
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.managing_district_id is None and self.enterprise_id is not None:
            self.managing_district_id = self.enterprise.managing_district_id
        super().save(*args, **kwargs)


class EnterpriseMembership(TrackedModel):
    """A user account acting for one enterprise: first a claim, verified before it gives any access.

    Credit codes are public, so naming one proves nothing. A claim is verified by the enterprise's
    account administrator (企业管理员), or by the managing district's official after checking the
    stamped authorisation letter (授权委托书) the claimant uploads; the first account of an enterprise
    always goes the district's way and becomes its administrator.
    """

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("待验证")
        VERIFIED = "verified", _("已验证")
        REJECTED = "rejected", _("未通过验证")
        REMOVED = "removed", _("已移除")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="enterprise_membership"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="memberships"
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(_("验证状态"), max_length=10, choices=Status.choices, default=Status.CLAIMED)
    is_admin = models.BooleanField(_("企业管理员"), default=False)
    authorisation_letter = models.FileField(
        _("授权委托书"), upload_to=_authorisation_letter_path, max_length=200, blank=True
    )
    authorisation_letter_name = models.CharField(_("授权委托书原文件名"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验证人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    decision_note = models.CharField(_("验证意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("企业用户")
        verbose_name_plural = _("企业用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_admin=False) | Q(status="verified"), name="membership_admin_is_verified"
            ),
            models.UniqueConstraint(fields=["enterprise"], condition=Q(is_admin=True), name="membership_one_admin"),
        ]
        indexes = [models.Index(fields=["enterprise", "status"], name="membership_enterprise_status")]

    def __str__(self):
        return f"{self.user} → {self.enterprise}"

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class ProviderIdentity(models.Model):
    """An account's person at the identity provider (:mod:`enterprises.oidc`), by the subject only it asserts."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_identity")
    subject = models.CharField(_("统一身份认证标识"), max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject"], name="provider_identity_subject_unique")]

    def __str__(self):
        return str(self.user)  # not the subject: often a resident ID number


class OfficialMembership(TrackedModel):
    """A government official: of one district or zone, or of the whole city when district is empty."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="official_membership"
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("区县/功能区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
        help_text=_("留空表示市级管理人员。"),
    )

    class Meta:
        verbose_name = _("政府管理人员")
        verbose_name_plural = _("政府管理人员")

    def __str__(self):
        return f"{self.user} → {self.district or _('全市')}"


def _registry_upload_path(instance, filename: str) -> str:
    # Never reuse the uploaded name on disk; keep only a known extension.
    suffix = ".csv" if filename.lower().endswith(".csv") else ".xlsx"
    return f"registry_imports/{uuid.uuid4().hex}{suffix}"


def _registry_report_path(instance, filename: str) -> str:
    return f"registry_imports/errors/{uuid.uuid4().hex}.xlsx"


class RegistryImport(BackgroundJob):
    """One upload of the market regulator's registry export by a city official, run as a Celery task."""

    file = models.FileField(_("上传文件"), upload_to=_registry_upload_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    counts = models.JSONField(_("导入结果"), default=dict, blank=True)
    error_report = models.FileField(_("错误报告"), upload_to=_registry_report_path, max_length=200, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("登记数据导入")
        verbose_name_plural = _("登记数据导入")

    def __str__(self):
        return f"{self.original_name or self.file.name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("enterprises:import_detail", args=[self.pk])
