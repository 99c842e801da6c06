"""SMTP delivery over one reused connection, with clear temporary/permanent outcomes."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any


class TemporaryFailure(Exception):
    """4xx reply, refused or dropped connection: try again later."""


class PermanentFailure(Exception):
    """5xx reply for this recipient: do not try again."""


@dataclass
class Mailer:
    config: dict[str, Any]
    _smtp: smtplib.SMTP | None = None

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
        if c.get("SMTP_USER"):
            smtp.login(c["SMTP_USER"], c["SMTP_PASSWORD"])
        return smtp

    def send(self, message: EmailMessage) -> str:
        """Send one message; return the server's reply, or raise a typed failure."""
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
            return "250 OK"
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            self.close()
            raise (PermanentFailure if code >= 500 else TemporaryFailure)(
                f"{code} {reply.decode(errors='replace')}") from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise (PermanentFailure if exc.smtp_code >= 500 else TemporaryFailure)(
                f"{exc.smtp_code} {exc.smtp_error.decode(errors='replace')}") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TemporaryFailure(f"connection: {exc}") from exc

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
