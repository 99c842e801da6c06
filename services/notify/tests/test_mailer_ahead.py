"""The envelope written ahead (MAIL FROM before the chunk is read, RCPT TO before the message
is rendered) against a real SMTP server: every message once, to its own recipient, and every
refusal or lost line met the way ``send`` meets it without writing ahead."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from podium import redisserver
from services.notify.mailer import Mailer, TemporaryFailure

SENDER = "noreply@podium.localhost"


class _Server:
    """Records each accepted message's envelope; can refuse or hang up on MAIL FROM."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str]]] = []
        self.mail_reply: str | None = None
        self.hang_ups = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.hang_ups:
            self.hang_ups -= 1
            server.transport.abort()
            return "421 gone"
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


@pytest.fixture
def server():
    handler, port = _Server(), redisserver.free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    mailer = Mailer({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_TLS": "none",
                     "SMTP_TIMEOUT": 10.0, "SMTP_USER": ""})
    mailer.connect()
    yield handler, mailer
    mailer.close()
    controller.stop()


def _data(to: str) -> bytes:
    return f"To: {to}\r\nSubject: hello\r\n\r\nHello\r\n".encode()


def test_each_message_goes_once_to_its_recipient(server):
    handler, mailer = server
    for to in ("a@example.org", "b@example.org", "c@example.org"):
        mailer.prepare(SENDER)
        mailer.begin(SENDER, to)
        assert mailer.send(SENDER, to, _data(to)).startswith("250")
    mailer.begin(SENDER, "d@example.org")  # begun without prepare
    mailer.send(SENDER, "d@example.org", _data("d@example.org"))
    assert handler.received == [(SENDER, [to]) for to in
                                ("a@example.org", "b@example.org", "c@example.org",
                                 "d@example.org")]


def test_an_envelope_begun_for_another_recipient_or_sender_is_reset(server):
    handler, mailer = server
    mailer.begin(SENDER, "a@example.org")
    mailer.send(SENDER, "b@example.org", _data("b@example.org"))
    mailer.prepare(SENDER)
    mailer.send("other@podium.localhost", "c@example.org", _data("c@example.org"))
    assert handler.received == [(SENDER, ["b@example.org"]),
                                ("other@podium.localhost", ["c@example.org"])]


def test_mail_from_refused_ahead_is_reported_by_send_and_the_next_message_goes(server):
    handler, mailer = server
    handler.mail_reply = "451 try again later"
    mailer.prepare(SENDER)
    mailer.begin(SENDER, "a@example.org")
    with pytest.raises(TemporaryFailure, match="451"):
        mailer.send(SENDER, "a@example.org", _data("a@example.org"))
    handler.mail_reply = None
    mailer.begin(SENDER, "b@example.org")
    mailer.send(SENDER, "b@example.org", _data("b@example.org"))
    assert handler.received == [(SENDER, ["b@example.org"])]


def test_a_line_lost_with_the_envelope_written_ahead_is_opened_again(server):
    handler, mailer = server
    handler.hang_ups = 1
    mailer.prepare(SENDER)
    mailer.begin(SENDER, "a@example.org")  # meets the hang-up: nothing begun
    mailer.send(SENDER, "a@example.org", _data("a@example.org"))
    handler.hang_ups = 1
    mailer.prepare(SENDER)  # the hang-up is met by send itself, which opens a new line
    mailer.send(SENDER, "b@example.org", _data("b@example.org"))
    assert handler.received == [(SENDER, ["a@example.org"]), (SENDER, ["b@example.org"])]
