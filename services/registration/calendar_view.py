"""A delegate's own agenda, as JSON and as iCalendar (same UIDs as the agenda's export)."""

from __future__ import annotations

import redis

from services.registration import keys
from services.registration.operations import get_meeting, my_sessions
from shared.calendar import calendar


def agenda(r: redis.Redis, event_id: str, delegate_id: str) -> list[dict]:
    return my_sessions(r, event_id, delegate_id)


def agenda_ics(r: redis.Redis, event_id: str, delegate_id: str) -> bytes:
    """Confirmed seats only: a waitlist place is not a date in anyone's calendar."""
    event = get_meeting(r, event_id)
    sessions = []
    for sid, state in sorted(r.hgetall(keys.mine(event_id, delegate_id)).items()):
        if state != "confirmed":
            continue
        copy = r.hgetall(keys.session(event_id, sid))
        if copy:
            sessions.append({**copy, "id": sid})
    sessions.sort(key=lambda s: s["starts_at"])
    return calendar(event, sessions, name=f"{event.get('title', event_id)}: my agenda").to_ical()
