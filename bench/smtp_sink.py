"""The reminders benchmark's SMTP server: it takes every email and keeps its Message-ID, so the
benchmark can count what arrived and check that none came twice."""

from __future__ import annotations

import multiprocessing
import re

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.MULTILINE | re.IGNORECASE)


def sink_main(port: int, conn) -> None:
    """The sink's process: an aiosmtpd server that keeps each message's Message-ID, answering
    the bench's commands (count, ids, reset, stop) on its pipe."""
    from aiosmtpd.controller import Controller

    class Counting:
        def __init__(self) -> None:
            self.ids: list[bytes] = []

        async def handle_DATA(self, server, session, envelope):
            content = envelope.original_content or envelope.content
            found = MESSAGE_ID.search(content[:4000])
            self.ids.append(found.group(1) if found else b"")
            return "250 OK"

    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    conn.send("ready")
    while True:
        command = conn.recv()
        if command == "count":
            conn.send(len(handler.ids))
        elif command == "ids":
            conn.send([value.decode() for value in handler.ids])
        elif command == "reset":
            handler.ids.clear()
            conn.send(True)
        else:
            controller.stop()
            conn.send(True)
            return


class Sink:
    """An SMTP server on a loopback port, in a process of its own, counting what it receives."""

    def __init__(self, port: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=sink_main, args=(port, child), daemon=True)
        self.process.start()
        if not self.conn.poll(30) or self.conn.recv() != "ready":
            raise RuntimeError("SMTP sink did not start")

    def ask(self, command: str):
        self.conn.send(command)
        return self.conn.recv()

    def stop(self) -> None:
        if self.process.is_alive():
            self.ask("stop")
            self.process.join(timeout=10)
