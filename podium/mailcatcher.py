"""A development SMTP server (aiosmtpd) that keeps every message it receives as a file."""

from __future__ import annotations

import signal
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class KeepHandler:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        msg = message_from_bytes(envelope.content, policy=policy.default)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        name = f"{stamp}-{self.count:05d}.eml"
        (self.directory / name).write_bytes(envelope.content)
        print(f"mail: {', '.join(envelope.rcpt_tos)} | {msg.get('Subject', '')} -> {name}",
              flush=True)
        return "250 Message accepted for delivery"


def serve(host: str, port: int, directory: str) -> None:
    controller = Controller(KeepHandler(Path(directory)), hostname=host, port=port)
    controller.start()
    print(f"mail catcher on {host}:{port}, keeping messages in {directory}/", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()
