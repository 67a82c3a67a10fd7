"""core.qr: a QR code is made once per address and read back after (segno spends about 6 ms on
choosing its mask, on every reservation page that shows a 受付用QRコード)."""

from __future__ import annotations

import uuid
from unittest import mock

import segno

from core.qr import qr_svg


def test_a_qr_code_is_made_once_and_read_back():
    # An address of its own (never cache.clear(): with Redis it would empty the other tests').
    url = f"https://yoyaku.example.jp/staff/check-in/{uuid.uuid4().hex[:8].upper()}/"
    with mock.patch("core.qr.segno.make", wraps=segno.make) as made:
        first = qr_svg(url)
        assert qr_svg(url) == first
        assert made.call_count == 1
        other = qr_svg(url + "?again")
    assert made.call_count == 2 and other != first
    assert first.startswith("<svg viewBox=") and 'width="' not in first.split(">", 1)[0]
