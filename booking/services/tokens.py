"""Reservation codes and secret tokens: what a parent holds instead of an account."""

import hashlib
import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out on the phone


def generate_code() -> str:
    """A reservation code such as ``F3M-72SV``: short enough to read out on the phone."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))
    return f"{chars[:3]}-{chars[3:]}"


def generate_token() -> str:
    """A secret for a link (192 bits); only its hash is stored."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
