"""Render a notice for one recipient: multipart/alternative (text + HTML) in the delegate's
language, with one iCalendar attachment per changed session for change notices, the
session's for a seat (sign-up confirmed, or promoted from the waitlist), and its
cancellation for a delegate out of a session (removed, or left).

Bulk sends render once per (notice, language, payload) with stand-in values for the name,
address and Message-ID, and only substitute those per recipient (``Skeleton``): at 10,000
recipients the e-mail package's generator would otherwise cost more than the SMTP exchange.
"""

from __future__ import annotations

import html
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr

from jinja2 import Environment, PackageLoader

from services.notify import mime, words
from services.notify.directory import LANGUAGES, clean
from shared import calendar

_envs: dict[bool, Environment] = {}
# Stand-ins: plain ASCII that neither Jinja, HTML escaping nor the header folder changes.
NAME_TEXT, NAME_HTML = "PODIUMxNAMExTEXT", "PODIUMxNAMExHTML"
TO, MID, ATTENDEE = "podium-to@to.invalid", "<podium-mid@mid.invalid>", "podium-att@att.invalid"
SEATED = ("signup_confirmed", "signup_promoted")  # notices that give a seat in a session
OUT = ("signup_removed", "signup_left")  # notices that take a delegate out of a session
LONGEST_8BIT_LINE = 900  # under SMTP's 998 octets, leaving room for a substituted name


def env(escape: bool) -> Environment:
    """Two environments over the same files: text unescaped, HTML escaped."""
    if escape not in _envs:  # built on first use, once per process
        _envs[escape] = Environment(loader=PackageLoader("services.notify", "templates"),
                                    autoescape=escape, trim_blocks=True, lstrip_blocks=True)
    return _envs[escape]


def language(recipient: dict) -> str:
    return recipient.get("language") if recipient.get("language") in LANGUAGES else "en"


def parts(notice: dict, payload, *, name: str, lang: str, meeting_title: str,
          name_html: str | None = None) -> dict[str, str]:
    """Subject, text and HTML of one message."""
    ctx = {"notice": notice, "p": payload, "meeting_title": meeting_title, "lang": lang,
           **words.helpers(lang)}
    path = f"{lang}/{notice['kind']}.j2"
    return {
        "subject": clean(env(False).get_template(path).render(**ctx, name=name,
                                                              part="subject")),
        "text": env(False).get_template(path).render(**ctx, name=name, part="text").strip(),
        "html": env(True).get_template(path).render(**ctx, name=name_html or name,
                                                    part="html").strip(),
    }


def build(notice: dict, recipient: dict, payload, *, event_id: str, sender: str,
          meeting_title: str, stand_ins: bool = False,
          meeting: dict | None = None) -> tuple[EmailMessage, bool]:
    """The e-mail for one recipient; also whether every part is 8bit (so stand-ins work).
    ``meeting`` (id, title, timezone): for the calendar of a notice that carries none."""
    lang = language(recipient)
    if stand_ins:
        name, name_html, to, mid, attendee = NAME_TEXT, NAME_HTML, TO, MID, ATTENDEE
    else:
        name, name_html = recipient.get("name", ""), None
        to, mid = address(recipient), message_id(event_id, notice["id"], recipient["id"])
        attendee = recipient["email"]
    content = parts(notice, payload, name=name, name_html=name_html, lang=lang,
                    meeting_title=meeting_title)
    msg = EmailMessage(policy=policy.SMTP)
    for header, value in _headers(notice, event_id, sender, to, mid, content["subject"]):
        msg[header] = value
    all_8bit = True
    for i, (subtype, body) in enumerate((("plain", content["text"]),
                                         ("html", content["html"]))):
        cte = _cte(body)
        all_8bit &= cte == "8bit"
        (msg.set_content if i == 0 else msg.add_alternative)(body, subtype=subtype, cte=cte)
    for filename, method, ics in attachments(notice, payload, sender, attendee, meeting):
        cte = _cte(ics)
        all_8bit &= cte == "8bit"
        msg.add_attachment(ics, subtype="calendar", filename=filename, cte=cte,
                           params={"method": method})
    return msg, all_8bit


def skeleton(notice: dict, recipient: dict, payload, *, event_id: str, sender: str,
             meeting_title: str, meeting: dict | None = None) -> Skeleton | None:
    """The message with stand-ins for this recipient's (notice, language, payload), written
    by ``mime`` (a fraction of the e-mail package's time); None when a part is not 8bit,
    and then each recipient's message is built whole."""
    content = parts(notice, payload, name=NAME_TEXT, name_html=NAME_HTML,
                    lang=language(recipient), meeting_title=meeting_title)
    calendars = attachments(notice, payload, sender, ATTENDEE, meeting)
    if any(_cte(body) != "8bit" for body in
           (content["text"], content["html"], *(ics for _, _, ics in calendars))):
        return None
    data = mime.message(_headers(notice, event_id, sender, TO, MID, content["subject"]),
                        content["text"], content["html"], calendars)
    if data is None:  # an unusual attachment name: let the e-mail package encode it
        msg, all_8bit = build(notice, recipient, payload, event_id=event_id, sender=sender,
                              meeting_title=meeting_title, stand_ins=True, meeting=meeting)
        return Skeleton(msg.as_bytes()) if all_8bit else None
    return Skeleton(data)


def _headers(notice: dict, event_id: str, sender: str, to: str, mid: str,
             subject: str) -> list[tuple[str, str]]:
    out = [("From", sender), ("To", to), ("Subject", subject),
           ("Date", formatdate(localtime=False)), ("Message-ID", mid),
           ("Podium-Notice", f"{event_id}/{notice['id']}")]
    if safe_request_id(notice.get("request_id")):  # the id that follows a publish end to end
        out.append(("X-Podium-Request-Id", notice["request_id"]))
    out.append(("Auto-Submitted", "auto-generated"))
    return out


def attachments(notice: dict, payload, sender: str, attendee: str,
                meeting: dict | None = None) -> list[tuple[str, str, str]]:
    """One calendar per changed session: Outlook reads only the first VEVENT of an iMIP
    part, and REQUEST and CANCEL cannot share one calendar object (RFC 5546). A seat
    (confirmed, or promoted from the waitlist) brings its session's calendar, with the
    UID the agenda export and change notices use: one entry in the delegate's calendar,
    which leaving the session (or being taken out of it) cancels."""
    event = notice.get("event") or meeting
    if notice["kind"] in SEATED or notice["kind"] in OUT:
        session = payload.get("session") or {}
        if not (event or {}).get("timezone") or not (session.get("starts_at") or (
                session.get("part_of_day") == "all_day" and session.get("day"))):
            return []  # a session or meeting notify has no times for: the text says enough
        # RFC 5546: the SEQUENCE was worked out when the notice was planned (``planner``:
        # a CANCEL above every REQUEST before it, a REQUEST above every CANCEL before it).
        # A notice planned before payloads carried it: the agenda's, and one more to cancel.
        seated = notice["kind"] in SEATED
        seq = payload.get("seq")
        if seq is None:
            seq = int(session.get("sequence") or 0) + (0 if seated else 1)
        return [_calendar(event, {**session, "sequence": seq},
                          "REQUEST" if seated else "CANCEL", sender, attendee)]
    if notice["kind"] != "change":
        return []
    return [_calendar(notice["event"], it["calendar"],
                      "CANCEL" if it["cancelled"] else "REQUEST", sender, attendee)
            for it in payload]


def _calendar(event: dict, session: dict, method: str, sender: str,
              attendee: str) -> tuple[str, str, str]:
    """(file name, method, iCalendar text) of one session's iMIP part."""
    cal = calendar.calendar(event, [session], method=method, vtimezone=False)
    for item in cal.walk("VEVENT"):
        item.add("organizer", "mailto:" + parseaddr(sender)[1])
        # No parameters: the line stays short enough that no fold splits the stand-in.
        item.add("attendee", "mailto:" + attendee)
    ics = calendar.to_ical(cal, event["timezone"])
    return f"{session['id']}.ics", method, ics.decode()


def _cte(body: str) -> str:
    longest = max((len(line.encode()) for line in body.splitlines()), default=0)
    return "8bit" if longest <= LONGEST_8BIT_LINE else "quoted-printable"


class Skeleton:
    """A message rendered once with stand-ins; ``for_(recipient)`` gives that person's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def for_(self, recipient: dict, event_id: str, notice_id: str) -> bytes:
        name = recipient.get("name", "")
        return (self.data.replace(TO.encode(), address(recipient).encode())
                .replace(MID.encode(), message_id(event_id, notice_id, recipient["id"]).encode())
                .replace(ATTENDEE.encode(), recipient["email"].encode())
                .replace(NAME_TEXT.encode(), name.encode())
                .replace(NAME_HTML.encode(), html.escape(name).encode()))


def safe_request_id(value: object) -> bool:
    """Only ids the services themselves make or accept (short, letters, digits, dashes) go
    into a header; anything else read from the bus is left out."""
    return isinstance(value, str) and 0 < len(value) <= 64 and value.isascii() and \
        value.replace("-", "").isalnum()


def warm_up(sender: str) -> None:
    """Compile every template and build one calendar, so a new worker's first e-mail is not
    slowed by it."""
    for escape in (False, True):
        for name in env(escape).list_templates(extensions=["j2"]):
            env(escape).get_template(name)
    session = {"id": "warm", "title": "Warm-up", "starts_at": "2030-01-01T09:00:00-06:00",
               "ends_at": "2030-01-01T10:00:00-06:00", "sequence": 0, "status": "scheduled"}
    item = {"session": "warm", "title": "Warm-up", "labels": ["moved_time"],
            "cancelled": False, "state": "confirmed", "calendar": session,
            "old": {"day": "2030-01-01", "part_of_day": "morning", "room": None,
                    "title": "Warm-up"},
            "new": {"day": "2030-01-01", "start": "09:00", "end": "10:00", "room": None}}
    notice = {"id": "warm", "kind": "change", "version": 1, "note": "",
              "event": {"id": "warm", "title": "Warm-up", "timezone": "America/El_Salvador"}}
    person = {"id": "warm", "name": "W", "email": "w@warm.invalid"}
    msg, _ = build(notice, person, [item], event_id="warm", sender=sender,
                   meeting_title="Warm-up")
    msg.as_bytes()
    skeleton(notice, person, [item], event_id="warm", sender=sender, meeting_title="Warm-up")


def message_id(event_id: str, notice_id: str, delegate_id: str) -> str:
    """Deterministic: the same (notice, recipient) always has the same Message-ID."""
    return f"<{notice_id}.{delegate_id}.{event_id}@podium>"


def address(recipient: dict) -> str:
    """``Name <addr>`` with the name encoded (RFC 2047) when it is not ASCII."""
    return formataddr((clean(recipient.get("name")), clean(recipient["email"])), "utf-8")
