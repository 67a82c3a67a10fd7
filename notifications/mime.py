"""The MIME form of the product's emails, written out directly rather than by the email package.

Kept beside Django because it earns it on the workload it exists for (docs/ARCHITECTURE.md):
10,000 reminders through one Celery worker to an SMTP sink, run alternately on 2026-12-05,
went 738 and 774 emails/s with it against 611 and 630 with ``EmailMultiAlternatives.message()``
(0.8-0.9 ms of worker CPU per email against 1.4 ms). The bytes are Django's but for the random
boundary, which a test checks email by email; any shape it does not know is left to Django.
"""

from __future__ import annotations

import random
import re
import sys
from email import message_from_bytes
from email.generator import BytesGenerator
from email.message import Message
from email.mime.base import MIMEBase
from email.policy import compat32
from email.utils import formatdate, make_msgid
from functools import lru_cache
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers
from django.core.mail.utils import DNS_NAME


class OutboxEmail(EmailMultiAlternatives):
    """An email whose MIME form is written out directly rather than by the email package.

    ``message()`` gives the same bytes as Django's (the same headers, folded the same way, the
    same parts and transfer encodings; only the random boundary differs) at a fraction of the
    cost: headers shared by many emails (subject, sender) are encoded once per process, and
    the bodies are written as they are instead of being parsed back into lines. An email of
    another shape (cc, attachments that are not MIME parts, lines over 998 bytes, a charset
    other than UTF-8, non-ASCII addresses) is left to Django.
    """

    def message(self):
        data = _write_mime(self)
        return super().message() if data is None else RawMessage(data)


class RawMessage:
    """A message already written out: what the mail backends read from ``message()``."""

    def __init__(self, data: bytes) -> None:
        self.data = data  # "\n" line ends

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.data if linesep == "\n" else self.data.replace(b"\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode("utf-8", "surrogateescape")

    def get_charset(self):
        return None

    def parsed(self) -> Message:
        return message_from_bytes(self.data)

    def __getitem__(self, name: str):
        return self.parsed()[name]

    def __getattr__(self, name: str):
        # Anything else a caller may want from a message: read it from the parsed form.
        if name.startswith("__") or name == "data":
            raise AttributeError(name)
        return getattr(self.parsed(), name)


NEWLINES = re.compile(r"\r\n|\r|\n")


TEXT_PART_HEADERS = {
    (subtype, cte): (
        f'Content-Type: text/{subtype}; charset="utf-8"\nMIME-Version: 1.0\n'
        f"Content-Transfer-Encoding: {cte}\n\n"
    ).encode()
    for subtype in ("plain", "html")
    for cte in ("7bit", "8bit")
}


HANDLED_HEADERS = {"from", "to", "cc", "reply-to", "date", "subject"}


def _write_mime(email: EmailMultiAlternatives) -> bytes | None:
    """Return the MIME form of an email as Django would write it, or None to leave it to Django.

    Mirrors ``EmailMultiAlternatives.message()`` and the email package's generator for the
    shape this module sends: a text body, text alternatives, MIME parts as attachments.
    """
    encoding = email.encoding or settings.DEFAULT_CHARSET
    if encoding.lower() not in ("utf-8", "utf8") or email.cc or not email.body:
        return None
    if any(not mimetype.startswith("text/") for _content, mimetype in email.alternatives):
        return None
    if not email.alternatives or any(not isinstance(a, MIMEBase) for a in email.attachments):
        return None
    if any(name.lower() in HANDLED_HEADERS for name in email.extra_headers):
        return None
    parts = [_text_part(email.body, "plain")]
    for content, mimetype in email.alternatives:
        part = _text_part(content, mimetype.partition("/")[2])
        if part is None:
            return None
        parts.append(part)
    if parts[0] is None:
        return None
    body = _multipart("alternative", parts)
    if email.attachments:
        body = _multipart("mixed", [body, *(_mime_part(a) for a in email.attachments)])
    content_type, body = body
    head = [content_type, b"MIME-Version: 1.0\n", _header("Subject", str(email.subject))]
    head.append(_header("From", str(email.from_email)))
    if email.to:
        head.append(_header("To", ", ".join(str(v) for v in email.to)))
    if email.reply_to:
        head.append(_header("Reply-To", ", ".join(str(v) for v in email.reply_to)))
    head.append(_header("Date", formatdate(localtime=settings.EMAIL_USE_LOCALTIME)))
    if "message-id" not in (name.lower() for name in email.extra_headers):
        head.append(_header("Message-ID", make_msgid(domain=DNS_NAME)))
    for name, value in email.extra_headers.items():
        head.append(_header(name, str(value)))
    head.append(b"\n")
    head.append(body)
    return b"".join(head)


def _text_part(content: str, subtype: str) -> bytes | None:
    """A text part as Django writes it (UTF-8, 8bit or 7bit), or None for lines too long."""
    if "\r" in content:
        content = NEWLINES.sub("\n", content)
    data = content.encode("utf-8")
    if len(data) > RFC5322_EMAIL_LINE_LENGTH_LIMIT and any(
        # A line of 249 characters or fewer is 996 bytes at most.
        len(line) > 249 and len(line.encode()) > RFC5322_EMAIL_LINE_LENGTH_LIMIT
        for line in content.splitlines()
    ):
        return None  # Django switches to quoted-printable
    header = TEXT_PART_HEADERS.get((subtype, "7bit" if data.isascii() else "8bit"))
    if header is None:
        return None
    return header + data


def _mime_part(part: MIMEBase) -> bytes:
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False).flatten(part, linesep="\n")
    return out.getvalue()


def _multipart(subtype: str, parts: list[bytes | tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    """Return (Content-Type header, body) of a multipart, as the generator writes them."""
    bodies = []
    for part in parts:
        if isinstance(part, tuple):  # a nested multipart: its headers, then its body
            content_type, inner = part
            part = content_type + b"MIME-Version: 1.0\n\n" + inner
        bodies.append(part)
    while True:
        boundary = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
        marker = f"--{boundary}".encode()
        if not any(marker in body for body in bodies):
            break
    separator = b"\n" + marker + b"\n"
    before, after = _multipart_header(subtype)
    content_type = before + boundary.encode() + after
    body = marker + b"\n" + separator.join(bodies) + b"\n" + marker + b"--\n"
    return content_type, body


@lru_cache(maxsize=8)
def _multipart_header(subtype: str) -> tuple[bytes, bytes]:
    # Every boundary has the same length and characters, so the header folds the same way.
    placeholder = "=" * 15 + "0" * 19 + "=="
    folded = compat32.fold_binary("Content-Type", f'multipart/{subtype}; boundary="{placeholder}"')
    before, after = folded.split(placeholder.encode())
    return before, after


def _header(name: str, value: str) -> bytes:
    if len(value) < 60 and value.isascii() and value.isprintable() and "  " not in value:
        if name.lower() != "subject":
            return f"{name}: {value}\n".encode()
    return _folded_header(name, value)


@lru_cache(maxsize=1024)
def _folded_header(name: str, value: str) -> bytes:
    # The sender and the subjects repeat over a batch: encode each once.
    return compat32.fold_binary(*forbid_multi_line_headers(name, value, "utf-8"))
