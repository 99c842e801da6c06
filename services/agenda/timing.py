"""Turn a session's day and local times (or part of day) into absolute instants."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo


def bounds(session: dict, event: dict) -> tuple[datetime, datetime]:
    """Start and end of a session in the meeting's timezone (part-of-day uses its hours)."""
    tz = ZoneInfo(event["timezone"])
    day = date.fromisoformat(str(session["day"]))
    start, end = session.get("start"), session.get("end")
    if not start:
        part = session.get("part_of_day") or "all_day"
        morning = event.get("morning", "09:00-13:00").split("-")
        afternoon = event.get("afternoon", "14:00-18:00").split("-")
        start, end = {
            "morning": morning,
            "afternoon": afternoon,
            "all_day": [morning[0], afternoon[1]],
        }[part]
    return (datetime.combine(day, time.fromisoformat(start), tz),
            datetime.combine(day, time.fromisoformat(end), tz))
