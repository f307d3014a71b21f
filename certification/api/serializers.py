"""Serializers of the filings, notice batch and registration API.

Read serializers describe what the API answers; write serializers only validate the shape of a
request (types, ranges, lengths). Every business rule stays in :mod:`certification.services` and
:mod:`certification.notice_services`, which the views call."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from certification.evaluation_input import (
    DIRECT_PATH_CHOICES,
    IP_MAX,
    MAX_EVALUATION_YEAR,
    MIN_EVALUATION_YEAR,
    MONEY_MAX_DIGITS,
    STAFF_MAX_DIGITS,
    AmountField,
    EvaluationResultSerializer,
    GapSerializer,
    ReasonSerializer,
)
from certification.models import (
    DECLARED_FIELDS,
    EVIDENCE_FIELDS,
    INSTITUTION_LEVEL_CHOICES,
    Application,
    ApplicationEvent,
    IntellectualProperty,
    NoticeBatch,
    Registration,
)
from certification.selectors.calendar import NOTICE_START_RANGE
from certification.workflow import COMMENT_MAX
from smeportal.api import ID_MAX

EVIDENCE_YEAR_MIN = 1949


TITLE_MAX = 200


BATCH_MAX_FILINGS = 1000


# The schema's statement of the range, a little narrower (to 2099-12-31) where a pattern would get unreadable.
NOTICE_START_PATTERN = r"^(?:201[7-9]|20[2-9]\d)-\d{2}-\d{2}$"
assert (dt.date(2017, 1, 1), dt.date(2100, 12, 1)) == NOTICE_START_RANGE


class ConflictSerializer(serializers.Serializer):
    """409: the filing's state (or the engine) does not allow the action; nothing was written."""

    detail = serializers.CharField(help_text=_("给用户看的原因"))
    reasons = ReasonSerializer(many=True, help_text=_("自评不符合条件时的原因；其他情况为空列表"))
    gap = GapSerializer(many=True, help_text=_("自评不符合条件时的差距分析；其他情况为空列表"))


class FilingEnterpriseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    managing_district = serializers.IntegerField(source="managing_district_id", help_text=_("管理区县/功能区 ID"))
    managing_district_name = serializers.CharField(source="managing_district.name")


class FilingListSerializer(serializers.ModelSerializer):
    enterprise = FilingEnterpriseSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "enterprise", "evaluation_year", "state", "state_display", "submitted_on", "updated_at"]
        read_only_fields = fields


class FilingEventSerializer(serializers.ModelSerializer):
    # Declared so the schema admits "" (the event that created the filing has no previous state);
    # DRF drops allow_blank from read-only model fields.
    from_state = serializers.ChoiceField(choices=Application.State.choices, allow_blank=True, read_only=True)
    actor = serializers.SerializerMethodField(help_text=_("操作人；系统任务为 null"))
    field_comments = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ApplicationEvent
        fields = ["id", "from_state", "to_state", "actor", "comment", "field_comments", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_actor(self, event) -> str | None:
        if event.actor is None:
            return None
        return event.actor.get_full_name() or event.actor.get_username()


class IntellectualPropertySerializer(serializers.ModelSerializer):
    ip_class = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("1：I类；2：II类；null：不计入"))
    counts = serializers.BooleanField(read_only=True, help_text=_("是否计入知识产权数量"))

    class Meta:
        model = IntellectualProperty
        fields = [
            "id",
            "kind",
            "number",
            "title",
            "granted_on",
            "in_force",
            "related_to_main_products",
            "held_by_enterprise",
            "disputed",
            "ip_class",
            "counts",
        ]
        read_only_fields = fields


class FilingDetailSerializer(serializers.ModelSerializer):
    enterprise = FilingEnterpriseSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    direct_paths = serializers.ListField(child=serializers.ChoiceField(choices=DIRECT_PATH_CHOICES), read_only=True)
    result = serializers.SerializerMethodField(help_text=_("提交时冻结的自评结果；未提交为 null"))
    snapshot_frozen_on = serializers.SerializerMethodField(help_text=_("快照冻结日期；未提交为 null"))
    ip_items = IntellectualPropertySerializer(many=True, read_only=True)
    events = FilingEventSerializer(many=True, read_only=True, help_text=_("流转记录，按时间先后"))
    institution_level = serializers.ChoiceField(
        choices=INSTITUTION_LEVEL_CHOICES, allow_blank=True, read_only=True, help_text=_("研发机构级别；未填为空字符串")
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "enterprise",
            "evaluation_year",
            "state",
            "state_display",
            *DECLARED_FIELDS,
            *EVIDENCE_FIELDS,
            "submitted_on",
            "first_time_applicant",
            "evaluating_district",
            "result",
            "snapshot_frozen_on",
            "on_site_checked_on",
            "on_site_check_passed",
            "on_site_check_note",
            "decision_reason",
            "notice_batch",
            "ip_items",
            "events",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(EvaluationResultSerializer(allow_null=True))
    def get_result(self, application):
        evaluation = (application.snapshot or {}).get("evaluation")
        return None if evaluation is None else EvaluationResultSerializer(evaluation).data

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_snapshot_frozen_on(self, application) -> str | None:
        return (application.snapshot or {}).get("frozen_on")


def _staff(label):
    return AmountField(max_digits=STAFF_MAX_DIGITS, allow_null=True, required=False, label=label)


def _money(label):
    return AmountField(max_digits=MONEY_MAX_DIGITS, allow_null=True, required=False, label=label)


RANK_MAX = 1000  # a sanity bound; the rules (certification.rules.evidence) say which ranks count


def _text(name: str) -> serializers.CharField:
    """An evidence text as the model stores it (its label and length)."""
    field = Application._meta.get_field(name)
    return serializers.CharField(
        max_length=field.max_length, required=False, allow_blank=True, label=field.verbose_name
    )


def _year(help_text) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=EVIDENCE_YEAR_MIN, max_value=MAX_EVALUATION_YEAR, required=False, allow_null=True, help_text=help_text
    )


class FilingDraftSerializer(serializers.Serializer):
    """The declared figures of a draft: send only what changed; figures may stay empty until submission."""

    total_staff = _staff(_("职工总数（人）"))
    tech_staff = _staff(_("科技人员数（人）"))
    sales_revenue = _money(_("销售收入（万元）"))
    total_costs = _money(_("成本费用支出总额（万元）"))
    rd_expense = _money(_("研发费用总额（万元）"))
    total_assets = _money(_("资产总额（万元）"))
    class1_ip = serializers.IntegerField(min_value=0, max_value=IP_MAX, required=False, label=_("I类知识产权（项）"))
    class2_ip = serializers.IntegerField(min_value=0, max_value=IP_MAX, required=False, label=_("II类知识产权（项）"))
    resident_enterprise = serializers.BooleanField(required=False, label=_("在中国境内（不含港澳台）注册的居民企业"))
    audited_tax_collection = serializers.BooleanField(required=False, label=_("实行查账征收"))
    restricted_industry = serializers.BooleanField(
        required=False,
        label=_("属于限制、淘汰类或研发费用加计扣除负面清单行业"),
        help_text=_("企业登记的行业属于负面清单时依登记信息为 true，请求改为 false 的被拒绝（400）"),
    )
    compliance_violation = serializers.BooleanField(
        required=False,
        label=_("上一年度至今有重大事故、严重违法失信或被列入经营异常名录"),
        help_text=_("企业被列入经营异常名录或严重失信名单时依登记信息为 true，请求改为 false 的被拒绝（400）"),
    )
    direct_paths = serializers.ListField(
        child=serializers.ChoiceField(choices=DIRECT_PATH_CHOICES),
        required=False,
        max_length=len(DIRECT_PATH_CHOICES),
        label=_("直接确认条件"),
        help_text=_("每项条件须附下列相应证明，保存和提交时核验"),
    )
    high_tech_certificate_number = _text("high_tech_certificate_number")
    high_tech_certificate_valid_until = serializers.DateField(
        required=False, allow_null=True, help_text=_("高新技术企业证书：有效期须覆盖提交日")
    )
    award_name = _text("award_name")
    award_year = _year(_("国家级科技奖励：评价年度及此前评价工作安排规定的年数内（默认5年）获得"))
    award_rank = serializers.IntegerField(
        min_value=1, max_value=RANK_MAX, required=False, allow_null=True, help_text=_("获奖单位排名：须为1至3")
    )
    institution_name = _text("institution_name")
    institution_level = serializers.ChoiceField(
        choices=INSTITUTION_LEVEL_CHOICES, required=False, allow_blank=True, help_text=_("研发机构：省部级以上")
    )
    institution_authority = _text("institution_authority")
    institution_year = _year(_("研发机构认定年度：不晚于评价年度"))
    standard_name = _text("standard_name")
    standard_number = _text("standard_number")
    standard_year = _year(_("标准发布年度：评价年度及此前评价工作安排规定的年数内（默认5年）；编号带年份的须与之一致"))
    standard_drafter_rank = serializers.IntegerField(
        min_value=1,
        max_value=RANK_MAX,
        required=False,
        allow_null=True,
        help_text=_("本企业在起草单位中的排名：主导制定须为1（第一起草单位）"),
    )

    def declared_data(self) -> dict:
        return {
            name: value for name, value in self.validated_data.items() if name in (*DECLARED_FIELDS, *EVIDENCE_FIELDS)
        }


class FilingCreateSerializer(FilingDraftSerializer):
    """Create the caller's enterprise's draft for a year (or update it when it already exists)."""

    evaluation_year = serializers.IntegerField(
        min_value=MIN_EVALUATION_YEAR,
        max_value=MAX_EVALUATION_YEAR,
        label=_("评价年度"),
        help_text=_("只能填报申报期已开始且未截止的年度（见各年度评价工作安排）；其他年度答复 409"),
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_MAX, default="")


@extend_schema_field(
    {
        "type": "object",
        "properties": {name: {"type": "string", "maxLength": COMMENT_MAX} for name in DECLARED_FIELDS},
        "additionalProperties": False,
    }
)
class FieldCommentsField(serializers.DictField):
    """Comments keyed by the declared items: the schema names the keys the service accepts."""


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=COMMENT_MAX, default="", help_text=_("总体意见")
    )
    field_comments = FieldCommentsField(
        child=serializers.CharField(allow_blank=True, max_length=COMMENT_MAX),
        required=False,
        default=dict,
        help_text=_("逐项意见：键为申报项目名（如 rd_expense），值为意见；总体意见与逐项意见至少填写一项"),
    )


class OnSiteCheckSerializer(serializers.Serializer):
    passed = serializers.BooleanField(help_text=_("现场核查是否通过"))
    note = serializers.CharField(max_length=COMMENT_MAX, help_text=_("现场核查记录"))
    checked_on = serializers.DateField(required=False, allow_null=True, help_text=_("核查日期；默认今天"))


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=COMMENT_MAX, help_text=_("不予通过的理由"))


class NoticeFilingSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "enterprise_name", "credit_code", "evaluation_year", "state"]
        read_only_fields = fields


class NoticeBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeBatch
        fields = ["id", "title", "start_date", "end_date", "published", "created_at"]
        read_only_fields = fields


# A batch can hold thousands of filings: the detail shows the first ones, the filings endpoint pages them all.
NOTICE_FILINGS_SHOWN = 50


class NoticeBatchDetailSerializer(NoticeBatchSerializer):
    filing_count = serializers.SerializerMethodField(help_text=_("批次中公示的申报数"))
    filings = serializers.SerializerMethodField(
        help_text=_("按编号排列的前 50 条申报；全部申报见 notice-batches/{id}/filings/（分页）")
    )

    class Meta(NoticeBatchSerializer.Meta):
        fields = [*NoticeBatchSerializer.Meta.fields, "filing_count", "filings"]
        read_only_fields = fields

    def get_filing_count(self, batch) -> int:
        return batch.applications.count()

    @extend_schema_field(NoticeFilingSerializer(many=True))
    def get_filings(self, batch):
        shown = batch.applications.select_related("enterprise").order_by("id")[:NOTICE_FILINGS_SHOWN]
        return NoticeFilingSerializer(shown, many=True).data


@extend_schema_field({"type": "string", "format": "date", "pattern": NOTICE_START_PATTERN})
class NoticeStartField(serializers.DateField):
    """A date whose schema states the range validate_start_date enforces."""


class NoticeBatchCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX, help_text=_("公示标题"))
    start_date = NoticeStartField(
        help_text=_("公示开始日期：不早于今天，且在2017-01-01至2100-12-01之间；截止日期按官方工作日历顺延10个工作日")
    )

    def validate_start_date(self, value):
        if not NOTICE_START_RANGE[0] <= value <= NOTICE_START_RANGE[1]:
            raise serializers.ValidationError(
                gettext("公示开始日期须在{start}至{end}之间。").format(
                    start=NOTICE_START_RANGE[0], end=NOTICE_START_RANGE[1]
                )
            )
        return value

    application_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        min_length=1,
        max_length=BATCH_MAX_FILINGS,
        help_text=_("已推荐的申报 ID"),
    )


class RegistrationSerializer(serializers.ModelSerializer):
    revocation_grounds = serializers.ChoiceField(
        choices=Registration.Grounds.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("撤销事由；未撤销为空字符串"),
    )
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "number",
            "evaluation_year",
            "enterprise",
            "enterprise_name",
            "credit_code",
            "application",
            "valid_from",
            "valid_until",
            "revoked_at",
            "revocation_grounds",
            "revocation_reason",
        ]
        read_only_fields = fields


class RegisterDueResultSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text=_("本次入库登记的申报数"))
    registrations = RegistrationSerializer(many=True)


CONFLICT = OpenApiResponse(ConflictSerializer, description="当前状态不允许此操作（或自评不符合条件），未作任何修改")
