"""Room occupancy: counted per local day of the meeting, and corrected by organisers.

Presence (who is inside which room) and occupancy (how many) are kept per calendar day in
the meeting's timezone, so they reset at midnight there: people who left without scanning
out are not "inside" the next morning, and rooms start the day empty. An offline scan
uploaded later lands in the day it happened. During the day, an organiser who counts heads
corrects a drifting figure with :func:`correct` (audited).
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import redis

from services.registration import keys as reg_keys
from services.registration.badges.scripts import script
from services.registration.gate import keys
from shared import bus
from shared.errors import Problem

_CORRECT = Path(__file__).parent / "lua" / "correct_occupancy.lua"
DAY = 86_400
_ZONE_TTL = 60.0
_zones: dict[str, tuple[float, ZoneInfo]] = {}


def meeting_zone(r: redis.Redis, event_id: str) -> ZoneInfo:
    """The meeting's timezone, read at most once a minute per process.

    A meeting does not change timezone while its doors are open; a scan should not pay a
    Redis read for it. Until the meeting is known, UTC is used and nothing is cached.
    """
    hit = _zones.get(event_id)
    clock = time.monotonic()
    if hit and hit[0] > clock:
        return hit[1]
    raw = r.get(reg_keys.event(event_id))
    if raw is None:
        return ZoneInfo("UTC")
    try:
        zone = ZoneInfo(json.loads(raw).get("timezone") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    _zones[event_id] = (clock + _ZONE_TTL, zone)
    return zone


def local_day(r: redis.Redis, event_id: str, epoch: float) -> str:
    """The meeting's calendar day (YYYY-MM-DD, its timezone) at ``epoch``."""
    return datetime.fromtimestamp(epoch, meeting_zone(r, event_id)).date().isoformat()


def occupancy(r: redis.Redis, event_id: str, rooms: tuple[str, ...] = ()) -> list[dict]:
    """Today's count per room (today in the meeting's timezone)."""
    counts = r.hgetall(keys.occupancy(event_id, local_day(r, event_id, time.time())))
    out = []
    for room_id, raw in r.hgetall(reg_keys.rooms(event_id)).items():
        if rooms and room_id not in rooms:
            continue
        room = json.loads(raw)
        out.append({"room": room_id, "name": room.get("name"), "capacity": room.get("capacity"),
                    "inside": int(counts.get(room_id, 0))})
    return sorted(out, key=lambda x: x["room"])




def correct(r: redis.Redis, event_id: str, room: str, count: int, reason: str, by: dict,
            now: float) -> dict:
    """Set a room's count for today after a head count; return the audit entry.

    A count of 0 (the room was cleared) also forgets who was recorded inside it, so they
    enter again without ``already_inside``; with any other count nobody knows who left, so
    presence is kept (someone still recorded inside scans out, then in).
    """
    day = local_day(r, event_id, now)
    entry = {"at": bus.now_iso(), "by": by, "room": room, "day": day, "reason": reason}
    result = script(r, _CORRECT)(
        keys=[keys.occupancy(event_id, day), keys.presence(event_id, day),
              reg_keys.rooms(event_id), keys.occupancy_audit(event_id)],
        args=[room, count, json.dumps(entry), int(now) + 32 * DAY])
    if result == "unknown_room":
        raise Problem(404, "unknown_room", "No such room.")
    return json.loads(result)


def corrections(r: redis.Redis, event_id: str, room: str) -> list[dict]:
    """The organisers' corrections of one room, oldest first."""
    entries = (json.loads(x) for x in r.lrange(keys.occupancy_audit(event_id), 0, -1))
    return [e for e in entries if e["room"] == room]
