"""Steps shared by the registration tests: a published agenda copy, delegates, bus reads."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from services.registration import consumer, keys
from shared import bus
from shared.keys import bus_stream

TZ = "America/El_Salvador"
DAY = "2030-06-21"
EVENT = {"title": "Test meeting", "timezone": TZ, "first_day": "2030-06-19",
         "last_day": "2030-06-21", "morning": "09:00-13:00", "afternoon": "14:00-18:00"}
API = "/api/v1/events/"


def session(sid: str, start: str | None = "09:00", end: str | None = "10:00", *,
            part_of_day: str | None = None, capacity: int | None = None,
            access: str = "open", accreditation: str | None = None, day: str = DAY,
            status: str = "scheduled", sequence: int = 0) -> dict:
    """A session as agenda.published carries it (part-of-day uses the meeting's hours)."""
    if part_of_day:
        start, end = EVENT[part_of_day].split("-")
    tz = ZoneInfo(TZ)
    d = date.fromisoformat(day)
    return {"id": sid, "title": f"Session {sid}", "day": day,
            "start": None if part_of_day else start, "end": None if part_of_day else end,
            "part_of_day": part_of_day,
            "starts_at": datetime.combine(d, time.fromisoformat(start), tz).isoformat(),
            "ends_at": datetime.combine(d, time.fromisoformat(end), tz).isoformat(),
            "room": "honor", "room_name": "Room of Honor", "capacity": capacity,
            "access": access, "accreditation": accreditation or (
                "general" if access == "accredited" else None),
            "status": status, "parallel_group": None, "requires_signup": True,
            "sequence": sequence, "kind": "workshop"}


def publish_copy(r, event_id: str, sessions: list[dict], version: int = 1,
                 changes: list | None = None, removed: list | None = None) -> None:
    """Feed the registration copy an agenda version through the consumer's real code path."""
    data = {"version": version, "note": "", "event": {**EVENT, "id": event_id},
            "rooms": [{"id": "honor", "name": "Room of Honor"}], "sessions": sessions,
            "removed": removed or [], "changes": changes or []}
    msg = bus.Message(bus_stream(event_id), f"0-{version}", "agenda.published", event_id,
                      data, "", bus.now_iso())
    consumer.apply(r, msg)


def delegate_body(email: str, **kw) -> dict:
    return {"name": kw.pop("name", "Ana Pérez"), "email": email,
            "delegation": kw.pop("delegation", "El Salvador"),
            "category": kw.pop("category", "member_country"), **kw}


def register(registration, event_id: str, email: str, token: str | None = None,
             **kw) -> dict:
    resp = registration.post(f"{API}{event_id}/delegates", token,
                             json=delegate_body(email, **kw))
    assert resp.status_code == 201, resp.text
    return resp.json()


def token_for(registration, delegate_id: str, event_id: str) -> str:
    from shared.auth import delegate_token

    return delegate_token(registration.app.config["SECRET_KEY"], event_id, delegate_id)


def events(r, event_id: str, prefix: str = "registration.") -> list[tuple[str, dict]]:
    """(type, data) of the meeting's bus entries, in stream order."""
    return [(f["type"], json.loads(f["data"])) for _id, f in r.xrange(bus_stream(event_id))
            if f["type"].startswith(prefix)]


def seats(r, event_id: str, sid: str) -> tuple[list[str], list[str]]:
    return (r.zrange(keys.confirmed(event_id, sid), 0, -1),
            r.zrange(keys.waitlist(event_id, sid), 0, -1))
