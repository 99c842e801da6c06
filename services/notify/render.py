"""Render a notice for one recipient as an e-mail (subject, text; ICS attachments)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate

from jinja2 import Environment, PackageLoader, select_autoescape

_env: Environment | None = None


def env() -> Environment:
    global _env  # one template environment per process, built on first use
    if _env is None:
        _env = Environment(loader=PackageLoader("services.notify", "templates"),
                           autoescape=select_autoescape(["html"]), trim_blocks=True,
                           lstrip_blocks=True, keep_trailing_newline=True)
    return _env


SUBJECTS = {
    ("registration", "en"): "Your registration for {title}",
    ("registration", "es"): "Su inscripción en {title}",
    ("change", "en"): "Agenda changes for {title}",
    ("change", "es"): "Cambios en la agenda de {title}",
}


def build(notice: dict, recipient: dict, payload, *, event_id: str, sender: str,
          meeting_title: str) -> EmailMessage:
    lang = recipient.get("language", "en") if recipient.get("language") in ("en", "es") else "en"
    kind = notice["kind"]
    subject = notice.get("subject") or SUBJECTS[(kind, lang)].format(title=meeting_title)
    context = {"notice": notice, "recipient": recipient, "payload": payload,
               "meeting_title": meeting_title, "lang": lang}
    text = env().get_template(f"{kind}.{lang}.txt.j2").render(**context)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = _address(recipient)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = message_id(event_id, notice["id"], recipient["id"])
    msg["Podium-Notice"] = f"{event_id}/{notice['id']}"
    msg.set_content(text)
    return msg


def message_id(event_id: str, notice_id: str, delegate_id: str) -> str:
    """Deterministic: the same (notice, recipient) always has the same Message-ID."""
    return f"<{notice_id}.{delegate_id}.{event_id}@podium>"


def _address(recipient: dict) -> str:
    from email.headerregistry import Address

    return str(Address(display_name=recipient.get("name", ""), addr_spec=recipient["email"]))
