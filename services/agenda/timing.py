"""Turn a session's day and local times (or part of day) into absolute instants."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from shared import meeting_hours


def bounds(session: dict, event: dict) -> tuple[datetime, datetime]:
    """Start and end of a session in the meeting's timezone (part-of-day uses its hours).

    For a session :func:`services.agenda.readiness.lacks` finds nothing wrong with."""
    tz = ZoneInfo(event["timezone"])
    day = date.fromisoformat(str(session["day"]))
    start, end = session.get("start"), session.get("end")
    if not start:
        start, end = meeting_hours.part_hours(event, session.get("part_of_day") or "all_day")
    return (datetime.combine(day, time.fromisoformat(start), tz),
            datetime.combine(day, time.fromisoformat(end), tz))


def day_bounds(day: str, event: dict) -> tuple[datetime, datetime]:
    """The meeting's working hours on ``day``: from the morning's start to the afternoon's
    end."""
    return bounds({"day": day, "part_of_day": "all_day"}, event)
