"""QR codes as a compact SVG data URI (an ``<img>`` source the Content-Security-Policy allows), drawn from
the module matrix of ReportLab's encoder, the library that also writes the portal's PDFs."""

from __future__ import annotations

import base64

from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 4  # modules of white border readers need around the code


def qr_matrix(text: str) -> list[list[bool]]:
    """The dark (True) and light modules of ``text``'s QR code, error correction level M."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    size = code.getModuleCount()
    return [[code.isDark(row, column) for column in range(size)] for row in range(size)]


def qr_svg(text: str) -> str:
    """An SVG of the code: one path of unit squares, a white quiet zone around it."""
    matrix = qr_matrix(text)
    side = len(matrix) + 2 * QUIET_ZONE
    squares = "".join(
        f"M{column + QUIET_ZONE} {row + QUIET_ZONE}h1v1h-1z"
        for row, line in enumerate(matrix)
        for column, dark in enumerate(line)
        if dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges">'
        f'<rect width="{side}" height="{side}" fill="#fff"/><path d="{squares}" fill="#000"/></svg>'
    )


def qr_svg_data_uri(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text).encode()).decode("ascii")
