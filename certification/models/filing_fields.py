"""The names and sizes of a filing's fields, shared by the filing, the pool's estimates, the forms and the
review: which figures are declared, which make up the finances, which evidence each direct path needs."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

STAFF_DIGITS = 9


MONEY_DIGITS = 14


# The declared figures, in the order of rules.Declaration; the names are the engine's field names.
DECLARED_NUMBER_FIELDS = ("total_staff", "tech_staff", "sales_revenue", "total_costs", "rd_expense", "total_assets")


DECLARED_COUNT_FIELDS = ("class1_ip", "class2_ip")


DECLARED_FLAG_FIELDS = ("resident_enterprise", "audited_tax_collection", "restricted_industry", "compliance_violation")


DECLARED_FIELDS = (*DECLARED_NUMBER_FIELDS, *DECLARED_COUNT_FIELDS, *DECLARED_FLAG_FIELDS, "direct_paths")


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


# The evidence of each direct-confirmation path (RULES.md §1, 第八条; rules in certification.rules.evidence).
EVIDENCE_BY_PATH = {
    "high_tech_certificate": ("high_tech_certificate_number", "high_tech_certificate_valid_until"),
    "national_award_top3": ("award_name", "award_year", "award_rank"),
    "provincial_rd_institution": ("institution_name", "institution_level", "institution_authority", "institution_year"),
    "led_standard": ("standard_name", "standard_number", "standard_year", "standard_drafter_rank"),
}


EVIDENCE_FIELDS = tuple(name for names in EVIDENCE_BY_PATH.values() for name in names)


INSTITUTION_LEVEL_CHOICES = [
    ("national", _("国家级")),
    ("provincial", _("省级")),
    ("ministerial", _("部级")),
]
