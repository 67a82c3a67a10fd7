"""Read emails the way a mail client does: parse the bytes, then look at the parts."""

from __future__ import annotations

import email
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage

from icalendar import Calendar


@dataclass
class Mail:
    message: EmailMessage
    subject: str
    to: str
    sender: str
    text: str
    html: str
    calendars: list[tuple[dict, Calendar]] = field(default_factory=list)

    @property
    def methods(self) -> list[str]:
        return [str(cal.get("method")) for _params, cal in self.calendars]

    def header(self, name: str) -> str:
        return str(self.message[name] or "")


def parse_bytes(data: bytes) -> Mail:
    return parse(email.message_from_bytes(data, policy=policy.default))


def parse(message: EmailMessage) -> Mail:
    text = html = ""
    calendars = []
    for part in message.walk():
        ctype = part.get_content_type()
        if part.is_multipart():
            continue
        if ctype == "text/plain" and not part.get_filename():
            text = part.get_content()
        elif ctype == "text/html":
            html = part.get_content()
        elif ctype == "text/calendar":
            params = dict(part.get_params()[1:])
            params["filename"] = part.get_filename()
            calendars.append((params, Calendar.from_ical(part.get_payload(decode=True))))
    return Mail(
        message=message,
        subject=str(message["Subject"]).strip(),  # clients drop the folding space
        to=str(message["To"]),
        sender=str(message["From"]),
        text=text,
        html=html,
        calendars=calendars,
    )


def parse_outbox(outbox) -> list[Mail]:
    """Parse Django's locmem outbox through real MIME bytes."""
    return [parse_bytes(m.message().as_bytes()) for m in outbox]
