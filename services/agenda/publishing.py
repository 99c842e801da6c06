"""Publishing: the draft becomes a numbered version with its changelog, said on the bus.

Published versions are immutable snapshots (``keys.version``); the current one is named by
``keys.published`` and identified to readers by its stamp (``keys.published_stamp``), which
readers remember (:mod:`services.agenda.stamps`) until a publish tells them to forget it.
"""

from __future__ import annotations

import json

import redis

from services.agenda import changelog, keys, readiness, stamps
from services.agenda.operations import (
    dumps,
    enrich,
    etag_of,
    get_event,
    list_rooms,
    list_sessions,
    sort_key,
)
from shared import bus
from shared.errors import Problem


def current_version(r: redis.Redis, eid: str) -> int:
    return int(r.get(keys.published(eid)) or 0)


def get_version(r: redis.Redis, eid: str, number: int | None = None) -> dict:
    number = current_version(r, eid) if number is None else number
    raw = r.get(keys.version(eid, number)) if number else None
    if raw is None:
        raise Problem(404, "not_published" if not number else "unknown_version",
                      "Nothing is published yet." if not number else f"No version {number}.")
    return json.loads(raw)


def list_versions(r: redis.Redis, eid: str) -> list[dict]:
    count = current_version(r, eid)
    raws = r.mget([keys.version(eid, n) for n in range(1, count + 1)]) if count else []
    out = []
    for raw in raws:
        v = json.loads(raw)
        out.append({k: v[k] for k in ("version", "note", "published_at", "changes")})
    return out


def publish(r: redis.Redis, eid: str, note: str) -> tuple[dict, bool]:
    """Make the draft the next numbered version, with its changelog, and say so on the bus.

    Returns the version and whether it is new. A draft with a session that cannot be
    published is refused whole (422, :mod:`services.agenda.readiness`). Publishing a draft
    whose meeting, rooms and sessions are what the current version already holds publishes
    nothing: the current version comes back, not a new one, and nobody is told anything.
    """
    bus.register_meeting(r, eid)
    while True:
        with r.pipeline(transaction=True) as pipe:
            pipe.watch(keys.draft(eid), keys.published(eid), keys.rooms(eid), keys.event(eid))
            version, current = _build_version(r, eid, note)
            if current is not None and all(version[k] == current.get(k) for k in _CONTENT):
                return current, False
            pipe.multi()
            pipe.set(keys.version(eid, version["version"]), dumps(version))
            pipe.set(keys.published(eid), version["version"])
            # Readers key their caches and ETags on this stamp, and remember it until the
            # message on the channel tells every process to forget it.
            pipe.set(keys.published_stamp(eid), version_stamp(version))
            pipe.publish(keys.published_channel(), eid)
            bus.add(pipe, eid, "agenda.published", _published_event(version))
            try:
                pipe.execute()
            except redis.WatchError:
                continue  # another publish or edit slipped in; compute again
            stamps.published(eid)
            return version, True


# What a version publishes; two versions equal in these have nothing to tell anyone apart.
_CONTENT = ("event", "rooms", "sessions", "tombstones")


def _build_version(r: redis.Redis, eid: str, note: str) -> tuple[dict, dict | None]:
    """The next version as the draft would make it, and the current one (None if none)."""
    event = get_event(r, eid)
    rooms = {room["id"]: room for room in list_rooms(r, eid)}
    draft = list_sessions(r, eid)
    readiness.check_draft(event, draft, set(rooms))
    number = current_version(r, eid)
    current = get_version(r, eid, number) if number else None
    previous = {s["id"]: s for s in current["sessions"]} if current else {}
    sessions = [enrich(s, event, rooms) for s in draft]
    changes = changelog.diff(previous, {s["id"]: s for s in sessions})
    moved = {c["session"] for c in changes if changelog.calendar_changed(c)}
    graves = {t["id"]: t for t in (current.get("tombstones", []) if current else [])}
    for s in sessions:
        before = previous.get(s["id"]) or graves.get(s["id"])
        s["sequence"] = 0 if before is None else before["sequence"] + (
            s["id"] in moved or s["id"] not in previous)
    removed = [{**previous[c["session"]], "status": "cancelled",
                "sequence": previous[c["session"]]["sequence"] + 1}
               for c in changes if c["labels"] == ["removed"]]
    # A removed session stays in calendar exports as CANCELLED (tombstone), so a client
    # that subscribed before the removal deletes the entry instead of keeping it forever.
    live = {s["id"] for s in sessions}
    tombstones = [t for t in graves.values() if t["id"] not in live] + removed
    return {"version": number + 1, "note": note, "published_at": bus.now_iso(),
            "event": event, "rooms": list(rooms.values()), "sessions": sessions,
            "changes": changes, "removed": removed,
            "tombstones": sorted(tombstones, key=sort_key)}, current


def version_stamp(version: dict) -> str:
    """Identifies one published version's content (number plus when it was published)."""
    return f"{version['version']}.{etag_of(version['published_at'])[:8]}"


def _published_event(version: dict) -> dict:
    """What other services need: every session's schedule, plus what changed."""
    compact = ("id", "title", "day", "start", "end", "part_of_day", "starts_at", "ends_at",
               "room", "room_name", "capacity", "access", "accreditation", "status",
               "parallel_group", "requires_signup", "sequence", "kind")
    event = version["event"]
    return {
        "version": version["version"],
        "note": version["note"],
        "event": {k: event.get(k) for k in ("id", "title", "timezone", "first_day", "last_day",
                                            "morning", "afternoon", "door_opens_minutes")},
        "rooms": version["rooms"],
        "sessions": [{k: s.get(k) for k in compact} for s in version["sessions"]],
        "removed": [{k: s.get(k) for k in compact} for s in version["removed"]],
        "changes": version["changes"],
    }
