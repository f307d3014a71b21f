"""The proof of registration (入库登记证明): the facts it states, read by its print page and its PDF alike,
and the PDF itself. Its QR code opens the public lookup of the registration number, where anyone can
check that the registration is real and still valid."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from certification.models import Registration
from smeportal.qr import qr_svg_data_uri

# A font every PDF reader has for Chinese (Adobe's CID font), so nothing is embedded.
PDF_FONT = "STSong-Light"
QR_SIDE = 36 * mm


@dataclass(frozen=True)
class RegistrationProof:
    registration: Registration
    lookup_url: str
    today: dt.date

    @property
    def title(self) -> str:
        return _("科技型中小企业入库登记证明")

    @property
    def standing(self) -> Registration.Standing:
        return self.registration.standing_on(self.today)

    @property
    def status(self) -> str:
        if self.standing == Registration.Standing.REVOKED:
            return _("已撤销（{day}）").format(day=self.registration.revoked_at.date().isoformat())
        return str(self.standing.label)

    @property
    def valid(self) -> bool:
        return self.standing == Registration.Standing.VALID

    @property
    def rows(self) -> list[tuple[str, str]]:
        registration, enterprise = self.registration, self.registration.enterprise
        return [
            (_("企业名称"), enterprise.name),
            (_("统一社会信用代码"), enterprise.credit_code),
            (_("入库登记编号"), registration.number),
            (_("评价年度"), str(registration.evaluation_year)),
            (_("有效期"), f"{registration.valid_from.isoformat()} — {registration.valid_until.isoformat()}"),
            (_("管理区县"), enterprise.managing_district.name),
            (_("状态"), self.status),
            (_("出具日期"), self.today.isoformat()),
        ]

    @property
    def check_note(self) -> str:
        return _("扫描二维码或访问以下网址，可核验本登记的真实性和当前状态：")

    @property
    def qr_data_uri(self) -> str:
        return qr_svg_data_uri(self.lookup_url)

    @property
    def filename(self) -> str:
        return _("入库登记证明-{number}.pdf").format(number=self.registration.number)


@cache
def _pdf_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT


def _qr_drawing(text: str) -> Drawing:
    widget = QrCodeWidget(text)
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(QR_SIDE, QR_SIDE, transform=[QR_SIDE / (right - left), 0, 0, QR_SIDE / (top - bottom), 0, 0])
    drawing.add(widget)
    return drawing


def proof_pdf(proof: RegistrationProof) -> bytes:
    """One A4 page: the title, the facts, the QR code of the lookup and how to check."""
    font = _pdf_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{proof.title} {proof.registration.number}")
    width, height = A4
    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, height - 35 * mm, proof.title)
    y = height - 60 * mm
    for label, value in proof.rows:
        pdf.setFont(font, 11)
        pdf.drawString(30 * mm, y, label)
        pdf.setFont(font, 12)
        pdf.drawString(80 * mm, y, value)
        y -= 10 * mm
    renderPDF.draw(_qr_drawing(proof.lookup_url), pdf, 30 * mm, y - QR_SIDE)
    pdf.setFont(font, 9)
    pdf.drawString(30 * mm, y - QR_SIDE - 8 * mm, proof.check_note)
    pdf.drawString(30 * mm, y - QR_SIDE - 13 * mm, proof.lookup_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
