"""Who is affected by a published agenda version, and what changed for them, in plain facts.

Delegates with the same sessions in the same states get the same payload, stored once and
referred to by key: a change that touches 10,000 delegates stores a handful of payloads.
"""

from __future__ import annotations

from collections import defaultdict

import redis

from services.notify import directory, keys

# Labels a delegate is told about (added sessions concern nobody yet).
TOLD = ("moved_time", "moved_room", "renamed", "cancelled", "removed", "reinstated",
        "access_changed", "details_changed", "status_changed", "capacity_changed")
_WHEN = ("day", "start", "end", "part_of_day")


def plan(r: redis.Redis, eid: str, data: dict) -> tuple[dict, dict[str, str]]:
    """Return (payloads by key, payload key by delegate) for one ``agenda.published``."""
    sessions = {s["id"]: s for s in [*data["sessions"], *data.get("removed", [])]}
    rooms = {room["id"]: room.get("name") or room["id"] for room in data.get("rooms") or []}
    items: dict[str, dict] = {}
    for change in data["changes"]:
        if not set(change["labels"]) & set(TOLD) or change["session"] not in sessions:
            continue
        items[change["session"]] = item(r, eid, change, sessions[change["session"]], rooms)
    per_delegate: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for sid in items:
        for did, state in r.hgetall(keys.participants(eid, sid)).items():
            per_delegate[did].append((sid, state))
    payloads: dict[str, list[dict]] = {}
    targets: dict[str, str] = {}
    for did, entries in per_delegate.items():
        key = "|".join(f"{sid}:{state}" for sid, state in sorted(entries))
        payloads.setdefault(key, [{**items[sid], "state": state} for sid, state in
                                  sorted(entries, key=lambda e: _order(items[e[0]]))])
        targets[did] = key
    return payloads, targets


def item(r: redis.Redis, eid: str, change: dict, session: dict, rooms: dict) -> dict:
    """One session's change: old and new schedule, room and title, as the template needs."""
    before = directory.session(r, eid, session["id"])
    old = {f: before.get(f) for f in (*_WHEN, "title", "room", "room_name")}
    for field, (was, _now) in change.get("fields", {}).items():
        if field in old:
            old[field] = was
    if "room" in change.get("fields", {}):
        old["room_name"] = rooms.get(old["room"] or "", old["room"])
    labels = [label for label in change["labels"] if label in TOLD]
    cancelled = bool({"cancelled", "removed"} & set(labels))
    return {"session": session["id"], "title": session["title"], "labels": labels,
            "cancelled": cancelled,
            "old": {"when": when(old), "room": old.get("room_name"), "title": old["title"]},
            "new": {"when": when(session), "room": session.get("room_name")},
            "calendar": session}


def when(s: dict) -> str:
    """``2030-06-19 14:00`` or ``2030-06-19 (morning)``: what a delegate reads."""
    day = s.get("day") or ""
    if s.get("start"):
        return f"{day} {s['start']}".strip()
    return f"{day} ({s['part_of_day']})" if s.get("part_of_day") else day


def _order(it: dict) -> str:
    cal = it["calendar"]
    return str(cal.get("starts_at") or cal.get("day") or "")
