"""QR codes as inline SVG (segno): a reservation's 受付用QRコード on its pages and its 受付票."""

from __future__ import annotations

import segno


def qr_svg(url: str, *, scale: int = 4, border: int = 2) -> str:
    """The QR code of ``url`` as inline SVG with no size of its own (a viewBox keeps it square
    and sharp): the page or the print sizes it."""
    return segno.make(url, error="m").svg_inline(
        scale=scale, dark="#000", border=border, omitsize=True
    )
