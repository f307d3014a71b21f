"""Serializers of the public self-evaluation, shared by the JSON API and the calculator page."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from certification import rules

MIN_EVALUATION_YEAR = min(rules.RULESETS)


MAX_EVALUATION_YEAR = 2100


STAFF_MAX_DIGITS = 9  # up to 9,999,999.99 people


MONEY_MAX_DIGITS = 14  # up to 999,999,999,999.99 万元


IP_MAX = 100_000


DIRECT_PATH_CHOICES = [
    ("high_tech_certificate", _("有效期内的高新技术企业资格证书")),
    ("national_award_top3", _("近五年内获得过国家级科技奖励，并在获奖单位中排名前三")),
    ("provincial_rd_institution", _("拥有经认定的省部级以上研发机构")),
    ("led_standard", _("近五年内主导制定过国际标准、国家标准或行业标准")),
]


assert [code for code, _label in DIRECT_PATH_CHOICES] == list(rules.DIRECT_PATHS)


class AmountField(serializers.DecimalField):
    """A non-negative decimal, sent as a string (people, 万元)."""

    def __init__(self, *, max_digits: int, decimal_places: int = 2, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, min_value=0, **kwargs)


class AmountFieldSchema(OpenApiSerializerFieldExtension):
    """The schema's pattern admits exactly what the field accepts: digits, no sign, no empty string.

    drf-spectacular's default decimal pattern lets "", "-" and negative numbers through, so API
    fuzzers send them as valid data.
    """

    target_class = "certification.evaluation_input.AmountField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        whole, places = field.max_digits - field.decimal_places, field.decimal_places
        return {"type": "string", "format": "decimal", "pattern": rf"^\d{{1,{whole}}}(?:\.\d{{1,{places}}})?$"}


def _staff(label, help_text):
    return AmountField(max_digits=STAFF_MAX_DIGITS, label=label, help_text=help_text)


def _money(label, help_text):
    return AmountField(max_digits=MONEY_MAX_DIGITS, label=label, help_text=help_text)


class EvaluationInputSerializer(serializers.Serializer):
    evaluation_year = serializers.IntegerField(
        min_value=MIN_EVALUATION_YEAR, max_value=MAX_EVALUATION_YEAR, label=_("评价年度")
    )
    total_staff = _staff(_("职工总数（人）"), _("上一年度季度平均数，最多两位小数"))
    tech_staff = _staff(_("科技人员数（人）"), _("上一年度季度平均数，不得超过职工总数"))
    sales_revenue = _money(_("销售收入（万元）"), _("上一年度主营业务收入与其他业务收入之和"))
    total_costs = _money(_("成本费用支出总额（万元）"), _("上一年度成本、税金及附加与三项费用之和"))
    rd_expense = _money(_("研发费用总额（万元）"), _("上一年度研发费用"))
    total_assets = _money(_("资产总额（万元）"), _("上一年度末资产总额"))
    class1_ip = serializers.IntegerField(
        min_value=0,
        max_value=IP_MAX,
        label=_("I类知识产权（项）"),
        help_text=_("发明专利、植物新品种、集成电路布图设计等"),
    )
    class2_ip = serializers.IntegerField(
        min_value=0,
        max_value=IP_MAX,
        label=_("II类知识产权（项）"),
        help_text=_("实用新型专利、外观设计专利、软件著作权"),
    )
    resident_enterprise = serializers.BooleanField(default=True, label=_("在中国境内（不含港澳台）注册的居民企业"))
    audited_tax_collection = serializers.BooleanField(default=True, label=_("实行查账征收"))
    restricted_industry = serializers.BooleanField(
        default=False, label=_("属于限制、淘汰类或研发费用加计扣除负面清单行业")
    )
    compliance_violation = serializers.BooleanField(
        default=False, label=_("上一年度至今有重大事故、严重违法失信或被列入经营异常名录")
    )
    direct_paths = serializers.ListField(
        child=serializers.ChoiceField(choices=DIRECT_PATH_CHOICES),
        default=list,
        max_length=len(DIRECT_PATH_CHOICES),
        label=_("直接确认条件"),
        help_text=_("满足任一项且符合第六条（一）至（四）项的，可直接确认符合条件"),
    )

    def validate(self, attrs):
        if attrs["tech_staff"] > attrs["total_staff"]:
            raise serializers.ValidationError({"tech_staff": [gettext("科技人员数不能超过职工总数。")]})
        return attrs

    def to_declaration(self) -> rules.Declaration:
        data = self.validated_data
        return rules.Declaration(
            evaluation_year=data["evaluation_year"],
            total_staff=data["total_staff"],
            tech_staff=data["tech_staff"],
            sales_revenue=data["sales_revenue"],
            total_costs=data["total_costs"],
            rd_expense=data["rd_expense"],
            total_assets=data["total_assets"],
            class1_ip=data["class1_ip"],
            class2_ip=data["class2_ip"],
            resident_enterprise=data["resident_enterprise"],
            audited_tax_collection=data["audited_tax_collection"],
            restricted_industry=data["restricted_industry"],
            compliance_violation=data["compliance_violation"],
            direct_paths=frozenset(data["direct_paths"]),
        )


class ScoresSerializer(serializers.Serializer):
    tech_staff = serializers.IntegerField(help_text=_("科技人员指标得分（满分20）"))
    rd = serializers.IntegerField(help_text=_("研发投入指标得分：两种比例得分取高者（满分50）"))
    rd_by_sales = serializers.IntegerField(help_text=_("研发费用占销售收入比例得分"))
    rd_by_costs = serializers.IntegerField(help_text=_("研发费用占成本费用支出总额比例得分"))
    ip = serializers.IntegerField(help_text=_("科技成果指标得分（满分30）"))


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[
            rules.NOT_RESIDENT,
            rules.TAX_COLLECTION_NOT_AUDITED,
            rules.STAFF_OVER_CAP,
            rules.REVENUE_OVER_CAP,
            rules.ASSETS_OVER_CAP,
            rules.RESTRICTED_INDUSTRY,
            rules.COMPLIANCE_VIOLATION,
            rules.SCORE_BELOW_60,
            rules.TECH_STAFF_SCORE_ZERO,
        ]
    )
    message = serializers.CharField()


class GapSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=[
            rules.GAP_TECH_STAFF,
            rules.GAP_RD_EXPENSE,
            rules.GAP_CLASS2_IP,
            rules.GAP_CLASS1_IP,
            rules.GAP_BASIC_CONDITIONS,
            rules.GAP_NO_SINGLE_CHANGE,
        ],
        help_text=_("tech_staff、rd_expense、class1_ip、class2_ip 为可单独满足条件的调整；其余为说明"),
    )
    message = serializers.CharField()
    amount = serializers.DecimalField(
        max_digits=MONEY_MAX_DIGITS + 2,
        decimal_places=2,
        allow_null=True,
        help_text=_("该项需要增加的数量（人、万元或项）；说明类为 null"),
    )


class EvaluationResultSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    path = serializers.ChoiceField(choices=["score", "direct"], allow_null=True)
    total_score = serializers.IntegerField()
    scores = ScoresSerializer()
    reasons = ReasonSerializer(many=True)
    gap = GapSerializer(many=True)


def self_evaluate(data) -> tuple[EvaluationInputSerializer, rules.Evaluation | None]:
    """Validate the posted figures and run the engine: the one path of the API and the calculator.

    Returns the bound serializer (its ``errors`` per field when invalid) and the evaluation, or
    ``None`` when the input is invalid.
    """
    serializer = EvaluationInputSerializer(data=data)
    if not serializer.is_valid():
        return serializer, None
    return serializer, rules.evaluate(serializer.to_declaration(), gettext=gettext)
