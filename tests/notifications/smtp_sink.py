"""A real SMTP server for tests and the benchmark (aiosmtpd), with knobs for faults.

A message counts as delivered only once the server has answered 250 to its DATA, like a real
mail server: a client that dies before that answer has not handed the message over.
"""

from __future__ import annotations

import asyncio
import email
import logging
import socket
import threading
import time
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # one line per SMTP command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Handler:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.messages: list[bytes] = []
        self.refuse_data: list[str] = []  # answers for the next DATA commands, e.g. "421 ..."
        self.refuse_rcpt: dict[str, str] = {}  # recipient -> answer, e.g. "550 no such user"
        # After ``hold_after`` accepted messages, DATA waits until ``released`` is set.
        self.hold_after: int | None = None
        self.released = threading.Event()
        self.waiting = 0  # DATA commands being held
        self.data_delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.refuse_rcpt.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            answer = self.refuse_data.pop(0) if self.refuse_data else None
        if answer:
            return answer
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self.lock:
            held = self.hold_after is not None and len(self.messages) >= self.hold_after
            if held:
                self.waiting += 1
        if held:
            while not self.released.is_set():
                await asyncio.sleep(0.01)
            with self.lock:
                self.waiting -= 1
        transport = getattr(server, "transport", None)
        if transport is None or transport.is_closing():
            return "451 client went away"  # never acknowledged: not delivered
        with self.lock:
            self.messages.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class SmtpSink:
    """Start with ``with SmtpSink() as sink:``; ``sink.port``; ``sink.parsed()``."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = Handler()
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, data_size_limit=10_000_000
        )

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def count(self) -> int:
        with self.handler.lock:
            return len(self.handler.messages)

    def parsed(self) -> list[EmailMessage]:
        with self.handler.lock:
            raw = list(self.handler.messages)
        return [email.message_from_bytes(data, policy=policy.default) for data in raw]

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count >= count:
                return True
            time.sleep(0.05)
        return self.count >= count
