"""SMTP delivery over one reused connection, with clear temporary/permanent outcomes.

A message is the server's once it answers 250 to the final ``.`` of DATA; a server that loses
its client before answering may discard it (aiosmtpd does). So the delivery is recorded as
sent only after that 250 (see ``delivery``): a worker killed before it leaves the recipient
open, and it is sent again. Just before the dot, ``may_send()`` asks whether this worker
still holds the recipient; if another worker took it over, the connection is dropped before
the dot and the server discards the message. What remains is a crash in the microseconds
between the server's 250 and the record: then the message goes again with the same
Message-ID, which mail clients fold.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class TemporaryFailure(Exception):
    """4xx reply, refused or dropped connection: try again later."""

    handed_over = False


class PermanentFailure(Exception):
    """5xx reply for this recipient: do not try again."""

    handed_over = False


class Superseded(Exception):
    """The recipient was taken over by another worker: the message was dropped
    before its final dot, so the server never accepted it."""


def _failure(code: int, reply: bytes | str, handed_over: bool = False) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
    exc = (PermanentFailure if code >= 500 else TemporaryFailure)(f"{code} {text}")
    exc.handed_over = handed_over
    return exc


@dataclass
class Mailer:
    config: dict[str, Any]
    _smtp: smtplib.SMTP | None = None
    _options: list[str] = field(default_factory=list)
    # The envelope written ahead (see ``prepare``, ``begin``): for whom (the recipient is None
    # while only MAIL FROM is written), whether the last command's reply is still unread, and
    # a refusal of MAIL FROM read ahead, for ``send`` to report.
    _ahead: tuple[str, str | None] | None = None
    _unread: bool = False
    _refused: tuple[int, bytes] | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        host, port, timeout = c["SMTP_HOST"], int(c["SMTP_PORT"]), float(c["SMTP_TIMEOUT"])
        if c["SMTP_TLS"] == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                  context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if c["SMTP_TLS"] == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        # We write the body and the final dot separately (see send): without TCP_NODELAY,
        # Nagle's algorithm holds the dot until the body is acknowledged (~40 ms each time).
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if c.get("SMTP_USER"):
            smtp.login(c["SMTP_USER"], c["SMTP_PASSWORD"])
        smtp.ehlo_or_helo_if_needed()
        # Our parts are 8bit UTF-8; say so to servers that understand it.
        self._options = ["BODY=8BITMIME"] if smtp.has_extn("8bitmime") else []
        return smtp

    def connect(self) -> None:
        """Open the connection now (a worker does so before its first task)."""
        if self._smtp is None:
            self._smtp = self._connect()

    def prepare(self, sender: str) -> None:
        """Write MAIL FROM now; ``begin`` or ``send`` reads the reply, which the server sends
        while we do other work (read the next recipients). One command in flight at a time,
        as RFC 5321 asks of a client without PIPELINING. Only on an open connection (``send``
        opens one and reports failing to); a failure here is met again, and reported, by
        ``send``, as for a connection the server closed."""
        if self._smtp is None or self._ahead is not None:
            return
        try:
            self._smtp.putcmd("mail", f"FROM:{smtplib.quoteaddr(sender)}" +
                              "".join(f" {option}" for option in self._options))
            self._ahead, self._unread = (sender, None), True
        except (smtplib.SMTPException, OSError):
            self._drop()

    def begin(self, sender: str, recipient: str) -> None:
        """Take MAIL FROM's reply and write RCPT TO: answered while the message is rendered."""
        self.prepare(sender)
        if self._smtp is None or self._ahead != (sender, None) or not self._unread:
            return
        try:
            code, reply = self._smtp.getreply()
            self._unread = False
            if code != 250:
                self._refused = (code, reply)
                return
            self._smtp.putcmd("rcpt", f"TO:{smtplib.quoteaddr(recipient)}")
            self._ahead, self._unread = (sender, recipient), True
        except (smtplib.SMTPException, OSError):
            self._drop()

    def send(self, sender: str, recipient: str, data: bytes,
             may_send: Callable[[], bool] = lambda: True) -> str:
        """Send one message; return the server's reply, or raise a typed failure."""
        reused = self._smtp is not None
        try:
            return self._send(sender, recipient, data, may_send)
        except TemporaryFailure as exc:
            # A kept connection the server has closed meanwhile fails before anything was
            # handed over (no dot sent): open a new one and try once more straight away.
            if reused and not exc.handed_over and str(exc).startswith("connection"):
                return self._send(sender, recipient, data, may_send)
            raise

    def _send(self, sender: str, recipient: str, data: bytes,
              may_send: Callable[[], bool]) -> str:
        handed_over = False
        try:
            self.connect()
            smtp = self._smtp
            assert smtp is not None
            code, reply = self._envelope(sender, recipient)
            if code not in (250, 251):
                raise _failure(code, reply)
            code, reply = smtp.docmd("data")
            if code != 354:
                raise _failure(code, reply)
            body = smtplib._quote_periods(data)
            smtp.send(body if body.endswith(b"\r\n") else body + b"\r\n")
            if not may_send():
                self._drop()
                raise Superseded(recipient)
            handed_over = True
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
            if code != 250:
                raise _failure(code, reply, handed_over)
            return f"{code} {reply.decode(errors='replace')}"
        except (TemporaryFailure, PermanentFailure):
            self._reset()
            raise
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.close()
            failure = TemporaryFailure(f"connection: {exc}")
            failure.handed_over = handed_over
            raise failure from exc

    def _envelope(self, sender: str, recipient: str) -> tuple[int, bytes]:
        """MAIL FROM and RCPT TO, taking up what was written ahead: the first refusal, or
        RCPT TO's reply."""
        smtp = self._smtp
        assert smtp is not None
        ahead, unread, refused = self._ahead, self._unread, self._refused
        self._ahead, self._unread, self._refused = None, False, None
        if ahead is not None and (ahead[0] != sender or ahead[1] not in (None, recipient)):
            if unread:  # written for another message: take the reply owed, start over
                smtp.getreply()
            if smtp.rset()[0] != 250:
                return 421, b"could not reset the connection"
            ahead, unread, refused = None, False, None
        if refused:
            return refused
        if ahead is not None and ahead[1] == recipient:
            return smtp.getreply()  # MAIL FROM was accepted: this is RCPT TO's reply
        code, reply = smtp.getreply() if unread else smtp.mail(sender, self._options)
        if code != 250:
            return code, reply
        return smtp.rcpt(recipient)

    def _reset(self) -> None:
        """After a refused recipient the connection stays usable: RSET, keep it."""
        try:
            if self._smtp is not None and self._unread:
                self._smtp.getreply()  # a reply owed comes before RSET's
            self._ahead, self._unread, self._refused = None, False, None
            if self._smtp is not None and self._smtp.rset()[0] != 250:
                self.close()
        except (smtplib.SMTPException, OSError):
            self.close()

    def _drop(self) -> None:
        """Close mid-DATA without QUIT (it would be read as message text): no dot, no mail."""
        self._ahead, self._unread, self._refused = None, False, None
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        # A reply owed is read as QUIT's: no matter, the connection goes either way.
        self._ahead, self._unread, self._refused = None, False, None
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


class MailerPool:
    """Connections of one worker process, each used by one sender at a time and reused."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self._idle: list[Mailer] = []
        self._lock = threading.Lock()

    def get(self) -> Mailer:
        with self._lock:
            return self._idle.pop() if self._idle else Mailer(self.config)

    def put(self, mailer: Mailer) -> None:
        with self._lock:
            self._idle.append(mailer)
