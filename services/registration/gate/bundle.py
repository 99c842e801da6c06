"""The offline bundle: what a door device needs to decide without the network, signed.

Versioned so a device fetches only changes. Badge issues, reissues and key changes bump the
version when they happen (in their Lua step). Changes made elsewhere (accreditation
decisions, delegate details, sign-ups) are found when a bundle is asked for: each badge's
bundle data has a digest, and every badge whose digest moved is recorded under one new
version. So the next bundle after any change carries it, whichever code made the change.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import redis

from services.registration import keys as reg_keys
from services.registration.badges import keys as badge_keys
from services.registration.badges import signing
from services.registration.badges.scripts import script
from services.registration.badges.token import b64encode
from services.registration.gate import keys

_RECONCILE = Path(__file__).parent / "lua" / "reconcile.lua"
MAX_CHANGES = 200_000
_CHUNK = 1000
_SESSION_FIELDS = ("room", "starts", "ends", "access", "accreditation", "requires_signup",
                   "status", "title")


def canonical(doc: dict) -> bytes:
    """The bytes a bundle's signature covers (the offline verifier uses the same)."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _badge_entries(r: redis.Redis, event_id: str) -> dict[str, dict | None]:
    """Serial -> what a door needs to know about its holder (None: revoked)."""
    serials = r.hgetall(badge_keys.serials(event_id))
    revoked = r.smembers(badge_keys.revoked(event_id))
    live = [(s, d) for s, d in serials.items() if s not in revoked]
    out: dict[str, dict | None] = dict.fromkeys(revoked)
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


def _digest(entry: dict | None) -> str:
    return hashlib.sha256(canonical({"e": entry})).hexdigest()[:16]


def reconcile(r: redis.Redis, event_id: str, entries: dict[str, dict | None]) -> int:
    """Record changed badges under a new version; return the current version."""
    old = r.hgetall(keys.bundle_digests(event_id))
    pairs: list[str] = []
    for serial, entry in entries.items():
        digest = _digest(entry)
        if old.get(serial) != digest:
            pairs += [serial, digest]
    return int(script(r, _RECONCILE)(
        keys=[keys.bundle_version(event_id), keys.bundle_changes(event_id),
              keys.bundle_digests(event_id), keys.bundle_floor(event_id)],
        args=[MAX_CHANGES, *pairs]))


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


def build(r: redis.Redis, event_id: str, device: str, rooms: tuple[str, ...],
          since: int | None, secret_key: str) -> dict:
    """The bundle for one device: a delta after ``since``, or everything when too old."""
    entries = _badge_entries(r, event_id)
    version = reconcile(r, event_id, entries)
    floor = int(r.get(keys.bundle_floor(event_id)) or 0)
    full = since is None or since <= 0 or since > version or since < floor
    if full:
        wanted = set(entries)
    else:
        wanted = {m for m in r.zrangebyscore(keys.bundle_changes(event_id), since + 1, "+inf")
                  if not m.startswith("key:")}
    event = json.loads(r.get(reg_keys.event(event_id)) or "{}")
    room_docs = {k: json.loads(v) for k, v in r.hgetall(reg_keys.rooms(event_id)).items()
                 if not rooms or k in rooms}
    doc = {
        "event": event_id, "version": version, "since": None if full else since,
        "full": full, "device": device, "rooms_scope": list(rooms),
        "generated_at": int(time.time()),
        "door_opens_minutes": int(event.get("door_opens_minutes") or 30),
        "keys": {k["kid"]: k["public_key"] for k in signing.public_keys(r, event_id)},
        "rooms": {k: {"name": v.get("name"), "capacity": v.get("capacity")}
                  for k, v in room_docs.items()},
        "sessions": _sessions(r, event_id, rooms),
        "badges": {s: e for s in sorted(wanted) if (e := entries.get(s)) is not None},
        "revoked": sorted((s for s in wanted if entries.get(s) is None), key=int),
    }
    kid = signing.active_kid(r, event_id, secret_key)
    signature = signing.private_key(r, event_id, kid, secret_key).sign(canonical(doc))
    return {"bundle": doc, "kid": kid, "signature": b64encode(signature)}
