"""QR codes as inline SVG (segno): a reservation's 受付用QRコード on its pages and its 受付票."""

from __future__ import annotations

import hashlib

import segno
from django.core.cache import cache

# A code's QR code never changes; segno spends about 6 ms choosing the best of its eight masks,
# so a page opened again (the reservation's page after the one after booking) reads it back.
QR_CACHE_SECONDS = 24 * 60 * 60


def qr_svg(url: str, *, scale: int = 4, border: int = 2) -> str:
    """The QR code of ``url`` as inline SVG with no size of its own (a viewBox keeps it square
    and sharp): the page or the print sizes it."""
    key = "qr:" + hashlib.sha256(f"{scale}:{border}:{url}".encode()).hexdigest()
    return cache.get_or_set(
        key,
        lambda: segno.make(url, error="m").svg_inline(
            scale=scale, dark="#000", border=border, omitsize=True
        ),
        QR_CACHE_SECONDS,
    )
