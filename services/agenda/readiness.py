"""What a draft session needs before it can be published, and what each one lacks.

A published session has a day within the meeting's days, and either a start and an end
(HH:MM, the end after the start) or a part of the day; its room, if it names one, is one of
the meeting's rooms. The API refuses anything else at input (``schemas.check_session_times``,
``operations._validate``), but a draft can still hold it: an import writes its sessions as
the document gave them, and a draft stored before a check existed is as it was. Publishing
checks every session here first and refuses the draft as a whole, naming each session and
what it lacks, rather than failing half-way through computing the version.
"""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from shared.errors import Problem
from shared.meeting_hours import DEFAULTS, PARTS

_HHMM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")  # ASCII digits, as schemas.HHMM
SHOWN = 20  # sessions named in the problem's detail (all of them are in its errors)


def lacks(session: dict, event: dict, room_ids: set[str] | None) -> list[str]:
    """What keeps ``session`` from being published (empty: nothing). ``room_ids=None``
    leaves its room unchecked."""
    found = [*_day(session, event), *_times(session)]
    if not session.get("title"):
        found.append("Has no title.")
    room = session.get("room")
    if room_ids is not None and room and room not in room_ids:
        found.append(f"Its room {room!r} is not one of the meeting's rooms (any more): "
                     "pick one, or none.")
    return found


def _day(session: dict, event: dict) -> list[str]:
    day = str(session.get("day") or "")
    try:
        date.fromisoformat(day)
    except ValueError:
        return [f"Its day {day!r} is not a date (YYYY-MM-DD)." if day else "Has no day."]
    if not event["first_day"] <= day <= event["last_day"]:
        return [f"Its day {day} is outside the meeting's days "
                f"({event['first_day']} to {event['last_day']})."]
    return []


def _times(session: dict) -> list[str]:
    start, end, part = session.get("start"), session.get("end"), session.get("part_of_day")
    if part:
        if part not in PARTS:
            return [f"Its part of the day {part!r} is not one of {', '.join(PARTS)}."]
        if start or end:
            return ["Has both times and a part of the day: keep one."]
        return []
    if not start and not end:
        return ["Has no times: give its start and end, or a part of the day."]
    if not end:
        return ["Has a start (no end): give its end, or a part of the day."]
    if not start:
        return ["Has an end (no start): give its start, or a part of the day."]
    bad = [f"Its {name} {value!r} is not a time (HH:MM, 24-hour)."
           for name, value in (("start", start), ("end", end))
           if not (isinstance(value, str) and _HHMM.fullmatch(value))]
    if bad:
        return bad
    if end <= start:
        return [f"Ends ({end}) no later than it starts ({start})."]
    return []


def check_draft(event: dict, sessions: list[dict], room_ids: set[str]) -> None:
    """Refuse (422 ``draft_incomplete``) a draft with any session that cannot be published."""
    meeting = _meeting(event)
    if meeting:
        raise Problem(422, "draft_incomplete", "The meeting cannot be published: "
                      + " ".join(meeting), errors={"meeting": meeting})
    found = {s["id"]: missing for s in sessions if (missing := lacks(s, event, room_ids))}
    if not found:
        return
    listed = "; ".join(f"{sid}: {' '.join(missing)}" for sid, missing in
                       list(found.items())[:SHOWN])
    more = f" (and {len(found) - SHOWN} more)" if len(found) > SHOWN else ""
    raise Problem(422, "draft_incomplete",
                  f"{len(found)} session(s) of the draft cannot be published yet; edit them "
                  f"and publish again. {listed}{more}", errors={"sessions": found})


def _meeting(event: dict) -> list[str]:
    found = []
    try:
        ZoneInfo(str(event.get("timezone")))
    except (ValueError, KeyError, OSError):
        found.append(f"Its timezone {event.get('timezone')!r} is not an IANA timezone.")
    for part in ("morning", "afternoon"):
        hours = event.get(part) or DEFAULTS[part]
        start, _sep, end = str(hours).partition("-")
        if not (_HHMM.fullmatch(start) and _HHMM.fullmatch(end) and start < end):
            found.append(f"Its {part} hours {hours!r} are not HH:MM-HH:MM.")
    return found
