"""QR codes as a compact SVG data URI (an ``<img>`` source the Content-Security-Policy allows), drawn from
the module matrix of ReportLab's encoder, the library that also writes the portal's PDFs."""

from __future__ import annotations

import base64
import itertools
import re

from reportlab.graphics.barcode import qrencoder

QUIET_ZONE = 4  # modules of white border readers need around the code

_RUN = re.compile(rb"\x00{5,}|\x01{5,}")
_FINDER_LIKE = bytes([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0])
_BITS = bytes.maketrans(b"\x00\x01", b"01")


def lost_points(modules: list[list[bool]]) -> int:
    """ReportLab's penalty of a masked matrix (``QRUtil.getLostPoint``), the same number computed on bytes
    and integers rather than module by module, which took 3 ms a mask, most of the enrolment page's time.

    Its rules as ReportLab counts them: runs of five or more modules of one colour in rows and columns
    (length - 2 each), 2×2 blocks of one colour (3 each), the finder-like pattern 1011101 0000 read left to
    right in rows only, without overlaps and not at the row's last position (40 each; ReportLab's
    column pass compares tuples with a list and never matches), and the dark share's distance from half.
    """
    size = len(modules)
    rows = [bytes(row) for row in modules]
    columns = [bytes(column) for column in zip(*modules, strict=True)]
    runs = sum(len(run) - 2 for line in (*rows, *columns) for run in _RUN.findall(line))
    ints = [int(row.translate(_BITS), 2) for row in rows]
    pairs = (1 << (size - 1)) - 1  # bit j: columns j and j+1
    blocks = sum(
        (~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1)) & ~(upper ^ lower) & pairs).bit_count()
        for upper, lower in itertools.pairwise(ints)
    )
    finders = 0
    last = size - len(_FINDER_LIKE)
    for row in rows:
        at = row.find(_FINDER_LIKE)
        while 0 <= at < last:
            finders += 1
            at = row.find(_FINDER_LIKE, at + len(_FINDER_LIKE))
    dark = sum(row.count(1) for row in rows)
    return runs + 3 * blocks + 40 * finders + 10 * (abs(100 * dark // size**2 - 50) // 5)


class _QRCode(qrencoder.QRCode):
    def getBestMaskPattern(self):
        """ReportLab's choice of mask (the first of the lowest penalty), with the faster penalty."""
        points = []
        for pattern in range(8):
            self.makeImpl(True, pattern)
            points.append(lost_points(self.modules))
        return points.index(min(points))


def qr_matrix(text: str) -> list[list[bool]]:
    """The dark (True) and light modules of ``text``'s QR code, error correction level M."""
    code = _QRCode(None, qrencoder.QRErrorCorrectLevel.M)
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
