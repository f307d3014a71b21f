"""The QR codes of smeportal.qr: ReportLab's codes exactly (same mask, same modules), with the faster penalty."""

import random

import pytest
from reportlab.graphics.barcode import qrencoder

from smeportal.qr import lost_points, qr_matrix

rng = random.Random(14)
TEXTS = [
    "otpauth://totp/%E7%A7%91%E6%8A%80%3Auser?secret=FLZJFMSRFVIORKLD5MHJLJ4UNFIH53JN&issuer=%E7%A7%91",
    *("".join(rng.choice("abcXYZ019%&=?/:") for _ in range(rng.randint(5, 400))) for _ in range(12)),
]


def reportlab_code(text: str) -> qrencoder.QRCode:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    return code


@pytest.mark.parametrize("text", TEXTS)
def test_the_penalty_is_reportlabs_for_every_mask(text):
    code = reportlab_code(text)
    code.version = code.calculate_version()
    for pattern in range(8):
        code.makeImpl(True, pattern)
        assert lost_points(code.modules) == qrencoder.QRUtil.getLostPoint(code)


@pytest.mark.parametrize("text", TEXTS)
def test_the_code_is_reportlabs(text):
    code = reportlab_code(text)
    code.make()
    size = code.getModuleCount()
    assert qr_matrix(text) == [[code.isDark(row, column) for column in range(size)] for row in range(size)]
