"""iCalendar (RFC 5545) for every service: one UID scheme, so the agenda export, a delegate's
own calendar and the attachments of change notices all move the same calendar entry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone

PRODID = "-//Podium//Meeting agenda//EN"


def uid(event_id: str, session_id: str) -> str:
    """Stable per session: a calendar client updates the entry instead of adding another."""
    return f"{session_id}@{event_id}.podium"


def calendar(event: dict, sessions: list[dict], *, method: str | None = None,
             name: str | None = None, stamp: datetime | None = None,
             vtimezone: bool = True) -> Calendar:
    """A calendar of sessions (each with ``starts_at``/``ends_at`` and ``sequence``).

    ``stamp`` fixes DTSTAMP (e.g. to the publication time) so the same agenda version
    always serialises to the same bytes and can be cached and ETagged. With
    ``vtimezone=False`` the zone is left out, for ``to_ical`` to write it in.
    """
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", name or event.get("title", event.get("id", "")))
    cal.add("x-wr-timezone", event["timezone"])
    if vtimezone:
        cal.add_component(timezone(event["timezone"]))
    for session in sessions:
        cal.add_component(vevent(event, session, cancelled=method == "CANCEL", stamp=stamp))
    return cal


def to_ical(cal: Calendar, tzid: str) -> bytes:
    """The bytes of a calendar made with ``vtimezone=False``, the zone's VTIMEZONE written in
    where ``calendar`` would have put it (before the events) from the bytes kept per process:
    parsing and writing it again was most of an e-mail calendar's cost (~0.6 of 0.9 ms)."""
    data = cal.to_ical()
    at = data.find(b"BEGIN:VEVENT")
    at = at if at >= 0 else data.rindex(b"END:VCALENDAR")
    return data[:at] + _timezone_ical(tzid) + data[at:]


def timezone(tzid: str) -> Timezone:
    """The VTIMEZONE of a zone: a fresh copy of one built once per process (building it walks
    every UTC offset of the zone's history, ~70 ms, which e-mails and exports would pay for
    each calendar)."""
    return Timezone.from_ical(_timezone_ical(tzid))


@lru_cache(maxsize=64)
def _timezone_ical(tzid: str) -> bytes:
    return Timezone.from_tzid(tzid).to_ical()


def vevent(event: dict, session: dict, *, cancelled: bool = False,
           stamp: datetime | None = None) -> Event:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(event["timezone"])
    item = Event()
    item.add("uid", uid(event["id"], session["id"]))
    item.add("sequence", int(session.get("sequence") or 0))
    item.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0))
    item.add("summary", session["title"])
    if session.get("part_of_day") == "all_day":
        day = date.fromisoformat(str(session["day"]))
        item.add("dtstart", day)
        item.add("dtend", day + timedelta(days=1))
    else:
        item.add("dtstart", datetime.fromisoformat(session["starts_at"]).astimezone(tz))
        item.add("dtend", datetime.fromisoformat(session["ends_at"]).astimezone(tz))
    if session.get("room_name"):
        item.add("location", session["room_name"])
    description = []
    if session.get("leads"):
        description.append("Leads: " + ", ".join(session["leads"]))
    if session.get("part_of_day") in ("morning", "afternoon"):
        description.append(f"Scheduled for the {session['part_of_day']} (no exact times).")
    if session.get("access") == "accredited":
        description.append("Only open to accredited participants.")
    if description:
        item.add("description", "\n".join(description))
    status = "CANCELLED" if cancelled or session.get("status") == "cancelled" else "CONFIRMED"
    item.add("status", status)
    return item
