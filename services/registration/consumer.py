"""Keep this service's copy of the agenda from the bus, so sign-ups and door checks keep
working while the agenda service is down."""

from __future__ import annotations

import json
from datetime import datetime

import redis

from services.registration import keys
from services.registration.gate import keys as gate_keys
from services.registration.scripts import script
from shared import bus, meeting_hours
from shared.keys import bus_stream, handled

GROUP = "registration"
TYPES = ("agenda.event.updated", "agenda.published")
_COPIED = ("title", "starts_at", "ends_at", "capacity", "access", "accreditation", "status",
           "room", "room_name", "parallel_group", "part_of_day", "kind", "requires_signup",
           "day", "start", "end", "sequence")


def _epoch(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp())


def session_fields(s: dict) -> dict:
    fields = {k: s.get(k) for k in _COPIED}
    fields["capacity"] = -1 if s.get("capacity") is None else s["capacity"]
    fields["requires_signup"] = "1" if s.get("requires_signup") else "0"
    fields["starts"], fields["ends"] = _epoch(s["starts_at"]), _epoch(s["ends_at"])
    return fields


def apply(r: redis.Redis, msg: bus.Message) -> None:
    """Apply one agenda event to the copy (idempotent: it sets values, never increments)."""
    eid = msg.event
    if msg.type == "agenda.event.updated":
        with r.pipeline(transaction=True) as pipe:
            pipe.set(keys.event(eid), json.dumps(meeting_hours.with_defaults(msg.data)))
            # Door hours live in every offline bundle: a new version tells devices to fetch.
            pipe.incr(gate_keys.bundle_version(eid))
            pipe.execute()
        return
    data = msg.data
    version = int(data["version"])
    if version < int(r.get(keys.agenda_version(eid)) or 0):
        return  # an older version re-delivered after a newer one: ignore
    # With every hour filled in: the door check (scan.lua) reads them from this copy.
    r.set(keys.event(eid), json.dumps(meeting_hours.with_defaults(data["event"])))
    if data.get("rooms"):
        r.hset(keys.rooms(eid), mapping={room["id"]: json.dumps(room) for room in data["rooms"]})
    sync = script(r, "sync_session")
    ctx = [eid, msg.request_id, bus.now_iso()]
    for s in [*data["sessions"], *data.get("removed", [])]:
        fields = session_fields(s)
        if s in data.get("removed", []):
            fields["status"] = "cancelled"
        sync(keys=[bus_stream(eid)], args=[keys.prefix(eid), s["id"], json.dumps(fields), *ctx])
    _report_new_conflicts(r, eid, msg, data)
    r.set(keys.agenda_version(eid), version)


def _report_new_conflicts(r: redis.Redis, eid: str, msg: bus.Message, data: dict) -> None:
    """A session that moved, or came back after a cancellation, may now collide with another
    of a delegate's sessions (sign-ups ignore cancelled sessions): say so, drop no one."""
    moved = [c["session"] for c in data["changes"]
             if {"moved_time", "reinstated", "added"} & set(c["labels"])]
    found = []
    for sid in moved:
        s = r.hgetall(keys.session(eid, sid))
        for did in [*r.zrange(keys.confirmed(eid, sid), 0, -1),
                    *r.zrange(keys.waitlist(eid, sid), 0, -1)]:
            for osid in r.hkeys(keys.mine(eid, did)):
                if osid == sid:
                    continue
                o = r.hgetall(keys.session(eid, osid))
                if o.get("status") != "cancelled" and int(o["starts"]) < int(s["ends"]) \
                        and int(s["starts"]) < int(o["ends"]):
                    found.append({"delegate": did, "session": sid, "conflicting_session": osid,
                                  "conflicting_title": o.get("title")})
    if not found or r.sismember(handled(GROUP, eid), msg.id):
        return  # nothing to say, or said already on an earlier delivery
    with r.pipeline(transaction=True) as pipe:
        pipe.sadd(handled(GROUP, eid), msg.id)
        for item in found:
            bus.add(pipe, eid, "registration.signup.conflict", item)
        pipe.execute()


def make_consumer(r: redis.Redis, name: str | None = None) -> bus.Consumer:
    return bus.Consumer(r, GROUP, lambda m: apply(r, m), name=name, types=TYPES)
