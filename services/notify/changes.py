"""Who is affected by a published agenda version, and what changed for them, in plain facts.

Delegates with the same sessions in the same states get the same payload, stored once and
referred to by key: a change that touches 10,000 delegates stores a handful of payloads.
The plan comes in chunks (see ``plan``) so delivery can start before planning ends.
"""

from __future__ import annotations

from collections.abc import Iterator

import redis

from services.notify import directory, keys

# Labels a delegate is told about (added sessions concern nobody yet).
TOLD = ("moved_time", "moved_room", "renamed", "cancelled", "removed", "reinstated",
        "access_changed", "details_changed", "status_changed", "capacity_changed")
_WHEN = ("day", "start", "end", "part_of_day")


def plan(r: redis.Redis, eid: str, data: dict, size: int = 200, first: int = 5,
         ) -> Iterator[tuple[dict, dict[str, str]]]:
    """Yield (payloads by key, payload key by delegate) for one ``agenda.published``, a chunk
    of about ``size`` delegates at a time (the first one a handful: stored, queued, claimed
    and read in less time), so the first e-mails leave while the rest of a large audience
    is still being worked out."""
    sessions = {s["id"]: s for s in [*data["sessions"], *data.get("removed", [])]}
    rooms = {room["id"]: room.get("name") or room["id"] for room in data.get("rooms") or []}
    told = {change["session"]: change for change in data["changes"]
            if set(change["labels"]) & set(TOLD) and change["session"] in sessions}
    order = list(told)
    if not order:
        return
    # What each session was before, its calendar's SEQUENCE offset, and the first
    # participants of the first: one round trip (not one per changed session, then one
    # more), as the first e-mails wait for it.
    with r.pipeline(transaction=False) as pipe:
        pipe.hmget(keys.sessions(eid), order)
        pipe.hmget(keys.sequence_offsets(eid), order)
        pipe.hscan(keys.participants(eid, order[0]), 0, count=first)
        before, offsets, head = pipe.execute()
    items = {sid: item(told[sid], sessions[sid], directory.stored_session(sid, raw), rooms,
                       int(offset or 0))
             for sid, raw, offset in zip(order, before, offsets, strict=True)}
    seen: set[str] = set()
    for i, sid in enumerate(order):
        # Each delegate is planned with the first changed session they are in; their states
        # in the other changed sessions are looked up for the chunk at hand.
        for chunk in _scan(r, keys.participants(eid, sid), size, head if i == 0 else None):
            fresh = {did: state for did, state in chunk.items() if did not in seen}
            seen.update(fresh)
            others = order[:i] + order[i + 1:]
            with r.pipeline(transaction=False) as pipe:
                for other in others:
                    pipe.hmget(keys.participants(eid, other), list(fresh))
                states = dict(zip(others, pipe.execute() if fresh and others else [],
                                  strict=False))
            payloads: dict[str, list[dict]] = {}
            targets: dict[str, str] = {}
            for n, (did, state) in enumerate(fresh.items()):
                if any(states[o][n] is not None for o in order[:i]):
                    continue  # planned with an earlier session
                entries = [(sid, state)] + [(o, states[o][n]) for o in order[i + 1:]
                                            if states[o][n] is not None]
                key = "|".join(f"{s}:{st}" for s, st in sorted(entries))
                payloads.setdefault(key, [{**items[s], "state": st} for s, st in
                                          sorted(entries, key=lambda e: _order(items[e[0]]))])
                targets[did] = key
            if targets:
                yield payloads, targets


def _scan(r: redis.Redis, key: str, size: int, head: tuple | None = None,
          ) -> Iterator[dict[str, str]]:
    """A hash in chunks (HSCAN): every field present throughout is seen at least once.
    ``head``: the answer to the first HSCAN, already read."""
    cursor, chunk = head if head is not None else r.hscan(key, 0, count=size)
    while True:
        if chunk:
            yield chunk
        if cursor == 0:
            return
        cursor, chunk = r.hscan(key, cursor, count=size)


def item(change: dict, session: dict, before: dict, rooms: dict, offset: int = 0) -> dict:
    """One session's change: old and new schedule, room and title, as the template needs.
    ``offset``: what notify adds to the session's SEQUENCE (``keys.sequence_offsets``), so
    this REQUEST or CANCEL outranks a sign-up's CANCEL sent before it."""
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
            # The schedule as facts: each e-mail words it in its reader's language (``words``).
            "old": {**schedule(old), "room": old.get("room_name"), "title": old["title"]},
            "new": {**schedule(session), "room": session.get("room_name")},
            "calendar": {**session,
                         "sequence": int(session.get("sequence") or 0) + offset}}


def schedule(s: dict) -> dict:
    """Day, start, end and part of day, without the empty ones (the payload is stored)."""
    return {f: s[f] for f in _WHEN if s.get(f)}


def _order(it: dict) -> str:
    cal = it["calendar"]
    return str(cal.get("starts_at") or cal.get("day") or "")
