"""The certification data: filings and their items, notices, registrations, revocations, spot checks
and pool estimates.

One module per sub-domain; everything is importable from here (``from certification.models import
Application``).
"""

from .calendar import DeadlineChange
from .campaign import EvaluationCampaign
from .events import ApplicationEvent
from .filing import Application, money_field
from .filing_fields import (
    DECLARED_COUNT_FIELDS,
    DECLARED_FIELDS,
    DECLARED_FLAG_FIELDS,
    DECLARED_NUMBER_FIELDS,
    EVIDENCE_BY_PATH,
    EVIDENCE_FIELDS,
    FINANCE_COMPONENT_FIELDS,
    FINANCE_COST_FIELDS,
    FINANCE_REVENUE_FIELDS,
    INSTITUTION_LEVEL_CHOICES,
    MONEY_DIGITS,
    NOT_NEGATIVE,
    QUARTER_KEYS,
    STAFF_DIGITS,
)
from .filing_items import (
    ApplicationAttachment,
    IntellectualProperty,
    RDProject,
)
from .notice import (
    CalendarOverride,
    NoticeBatch,
    Objection,
)
from .pool import (
    PoolEstimate,
)
from .registration import (
    Registration,
    RegistrationSequence,
    Revocation,
)
from .spot_check import (
    SpotCheck,
    SpotCheckDraw,
)

__all__ = [
    "DECLARED_COUNT_FIELDS",
    "DECLARED_FIELDS",
    "DECLARED_FLAG_FIELDS",
    "DECLARED_NUMBER_FIELDS",
    "EVIDENCE_BY_PATH",
    "EVIDENCE_FIELDS",
    "FINANCE_COMPONENT_FIELDS",
    "FINANCE_COST_FIELDS",
    "FINANCE_REVENUE_FIELDS",
    "INSTITUTION_LEVEL_CHOICES",
    "MONEY_DIGITS",
    "NOT_NEGATIVE",
    "QUARTER_KEYS",
    "STAFF_DIGITS",
    "Application",
    "ApplicationAttachment",
    "ApplicationEvent",
    "CalendarOverride",
    "DeadlineChange",
    "EvaluationCampaign",
    "IntellectualProperty",
    "NoticeBatch",
    "Objection",
    "PoolEstimate",
    "RDProject",
    "Registration",
    "RegistrationSequence",
    "Revocation",
    "SpotCheck",
    "SpotCheckDraw",
    "money_field",
]
