"""The offline bundle: what a door device needs to decide without the network, signed.

Versioned so a device fetches only changes. Every change a door must learn about bumps the
version in the same atomic step that makes it, and records what changed:

* badge issues and reissues (``badges/lua/issue.lua``) record the serials, key rotations
  and retirements the key (``bundle_changes``);
* accreditation decisions, delegate details and confirmed seats (the registration scripts,
  through ``mark_bundle`` in ``lua/prelude.lua``) record the delegate (``bundle_dirty``);
* session windows from the agenda copy (``sync_session.lua``) and the meeting's door hours
  (``consumer.py``) bump the version; sessions, rooms and keys travel whole in every bundle.

``since=<version>`` then reads just the recorded changes, so a delta costs what changed, not
the size of the meeting. Each thing is one member of a sorted set (re-scored when it changes
again), so the records are bounded by the meeting's size and never need trimming.
"""

from __future__ import annotations

import json
import time

import redis

from services.registration import keys as reg_keys
from services.registration.badges import keys as badge_keys
from services.registration.badges import signing
from services.registration.badges.token import b64encode
from services.registration.gate import keys
from shared import meeting_hours

_CHUNK = 1000
_SESSION_FIELDS = ("room", "starts", "ends", "access", "accreditation", "requires_signup",
                   "status", "title")


def canonical(doc: dict) -> bytes:
    """The bytes a bundle's signature covers (the offline verifier uses the same)."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _describe(r: redis.Redis, event_id: str, serials: dict[str, str],
              revoked: set[str]) -> dict[str, dict | None]:
    """Serial -> what a door needs to know about its holder (None: revoked)."""
    out: dict[str, dict | None] = {s: None for s in serials if s in revoked}
    live = [(s, d) for s, d in serials.items() if s not in revoked]
    for i in range(0, len(live), _CHUNK):
        chunk = live[i:i + _CHUNK]
        with r.pipeline(transaction=False) as pipe:
            for _serial, did in chunk:
                pipe.hmget(reg_keys.delegate(event_id, did),
                           ("name", "delegation", "category", "accreditation"))
                pipe.smembers(reg_keys.accreditation(event_id, did))
                pipe.hgetall(reg_keys.mine(event_id, did))
                pipe.hget(badge_keys.badge(event_id, did), "serial")
            replies = pipe.execute()
        for j, (serial, did) in enumerate(chunk):
            fields, scopes, mine, current = replies[4 * j:4 * j + 4]
            if current != serial:
                out[serial] = None  # superseded (a reissue revokes, this is belt and braces)
                continue
            out[serial] = {"delegate": did, "name": fields[0] or "",
                           "delegation": fields[1] or "", "category": fields[2] or "",
                           "accreditation": fields[3] or "", "scopes": sorted(scopes),
                           "signed_up": sorted(s for s, st in mine.items() if st == "confirmed")}
    return out


def _everything(r: redis.Redis, event_id: str) -> tuple[int, dict[str, dict | None]]:
    # The version is read first: a change after it is recorded with a higher version, so
    # the device's next delta carries it even if this read already saw it.
    version = int(r.get(keys.bundle_version(event_id)) or 0)
    serials = r.hgetall(badge_keys.serials(event_id))
    return version, _describe(r, event_id, serials, r.smembers(badge_keys.revoked(event_id)))


def _changes(r: redis.Redis, event_id: str, since: int) -> tuple[int, dict[str, dict | None]]:
    """The version and the badges recorded as changed after ``since``."""
    with r.pipeline(transaction=True) as pipe:  # one consistent cut of version and records
        pipe.get(keys.bundle_version(event_id))
        pipe.zrangebyscore(keys.bundle_changes(event_id), f"({since}", "+inf")
        pipe.zrangebyscore(keys.bundle_dirty(event_id), f"({since}", "+inf")
        version, changed, dirty = pipe.execute()
    changed = [m for m in changed if m.isdigit()]  # serials; keys and sessions go whole
    with r.pipeline(transaction=False) as pipe:
        pipe.hmget(badge_keys.serials(event_id), changed or ["-"])
        for did in dirty:
            pipe.hget(badge_keys.badge(event_id, did), "serial")
        owners, *current = pipe.execute()
    serials = {s: d for s, d in zip(changed, owners, strict=False) if d is not None}
    serials.update({s: d for d, s in zip(dirty, current, strict=True) if s is not None})
    wanted = list(serials)
    revoked = r.smismember(badge_keys.revoked(event_id), wanted) if wanted else []
    gone = {s for s, is_revoked in zip(wanted, revoked, strict=True) if is_revoked}
    return int(version or 0), _describe(r, event_id, serials, gone)


def _sessions(r: redis.Redis, event_id: str, rooms: tuple[str, ...]) -> dict[str, dict]:
    ids = sorted(r.smembers(reg_keys.sessions(event_id)))
    with r.pipeline(transaction=False) as pipe:
        for sid in ids:
            pipe.hmget(reg_keys.session(event_id, sid), _SESSION_FIELDS)
        replies = pipe.execute()
    out = {}
    for sid, values in zip(ids, replies, strict=True):
        s = dict(zip(_SESSION_FIELDS, values, strict=True))
        if rooms and s["room"] not in rooms:
            continue
        s["starts"], s["ends"] = int(s["starts"] or 0), int(s["ends"] or 0)
        s["requires_signup"] = s["requires_signup"] == "1"
        out[sid] = s
    return out


def _for_rooms(entries: dict[str, dict | None], sessions: dict[str, dict],
               full: bool) -> tuple[dict[str, dict | None], list[str]]:
    """Keep only holders who could enter a session in the device's rooms.

    A door bound to rooms learns nothing of delegates who can never pass it. When one of its
    sessions is open to every badge, every holder is needed. In a delta, a holder who no
    longer qualifies is listed in ``dropped`` so the device forgets them.
    """
    live = [s for s in sessions.values() if s.get("status") != "cancelled"]
    if any(s.get("access") != "accredited" and not s.get("requires_signup") for s in live):
        return entries, []
    slugs = {s.get("accreditation") for s in live if s.get("access") == "accredited"}
    ids = set(sessions)

    def qualifies(entry: dict) -> bool:
        return entry["accreditation"] == "approved" and (
            "general" in entry["scopes"] or bool(slugs & set(entry["scopes"]))
        ) or bool(ids & set(entry["signed_up"]))

    kept = {s: e for s, e in entries.items() if e is None or qualifies(e)}
    dropped = [] if full else [s for s in entries if s not in kept]
    return kept, dropped


def build(r: redis.Redis, event_id: str, device: str, rooms: tuple[str, ...],
          since: int | None, secret_key: str) -> dict:
    """The bundle for one device: a delta after ``since``, or everything."""
    full = since is None or since <= 0
    if not full:
        version, entries = _changes(r, event_id, since)
        full = since > version  # a version this store never gave: start again
    if full:
        version, entries = _everything(r, event_id)
    sessions = _sessions(r, event_id, rooms)
    dropped: list[str] = []
    if rooms:
        entries, dropped = _for_rooms(entries, sessions, full)
    event = json.loads(r.get(reg_keys.event(event_id)) or "{}")
    room_docs = {k: json.loads(v) for k, v in r.hgetall(reg_keys.rooms(event_id)).items()
                 if not rooms or k in rooms}
    doc = {
        "event": event_id, "version": version, "since": None if full else since,
        "full": full, "device": device, "rooms_scope": list(rooms),
        "generated_at": int(time.time()),
        "door_opens_minutes": meeting_hours.door_opens_minutes(event),
        "keys": {k["kid"]: k["public_key"] for k in signing.public_keys(r, event_id)},
        "rooms": {k: {"name": v.get("name"), "capacity": v.get("capacity")}
                  for k, v in room_docs.items()},
        "sessions": sessions,
        "badges": {s: e for s in sorted(entries, key=int) if (e := entries[s]) is not None},
        "revoked": sorted((s for s, e in entries.items() if e is None), key=int),
        "dropped": sorted(dropped, key=int),
    }
    kid = signing.active_kid(r, event_id, secret_key)
    signature = signing.private_key(r, event_id, kid, secret_key).sign(canonical(doc))
    return {"bundle": doc, "kid": kid, "signature": b64encode(signature)}
