"""Claims of a filing that its listed items do not bear out (RULES.md §2). Pure: no Django imports.

The score counts class-I and class-II IP and the R&D expense as declared; what shows them is listed
beside them:

- a class-I or class-II count is borne by as many items of that class in the IP list that count (in
  force, held by the enterprise, related to its main products, free of disputes), and by the IP
  certificates among the attachments;
- an R&D expense is borne by the R&D projects it was spent on, and by the financial statements where
  it is booked;
- the high-tech certificate path (第八条) by a copy of the certificate.

A claim without its items is flagged, not refused: the enterprise is warned on the form before it
submits, and the reviewer sees each flag on the review page, where returning the filing for correction
is the reviewer's call (the national rules leave the examination of evidence to the evaluating agency).

Each flag names the section of the filing that fixes it (``ip``, ``rd`` or ``attachments``, the form's
steps) and carries a Chinese message template marked for translation, filled from ``params``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from .rulesets import _

# Attachment kinds that are evidence (the values of ApplicationAttachment.Kind).
IP_CERTIFICATES = "ip_certificates"
FINANCIAL_STATEMENTS = "financial_statements"
HIGH_TECH_CERTIFICATE = "high_tech_certificate"

CLASS1_IP_UNLISTED = "class1_ip_unlisted"
CLASS2_IP_UNLISTED = "class2_ip_unlisted"
IP_CERTIFICATES_MISSING = "ip_certificates_missing"
RD_PROJECTS_MISSING = "rd_projects_missing"
FINANCIAL_STATEMENTS_MISSING = "financial_statements_missing"
HIGH_TECH_CERTIFICATE_MISSING = "high_tech_certificate_missing"


@dataclass(frozen=True)
class Listed:
    """What the filing lists: counted IP items per class, R&D projects and the kinds of attachments."""

    class1_items: int = 0
    class2_items: int = 0
    rd_projects: int = 0
    attachment_kinds: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Flag:
    code: str
    section: str
    message: str
    params: dict = field(default_factory=dict)


def unsupported_claims(
    *,
    class1_ip: int,
    class2_ip: int,
    rd_expense: Decimal | None,
    direct_paths: Collection[str],
    listed: Listed,
) -> list[Flag]:
    """Every claim of the filing without its items, in the order of the filing's sections."""
    flags = []
    for code, claimed, items, message in (
        (
            CLASS1_IP_UNLISTED,
            class1_ip,
            listed.class1_items,
            _("声明I类知识产权{claimed}项，清单中计入的只有{listed}项。"),
        ),
        (
            CLASS2_IP_UNLISTED,
            class2_ip,
            listed.class2_items,
            _("声明II类知识产权{claimed}项，清单中计入的只有{listed}项。"),
        ),
    ):
        if claimed > items:
            flags.append(Flag(code, "ip", message, {"claimed": claimed, "listed": items}))
    if rd_expense and rd_expense > 0 and not listed.rd_projects:
        flags.append(
            Flag(RD_PROJECTS_MISSING, "rd", _("填报研发费用{amount}万元，但未列出研发项目。"), {"amount": rd_expense})
        )
    kinds = listed.attachment_kinds
    if (class1_ip or class2_ip) and IP_CERTIFICATES not in kinds:
        flags.append(Flag(IP_CERTIFICATES_MISSING, "attachments", _("声明了知识产权，但未上传知识产权证书。")))
    if rd_expense and rd_expense > 0 and FINANCIAL_STATEMENTS not in kinds:
        flags.append(
            Flag(FINANCIAL_STATEMENTS_MISSING, "attachments", _("填报了研发费用，但未上传载明研发费用的财务会计报表。"))
        )
    if HIGH_TECH_CERTIFICATE in direct_paths and HIGH_TECH_CERTIFICATE not in kinds:
        flags.append(
            Flag(HIGH_TECH_CERTIFICATE_MISSING, "attachments", _("按高新技术企业证书直接确认，但未上传证书。"))
        )
    return flags
