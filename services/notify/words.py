"""What e-mails say of a session's day, time and room, and of an accreditation's scopes, in
the delegate's language: days and parts of day as the pages write them (``shared.pages``),
so an e-mail and the page it points to name a session's time the same way."""

from __future__ import annotations

from shared.pages.strings import day_name, text


def when(lang: str, s: dict | None) -> str:
    """'Tuesday 20 June 2017, 14:00–15:00', or 'Tuesday 20 June 2017, morning' for a session
    with a part of day and no clock time; '' for a session without a day."""
    if not s or not s.get("day"):
        # A change planned before payloads carried the schedule: its text as it was planned.
        return (s or {}).get("when") or ""
    if s.get("start"):
        hours = s["start"] + (f"–{s['end']}" if s.get("end") else "")
    else:  # mid-sentence: "morning", not the heading's "Morning"
        hours = text(lang, "part_" + (s.get("part_of_day") or "all_day")).lower()
    return f"{day_name(lang, s['day'])}, {hours}"


def when_where(lang: str, s: dict | None) -> str:
    """The day and time, then the room: 'Tuesday 20 June 2017, morning, Room Camilo Minero'."""
    return ", ".join(part for part in (when(lang, s), (s or {}).get("room_name")) if part)


def helpers(lang: str) -> dict:
    """The templates' names for these, bound to the message's language."""
    return {"when": lambda s: when(lang, s), "when_where": lambda s: when_where(lang, s)}
