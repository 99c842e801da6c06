"""notify's own directory of delegates and session participants, kept from the bus.

notify never asks the registration service: it learns names, addresses, languages,
delegations and categories from ``registration.delegate.*`` events and who sits in which
session from ``registration.signup.*`` events, so audiences can be resolved while
registration is down.
"""

from __future__ import annotations

import json
import re

import redis

from services.notify import keys

LANGUAGES = ("en", "es")
# Anything that could end a header line or hide in one: CR, LF, NUL and other controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def clean(value: object) -> str:
    """A single-line string: controls become spaces, so no value can add a header."""
    return _CONTROL.sub(" ", str(value or "")).strip()


def delegate_id(ref: object) -> str:
    """Registration events name a delegate by id or carry the whole delegate object."""
    return str(ref["id"]) if isinstance(ref, dict) else str(ref)


def upsert(r: redis.Redis, eid: str, delegate: dict) -> str:
    """Record (or update) a delegate and move them between delegation/category sets."""
    did = str(delegate["id"])
    key = keys.recipient(eid, did)
    old = r.hmget(key, "delegation", "category")
    language = delegate.get("language") if delegate.get("language") in LANGUAGES else "en"
    fields = {"name": clean(delegate.get("name")), "email": clean(delegate.get("email")),
              "language": language, "delegation": clean(delegate.get("delegation")),
              "category": clean(delegate.get("category"))}
    with r.pipeline(transaction=True) as pipe:
        if old[0] is not None and old[0] != fields["delegation"]:
            pipe.srem(keys.delegation(eid, old[0]), did)
        if old[1] is not None and old[1] != fields["category"]:
            pipe.srem(keys.category(eid, old[1]), did)
        pipe.hset(key, mapping=fields)
        pipe.sadd(keys.delegates(eid), did)
        if fields["delegation"]:
            pipe.sadd(keys.delegation(eid, fields["delegation"]), did)
        if fields["category"]:
            pipe.sadd(keys.category(eid, fields["category"]), did)
        pipe.execute()
    return did


def set_participation(r: redis.Redis, eid: str, sid: str, did: str, state: str | None) -> None:
    """confirmed|waitlisted, or None when the delegate left the session."""
    if state is None:
        r.hdel(keys.participants(eid, sid), did)
    else:
        r.hset(keys.participants(eid, sid), did, state)


def store_sessions(r: redis.Redis, eid: str, sessions: list[dict]) -> None:
    """Keep titles and times of the published sessions (for registration notices)."""
    if sessions:
        r.hset(keys.sessions(eid), mapping={
            s["id"]: json.dumps(s, ensure_ascii=False) for s in sessions})


def session(r: redis.Redis, eid: str, sid: str) -> dict:
    return stored_session(sid, r.hget(keys.sessions(eid), sid))


def stored_session(sid: str, raw: str | None) -> dict:
    """A session as stored (a bare one for a session not known)."""
    return json.loads(raw) if raw else {"id": sid, "title": sid}


def audience(r: redis.Redis, eid: str, kind: str, value) -> list[str]:
    """Resolve a broadcast audience to delegate ids, sorted (a stable order to batch by)."""
    if kind == "everybody":
        ids = r.smembers(keys.delegates(eid))
    elif kind == "session":
        ids = r.hkeys(keys.participants(eid, str(value)))
    elif kind == "delegation":
        ids = r.smembers(keys.delegation(eid, str(value)))
    elif kind == "category":
        ids = r.smembers(keys.category(eid, str(value)))
    else:  # "delegates": only those notify knows
        known = r.smismember(keys.delegates(eid), list(value)) if value else []
        ids = [did for did, ok in zip(value, known, strict=True) if ok]
    return sorted(set(ids))


def unknown(r: redis.Redis, eid: str, ids: list[str]) -> list[str]:
    if not ids:
        return []
    known = r.smismember(keys.delegates(eid), ids)
    return [did for did, ok in zip(ids, known, strict=True) if not ok]
