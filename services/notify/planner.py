"""Turn bus events into notices: who must be told what (the consumer side of notify)."""

from __future__ import annotations

import json
from collections import defaultdict

import redis

from services.notify import keys
from shared import bus

GROUP = "notify"
TYPES = (
    "registration.delegate.registered",
    "registration.signup.confirmed",
    "registration.signup.waitlisted",
    "registration.signup.promoted",
    "registration.signup.cancelled",
    "registration.signup.conflict",
    "agenda.published",
)


def plan(r: redis.Redis, msg: bus.Message, enqueue) -> None:
    """Record what this event means for notices; ``enqueue(event, notice_id, ids)`` sends."""
    eid, data = msg.event, msg.data
    if msg.type == "registration.delegate.registered":
        d = data["delegate"]
        r.hset(keys.recipient(eid, d["id"]), mapping={
            "name": d["name"], "email": d["email"], "language": d.get("language", "en")})
        notice_id = f"reg-{d['id']}"
        _store_notice(r, eid, notice_id, "registration", {d["id"]: {
            "access_link": data.get("access_link", "")}})
        enqueue(eid, notice_id, [d["id"]])
    elif msg.type.startswith("registration.signup."):
        state = msg.type.rsplit(".", 1)[-1]
        did, sid = data["delegate"], data["session"]
        if state in ("confirmed", "waitlisted", "promoted"):
            r.hset(keys.participants(eid, sid), did, data.get("state", state))
        elif state == "cancelled":
            r.hdel(keys.participants(eid, sid), did)
    elif msg.type == "agenda.published":
        _plan_changes(r, eid, msg, enqueue)


def _plan_changes(r: redis.Redis, eid: str, msg: bus.Message, enqueue) -> None:
    """One notice per published version; each affected delegate gets ALL their changes once."""
    data = msg.data
    by_session = {s["id"]: s for s in [*data["sessions"], *data.get("removed", [])]}
    per_delegate: dict[str, list] = defaultdict(list)
    for change in data["changes"]:
        if change["labels"] == ["added"]:
            continue
        sid = change["session"]
        for did, state in r.hgetall(keys.participants(eid, sid)).items():
            per_delegate[did].append({"change": change, "session": by_session.get(sid),
                                      "state": state})
    if not per_delegate:
        return
    notice_id = f"chg-v{data['version']}"
    _store_notice(r, eid, notice_id, "change", dict(per_delegate),
                  extra={"version": data["version"], "note": data.get("note", ""),
                         "event": data["event"]})
    enqueue(eid, notice_id, sorted(per_delegate))


def _store_notice(r: redis.Redis, eid: str, notice_id: str, kind: str, recipients: dict,
                  extra: dict | None = None) -> None:
    """Write the notice once (NX): a re-delivered event finds it and changes nothing."""
    doc = {"id": notice_id, "kind": kind, "created_at": bus.now_iso(),
           "recipients": recipients, **(extra or {})}
    with r.pipeline(transaction=True) as pipe:
        pipe.set(keys.notice(eid, notice_id), json.dumps(doc, ensure_ascii=False), nx=True)
        pipe.zadd(keys.notices(eid), {notice_id: _score()}, nx=True)
        for did in recipients:
            pipe.hsetnx(keys.deliveries(eid, notice_id), did,
                        json.dumps({"status": "queued", "attempts": 0}))
        pipe.execute()


def _score() -> float:
    import time

    return time.time()
