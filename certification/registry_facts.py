"""What the enterprise register establishes about a filing's declarations (:mod:`certification.rules.registry`),
read from the enterprise and said the way the form, the refusals and the review page say it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from certification.models import Application
from certification.rules import registry
from enterprises.models import Enterprise
from smeportal.text import join_clauses, join_list

REGISTRY_FLAGS = registry.REGISTRY_FLAGS


def facts_of(enterprise: Enterprise) -> registry.RegistryFacts:
    return registry.registry_facts(
        industry_section=enterprise.industry_section,
        industry_code=enterprise.industry_code,
        on_abnormal_list=enterprise.on_abnormal_list,
        seriously_dishonest=enterprise.seriously_dishonest,
    )


def contradictions(application: Application) -> tuple[str, ...]:
    """The declaration flags the register establishes but the filing does not declare."""
    declared = {name: getattr(application, name) for name in REGISTRY_FLAGS}
    return facts_of(application.enterprise).contradicted_by(declared)


def fact_text(facts: registry.RegistryFacts, name: str) -> str:
    """What the register says about declaration flag ``name``."""
    if name == "restricted_industry":
        if facts.restricted_industry:
            return _("登记行业{industry}属于限制、淘汰类或研发费用加计扣除负面清单行业").format(industry=facts.industry)
        return _("登记行业{industry}不在负面清单内").format(industry=facts.industry or "—")
    lists = [
        *([_("经营异常名录")] if facts.on_abnormal_list else []),
        *([_("严重失信名单")] if facts.seriously_dishonest else []),
    ]
    if lists:
        return _("已被列入{lists}").format(lists=join_list(lists))
    return _("未被列入经营异常名录或严重失信名单")


def contradiction_message(facts: registry.RegistryFacts, names) -> str:
    """The refusal for declarations that contradict the register."""
    return _("申报声明与企业登记信息不一致：{facts}，相应声明须为“是”。").format(
        facts=join_clauses(fact_text(facts, name) for name in names)
    )
