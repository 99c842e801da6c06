"""Shape registration's data for the delegate's page: sessions, seats, what changed for them."""

from __future__ import annotations

import redis

from services.registration import keys


def catalogue(r: redis.Redis, event_id: str) -> list[dict]:
    """Every session of the published copy with free seats and waitlist length, in time order."""
    sids = sorted(r.smembers(keys.sessions(event_id)))
    with r.pipeline(transaction=False) as pipe:
        for sid in sids:
            pipe.hgetall(keys.session(event_id, sid))
            pipe.zcard(keys.confirmed(event_id, sid))
            pipe.zcard(keys.waitlist(event_id, sid))
        raw = pipe.execute()
    out = []
    for i, sid in enumerate(sids):
        s, taken, waiting = raw[3 * i], raw[3 * i + 1], raw[3 * i + 2]
        capacity = int(s.get("capacity", -1))
        out.append({**s, "id": sid, "capacity": None if capacity < 0 else capacity,
                    "taken": taken, "waiting": waiting,
                    "full": 0 <= capacity <= taken, "sequence": int(s.get("sequence", 0))})
    return sorted(out, key=lambda s: (s.get("starts_at") or "", s["id"]))


def note_seen(r: redis.Redis, event_id: str, delegate_id: str,
              sessions: list[dict]) -> tuple[set[str], int]:
    """Sessions changed since this delegate last looked, and the version they saw then.

    The first visit highlights nothing. Each visit records what was shown, so the next one
    highlights only what changed in between (a session's ``sequence`` rises with each change
    that moves it in a calendar: time, room, title, status).
    """
    key = keys.seen(event_id, delegate_id)
    before = r.hgetall(key)
    version = int(r.get(keys.agenda_version(event_id)) or 0)
    changed = {s["id"] for s in sessions if s["id"] not in before
               or s["sequence"] > int(before[s["id"]])} if before else set()
    if sessions:
        r.hset(key, mapping={"version": version, **{s["id"]: s["sequence"] for s in sessions}})
    return changed, int(before.get("version", version))
