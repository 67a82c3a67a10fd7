"""A reservation's credential that came in a URL (an email's ``?token=`` or ``?me=``), traded
for a short-lived cookie (``core.credentials``): one cookie ``rsv-<CODE>`` per reservation. A
credential in a form's POST body is taken as it always was.
"""

from __future__ import annotations

from core.credentials import COOKIE_AGE, CookieCredential

RESERVATION = CookieCredential(
    prefix="rsv", salt="parents.credentials", keys=("token", "me"), age=COOKIE_AGE
)
