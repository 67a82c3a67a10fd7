"""Email addresses that receive no mail: the placeholders of parties that gave none.

A party booked at the door (walk-in) or by phone (電話予約) may give no email address. The
reservation still needs one (one live reservation per address and session, by a unique
constraint), so it gets a random address in the reserved top-level domain ``.invalid``
(RFC 2606), which no mail system delivers to; erased reservations get one too
(``booking.privacy``). Nothing is queued or sent to such an address (``notifications``), and
the staff's pages and files show it as no address.
"""

from __future__ import annotations

import secrets

# RFC 2606: a domain under this top-level domain never resolves.
NO_MAIL_TLD = "invalid"


def placeholder_email(domain: str) -> str:
    """A new, unique address in ``domain`` (which must end in ``.invalid``)."""
    if not domain.endswith("." + NO_MAIL_TLD):
        raise ValueError(f"{domain} is not under .{NO_MAIL_TLD}")
    return f"{secrets.token_hex(8)}@{domain}"


def receives_email(address: str | None) -> bool:
    """Whether an email to ``address`` could reach anyone (False: empty or a placeholder)."""
    local, at, domain = (address or "").strip().lower().rpartition("@")
    if not (local and at and domain):
        return False
    return domain != NO_MAIL_TLD and not domain.endswith("." + NO_MAIL_TLD)
