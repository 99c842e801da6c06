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


# A delegate's record: one field of one meeting-wide hash, a compact JSON list in this order.
# Per delegate this costs ~130 bytes of Redis, where a hash of their own (~200 bytes) plus
# membership of the everybody/delegation/category sets (~40 bytes each at 50,000) cost ~320.
FIELDS = ("name", "email", "language", "delegation", "category")


def upsert(r: redis.Redis, eid: str, delegate: dict) -> str:
    """Record (or update) a delegate; a moved delegate is in their new delegation at once."""
    did = str(delegate["id"])
    language = delegate.get("language") if delegate.get("language") in LANGUAGES else "en"
    values = [clean(delegate.get("name")), clean(delegate.get("email")), language,
              clean(delegate.get("delegation")), clean(delegate.get("category"))]
    r.hset(keys.directory(eid), did, json.dumps(values, ensure_ascii=False,
                                                separators=(",", ":")))
    return did


def person(raw: str | None) -> dict:
    """A stored record as a dict (name, email, ...); {} for a delegate notify does not know."""
    return dict(zip(FIELDS, json.loads(raw), strict=False)) if raw else {}


def people(r: redis.Redis, eid: str, ids: list[str]) -> list[dict]:
    """The records of these delegates, in order ({} for those not known)."""
    return [person(raw) for raw in r.hmget(keys.directory(eid), ids)] if ids else []


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


def scope_titles(r: redis.Redis, eid: str, scopes: list[str]) -> list[str]:
    """The titles of the sessions an accreditation's scopes open, in agenda order, for the
    e-mail to name them (a scope is a restricted session's accreditation slug; 'general'
    opens every session and is worded as such). A slug no stored session carries is named
    by the session of that id, else by itself."""
    wanted = [scope for scope in scopes if scope != "general"]
    if not wanted:
        return []
    stored = sorted((json.loads(raw) for raw in r.hvals(keys.sessions(eid))),
                    key=lambda s: (str(s.get("starts_at") or s.get("day") or ""), s["id"]))
    titles: list[str] = []
    for scope in wanted:
        found = [s["title"] for s in stored if s.get("accreditation") == scope] or \
            [s["title"] for s in stored if s["id"] == scope] or [scope]
        titles.extend(title for title in found if title not in titles)
    return titles


def audience(r: redis.Redis, eid: str, kind: str, value) -> list[str]:
    """Resolve a broadcast audience to delegate ids, sorted (a stable order to batch by).

    A delegation or category is found by reading the whole directory: a broadcast is rare,
    and reading 50,000 records takes a fraction of a second, where a set per audience cost
    every delegate ~80 bytes for as long as the meeting lasts."""
    if kind == "everybody":
        ids = r.hkeys(keys.directory(eid))
    elif kind == "session":
        ids = r.hkeys(keys.participants(eid, str(value)))
    elif kind in ("delegation", "category"):
        at = FIELDS.index(kind)
        ids = [did for did, raw in r.hscan_iter(keys.directory(eid), count=1000)
               if json.loads(raw)[at] == str(value)]
    else:  # "delegates": only those notify knows
        missing = set(unknown(r, eid, list(value or [])))
        ids = [did for did in value or [] if did not in missing]
    return sorted(set(ids))


def unknown(r: redis.Redis, eid: str, ids: list[str]) -> list[str]:
    if not ids:
        return []
    known = r.hmget(keys.directory(eid), ids)
    return [did for did, raw in zip(ids, known, strict=True) if raw is None]


def adopt_old(r: redis.Redis, eid: str) -> int:
    """Move a directory kept in the layout before this one (a hash per delegate, a set per
    audience) into the meeting-wide hash, and delete the old keys; return how many."""
    moved = 0
    for did in r.sscan_iter(keys.old_delegates(eid), count=500):
        old = r.hgetall(keys.old_recipient(eid, did))
        with r.pipeline(transaction=True) as pipe:
            if old:  # HSETNX: a record the bus brought since is newer
                pipe.hsetnx(keys.directory(eid), did, json.dumps(
                    [old.get(f, "") for f in FIELDS], ensure_ascii=False,
                    separators=(",", ":")))
                for kind in ("delegation", "category"):
                    if old.get(kind):
                        pipe.delete(keys.old_audience(eid, kind, old[kind]))
            pipe.delete(keys.old_recipient(eid, did))
            pipe.execute()
        moved += 1
    r.delete(keys.old_delegates(eid))
    return moved
