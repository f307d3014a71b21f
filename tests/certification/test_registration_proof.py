"""Registration made visible: the number and validity on the filing pages, a printable proof and its PDF
with a QR code of the public lookup, and the lookup by registration number."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, Registration
from certification.rules.registration import as_registration_number, registration_number
from smeportal.qr import QUIET_ZONE, qr_matrix, qr_svg
from tests.factories import ApplicationFactory
from tests.helpers import export_recorded

NUMBER = "2026510703A00042"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (NUMBER, NUMBER),
        ("2026510703a00042", NUMBER),
        (" 2026 510703 A00042 ", NUMBER),
        ("20265107030000001", None),  # one digit too many
        ("2026510703C00042", None),  # no such flag
        ("2026510703A0004", None),
        ("绵阳", None),
        ("", None),
    ],
)
def test_what_reads_as_a_registration_number(text, number):
    assert as_registration_number(text) == number


def test_the_number_is_written_as_the_lookup_reads_it():
    written = registration_number(evaluation_year=2026, code="510703", flag="B", serial=7)
    assert written == "2026510703B00007" and as_registration_number(written) == written


def finder_pattern(matrix, top, left):
    return [row[left : left + 7] for row in matrix[top : top + 7]]


def test_the_qr_code_has_its_three_finder_patterns_and_depends_on_the_text():
    matrix = qr_matrix("https://portal.example.gov.cn/certification/lookup/?q=" + NUMBER)
    size = len(matrix)
    assert size >= 21 and (size - 17) % 4 == 0 and all(len(row) == size for row in matrix)
    expected = [[r in (0, 6) or c in (0, 6) or (2 <= r <= 4 and 2 <= c <= 4) for c in range(7)] for r in range(7)]
    for top, left in ((0, 0), (0, size - 7), (size - 7, 0)):
        assert finder_pattern(matrix, top, left) == expected
    assert qr_matrix("https://portal.example.gov.cn/certification/lookup/?q=2026510703A00043") != matrix
    svg = qr_svg("x")
    side = len(qr_matrix("x")) + 2 * QUIET_ZONE
    assert f'viewBox="0 0 {side} {side}"' in svg and "<script" not in svg


@pytest.fixture
def registered(enterprise):
    application = ApplicationFactory(enterprise=enterprise, evaluation_year=2026, state=Application.State.REGISTERED)
    return Registration.objects.create(
        application=application,
        enterprise=enterprise,
        evaluation_year=2026,
        number=NUMBER,
        valid_from=dt.date(2026, 11, 20),
        valid_until=dt.date(2026, 12, 31),
    )


@pytest.mark.django_db
def test_the_enterprise_sees_its_number_validity_and_a_printable_proof(client, enterprise_user, registered, today):
    today(dt.date(2026, 12, 2))
    client.force_login(enterprise_user)
    detail = client.get(reverse("certification:filing_detail", args=[registered.application_id])).text
    assert 'data-testid="registration-number">2026510703A00042<' in detail and "2026-12-31" in detail
    proof_url = reverse("certification:registration_proof", args=[registered.pk])
    assert proof_url in detail
    proof = client.get(proof_url).text
    assert "科技型中小企业入库登记证明" in proof and NUMBER in proof and "91510703" in proof
    assert 'src="data:image/svg+xml;base64,' in proof
    assert f"http://testserver/certification/lookup/?q={NUMBER}" in proof
    assert 'data-testid="proof-not-valid"' not in proof


@pytest.mark.django_db
def test_a_revoked_registration_s_proof_says_so(client, enterprise_user, registered, today):
    today(dt.date(2026, 12, 2))
    registered.revoked_at = timezone.make_aware(dt.datetime(2026, 12, 1, 10))
    registered.revocation_grounds = Registration.Grounds.FRAUD
    registered.save()
    client.force_login(enterprise_user)
    proof = client.get(reverse("certification:registration_proof", args=[registered.pk])).text
    assert 'data-testid="proof-not-valid"' in proof and "已撤销（2026-12-01）" in proof


@pytest.mark.django_db
def test_the_pdf_is_one_page_named_after_the_number(client, district_official, registered):
    client.force_login(district_official)
    response = client.get(reverse("certification:registration_proof_pdf", args=[registered.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and NUMBER in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    body = response.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert re.findall(rb"/Count \d+", body) == [b"/Count 1"]
    # The document title is stored as UTF-16 with its byte order mark; the number's digits are in it.
    title = re.search(rb"/Title \((.*?)\) /", body).group(1)
    assert b"\\0002\\0000\\0002\\0006" in title
    recorded = export_recorded(district_official, "registration_proof")
    assert recorded["filters"] == {"registration": NUMBER} and recorded["rows"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_enterprise_user", "other_district_official", "department_user"])
def test_nobody_outside_the_scope_gets_the_proof(persona_client, registered, persona):
    client = persona_client(persona)
    for name in ("certification:registration_proof", "certification:registration_proof_pdf"):
        assert client.get(reverse(name, args=[registered.pk])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("query", [NUMBER, NUMBER.lower(), "2026 510703 A00042"])
def test_the_public_lookup_finds_a_firm_by_its_registration_number(client, registered, query, other_enterprise):
    page = client.get(reverse("certification:lookup"), {"q": query}).text
    assert NUMBER in page and registered.enterprise.name in page


@pytest.mark.django_db
def test_the_registration_card_is_on_the_review_page(client, city_official, registered):
    client.force_login(city_official)
    page = client.get(reverse("certification:review_detail", args=[registered.application_id])).text
    assert 'data-testid="registration-card"' in page and NUMBER in page
