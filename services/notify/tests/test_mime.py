"""The bulk path's hand-written message (``mime``) says what the e-mail package would say.

Every kind of notice, in both languages, with names and titles that need encoding: the
skeleton given a recipient parses to the same headers, parts and contents as the message
``render.build`` makes for that recipient with the e-mail package.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from services.notify import render
from shared import calendar

SENDER = "Podium Secretariat <noreply@podium.example>"
SESSION = {"id": "s1", "title": "Plenaria «Año» de la reunión", "day": "2030-06-19",
           "start": "15:00", "end": "16:00", "starts_at": "2030-06-19T15:00:00-06:00",
           "ends_at": "2030-06-19T16:00:00-06:00", "room": "honor",
           "room_name": "Salón de Honor", "sequence": 2, "status": "scheduled"}
CHANGE = [{"session": "s1", "title": SESSION["title"], "labels": ["moved_time", "moved_room"],
           "cancelled": False, "state": "confirmed", "calendar": SESSION,
           "old": {"day": "2030-06-19", "part_of_day": "morning", "room": "Sala B",
                   "title": SESSION["title"]},
           "new": {"day": "2030-06-19", "start": "15:00", "end": "16:00",
                   "room": "Salón de Honor"}},
          {"session": "s-2", "title": "Side event", "labels": ["cancelled"], "cancelled": True,
           "state": "waitlisted", "calendar": {**SESSION, "id": "s-2", "title": "Side event",
                                               "status": "cancelled"},
           # As planned before payloads carried the schedule: its text is kept.
           "old": {"when": "2030-06-20 (morning)", "room": None, "title": "Side event"},
           "new": {"when": "", "room": None}}]
SIGNUP = {"session": SESSION, "position": 3,  # a seat's (or its loss's) carry its calendar
          "conflicting_title": "Otra sesión", "reason": "access_changed"}
CASES = {
    "change": CHANGE,
    "registration": {"access_link": "https://podium.example/me?token=abc"},
    "access_link": {"access_link": "https://podium.example/me?token=abc"},
    "accreditation_approved": {"scopes": ["plenary"], "sessions": ["Plenaria «Año»"],
                               "reason": "", "still_accredited": False},
    "accreditation_rejected": {"scopes": [], "reason": "Incomplete", "still_accredited": False},
    "accreditation_revoked": {"scopes": ["press"], "sessions": ["Rueda de prensa"], "reason": "",
                              "still_accredited": True},
    "signup_confirmed": SIGNUP, "signup_waitlisted": SIGNUP, "signup_promoted": SIGNUP,
    "signup_removed": SIGNUP, "conflict": SIGNUP,
    "signup_left": {**SIGNUP, "left": "confirmed"},
    "broadcast": {},
}


def _notice(kind: str) -> dict:
    return {"id": f"n-{kind}", "kind": kind, "version": 3, "note": "Cambio de sala",
            "request_id": "0123abcd", "subject": "Reunión =?utf-8?q?x?= de delegaciones " * 3,
            "body": "Estimadas delegaciones:\n\nLa sesión cambia.\n.\nFin.",
            "event": {"id": "rcm", "title": "Reunión «RCM» 2030",
                      "timezone": "America/El_Salvador"}}


def _shape(data: bytes) -> tuple:
    msg = BytesParser(policy=policy.default).parsebytes(data)
    head = [(k, str(v)) for k, v in msg.items() if k not in ("Date", "Content-Type")]
    parts = []
    for part in msg.walk():
        params = {k: v for k, v in part["Content-Type"].params.items() if k != "boundary"}
        content = None if part.is_multipart() else part.get_content()
        if part.get_content_type() == "text/calendar":  # made a moment apart
            content = re.sub(r"DTSTAMP:\S+", "DTSTAMP:-", content)
        parts.append((part.get_content_type(), params, part.get("Content-Transfer-Encoding"),
                      part.get_content_disposition(), part.get_filename(), content))
    return head, parts


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_written_skeleton_matches_the_e_mail_packages_message(kind, lang):
    person = {"id": "d7", "name": "José Núñez-Pérez", "email": "jose@example.org",
              "language": lang}
    notice, payload = _notice(kind), CASES[kind]
    skeleton = render.skeleton(notice, person, payload, event_id="rcm", sender=SENDER,
                               meeting_title=notice["event"]["title"])
    assert skeleton is not None
    written = skeleton.for_(person, "rcm", notice["id"])
    built, all_8bit = render.build(notice, person, payload, event_id="rcm", sender=SENDER,
                                   meeting_title=notice["event"]["title"])
    assert all_8bit
    assert _shape(written) == _shape(built.as_bytes())
    assert max(len(line) for line in written.split(b"\r\n")) <= 998
    assert b"\n" not in written.replace(b"\r\n", b"")


def test_a_part_that_needs_quoted_printable_gets_no_skeleton():
    notice = {**_notice("broadcast"), "body": "x" * 2000}
    person = {"id": "d7", "name": "Ana", "email": "ana@example.org", "language": "en"}
    assert render.skeleton(notice, person, {}, event_id="rcm", sender=SENDER,
                           meeting_title="RCM") is None


def test_a_calendar_with_its_zone_written_in_is_the_calendar_with_its_zone():
    stamp = datetime(2030, 6, 1, 12, tzinfo=UTC)
    event = _notice("change")["event"]
    sessions = [SESSION, {**SESSION, "id": "s-2"}]
    whole = calendar.calendar(event, sessions, method="REQUEST", stamp=stamp)
    spliced = calendar.calendar(event, sessions, method="REQUEST", stamp=stamp, vtimezone=False)
    assert calendar.to_ical(spliced, event["timezone"]) == whole.to_ical()
    assert calendar.to_ical(calendar.calendar(event, [], vtimezone=False), event["timezone"]) \
        == calendar.calendar(event, []).to_ical()


def test_every_kind_of_notice_is_compared():
    """A new kind of notice (a template) is in ``CASES``, so its bytes are compared too."""
    kinds = {name.split("/")[1].removesuffix(".j2")
             for name in render.env(False).list_templates(extensions=["j2"])
             if name.startswith("en/") and not name.split("/")[1].startswith(("_", "base"))}
    assert kinds == set(CASES)
