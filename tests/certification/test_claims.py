"""Claims without their items (certification.rules.claims): each row one filing, the flags it raises."""

from decimal import Decimal

import pytest

from certification.models import ApplicationAttachment
from certification.rules import claims
from certification.rules.claims import Listed

ALL_KINDS = frozenset({claims.IP_CERTIFICATES, claims.FINANCIAL_STATEMENTS, claims.HIGH_TECH_CERTIFICATE})
BORNE_OUT = Listed(class1_items=1, class2_items=3, rd_projects=2, attachment_kinds=ALL_KINDS)

CASES = [
    # (case, class1_ip, class2_ip, rd_expense, direct_paths, listed, expected codes)
    ("nothing claimed, nothing listed", 0, 0, None, (), Listed(), []),
    ("zero R&D needs no project", 0, 0, Decimal("0"), (), Listed(), []),
    ("every claim borne out", 1, 3, Decimal("48"), ("high_tech_certificate",), BORNE_OUT, []),
    ("class I claimed, no items", 1, 0, None, (), Listed(attachment_kinds=ALL_KINDS), [claims.CLASS1_IP_UNLISTED]),
    (
        "class II count above the items",
        0,
        3,
        None,
        (),
        Listed(class2_items=2, attachment_kinds=ALL_KINDS),
        [claims.CLASS2_IP_UNLISTED],
    ),
    ("items at least the count", 0, 2, None, (), Listed(class2_items=3, attachment_kinds=ALL_KINDS), []),
    (
        "IP claimed with neither items nor certificates",
        1,
        2,
        None,
        (),
        Listed(),
        [claims.CLASS1_IP_UNLISTED, claims.CLASS2_IP_UNLISTED, claims.IP_CERTIFICATES_MISSING],
    ),
    (
        "R&D expense without projects",
        0,
        0,
        Decimal("48"),
        (),
        Listed(attachment_kinds=ALL_KINDS),
        [claims.RD_PROJECTS_MISSING],
    ),
    (
        "R&D expense without financial statements",
        0,
        0,
        Decimal("0.01"),
        (),
        Listed(rd_projects=1),
        [claims.FINANCIAL_STATEMENTS_MISSING],
    ),
    (
        "high-tech path without the certificate",
        0,
        0,
        None,
        ("high_tech_certificate",),
        Listed(),
        [claims.HIGH_TECH_CERTIFICATE_MISSING],
    ),
    ("another path needs no certificate copy", 0, 0, None, ("led_standard",), Listed(), []),
    (
        "the issue's filing: counts and R&D, nothing listed",
        1,
        3,
        Decimal("48"),
        (),
        Listed(),
        [
            claims.CLASS1_IP_UNLISTED,
            claims.CLASS2_IP_UNLISTED,
            claims.RD_PROJECTS_MISSING,
            claims.IP_CERTIFICATES_MISSING,
            claims.FINANCIAL_STATEMENTS_MISSING,
        ],
    ),
]


@pytest.mark.parametrize(
    ("class1_ip", "class2_ip", "rd_expense", "direct_paths", "listed", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_unsupported_claims(class1_ip, class2_ip, rd_expense, direct_paths, listed, expected):
    flags = claims.unsupported_claims(
        class1_ip=class1_ip, class2_ip=class2_ip, rd_expense=rd_expense, direct_paths=direct_paths, listed=listed
    )
    assert [flag.code for flag in flags] == expected


def test_each_flag_names_its_section_and_fills_its_message():
    flags = claims.unsupported_claims(
        class1_ip=2, class2_ip=0, rd_expense=Decimal("48.00"), direct_paths=(), listed=Listed(class1_items=1)
    )
    by_code = {flag.code: flag for flag in flags}
    assert by_code[claims.CLASS1_IP_UNLISTED].section == "ip"
    assert by_code[claims.CLASS1_IP_UNLISTED].message.format(**by_code[claims.CLASS1_IP_UNLISTED].params) == (
        "声明I类知识产权2项，清单中计入的只有1项。"
    )
    assert by_code[claims.RD_PROJECTS_MISSING].section == "rd"
    assert "48.00" in by_code[claims.RD_PROJECTS_MISSING].message.format(**by_code[claims.RD_PROJECTS_MISSING].params)
    assert {
        by_code[code].section for code in (claims.IP_CERTIFICATES_MISSING, claims.FINANCIAL_STATEMENTS_MISSING)
    } == {"attachments"}


def test_the_evidence_kinds_are_attachment_kinds():
    assert set(ApplicationAttachment.Kind.values) >= ALL_KINDS
