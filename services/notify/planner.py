"""Turn bus events into notices: who must be told what (the consumer side of notify).

Every notice id is derived from the event that caused it (the delegate id, the published
version or the bus entry id), and notices are written with NX, so an event delivered twice
plans the same notice twice and the second plan changes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import redis

from services.notify import changes, directory, keys, records
from shared import bus
from shared.logs import request_id_var

GROUP = "notify"
TYPES = (
    "registration.delegate.registered",
    "registration.delegate.updated",
    "registration.access_link.sent",
    "registration.accreditation.approved",
    "registration.accreditation.rejected",
    "registration.accreditation.revoked",
    "registration.signup.confirmed",
    "registration.signup.waitlisted",
    "registration.signup.promoted",
    "registration.signup.cancelled",
    "registration.signup.conflict",
    "agenda.published",
)
Enqueue = Callable[[str, str, list[str]], None]


def plan(r: redis.Redis, msg: bus.Message, enqueue: Enqueue, batch: int = 200) -> None:
    """Record what this event means for notices; ``enqueue(event, notice_id, ids)`` sends."""
    eid, data, kind = msg.event, msg.data, msg.type
    if kind == "agenda.published":
        _plan_changes(r, eid, data, enqueue, batch)
        return
    if isinstance(data.get("delegate"), dict):
        directory.upsert(r, eid, data["delegate"])
    did = directory.delegate_id(data.get("delegate", ""))
    if kind == "registration.delegate.registered":
        _one(r, eid, records.registration_id(did), "registration", did,
             {"access_link": data.get("access_link", "")}, enqueue)
    elif kind == "registration.access_link.sent":
        _one(r, eid, f"link-{msg.id}", "access_link", did,
             {"access_link": data.get("access_link", "")}, enqueue)
    elif kind.startswith("registration.accreditation."):
        # A partial revocation (some scopes) leaves the delegate approved for the others: the
        # event's delegate record says which, and the e-mail must not say "revoked" outright.
        held = isinstance(data.get("delegate"), dict) and \
            data["delegate"].get("accreditation") == "approved"
        scopes = data.get("scopes") or []
        _one(r, eid, f"acc-{msg.id}", "accreditation_" + kind.rsplit(".", 1)[-1], did,
             {"scopes": scopes, "sessions": directory.scope_titles(r, eid, scopes),
              "reason": data.get("reason") or "",
              "still_accredited": held and kind.endswith(".revoked")}, enqueue)
    elif kind.startswith("registration.signup."):
        _plan_signup(r, eid, msg, did, enqueue)


def _plan_signup(r: redis.Redis, eid: str, msg: bus.Message, did: str,
                 enqueue: Enqueue) -> None:
    data, state = msg.data, msg.type.rsplit(".", 1)[-1]
    sid = str(data.get("session", ""))
    session, seq = _session_and_sequence(r, eid, sid, state)
    payload = {"session": session, "position": data.get("position")}
    if seq is not None:  # a notice with the session's calendar (a seat, or out of it)
        payload["seq"] = seq
    if state == "conflict":
        payload["conflicting_title"] = data.get("conflicting_title") or ""
        _one(r, eid, f"su-{msg.id}", "conflict", did, payload, enqueue)
        return
    if state == "cancelled":
        directory.set_participation(r, eid, sid, did, None)
        # Registration gives a reason when someone else took the delegate out (accreditation
        # revoked, the session's access changed, not promoted for want of accreditation, an
        # organiser took them out): they are told why. A delegate's own leave has none:
        # they are told it is done. Both say from which list; either e-mail takes the
        # session out of their calendar.
        payload["left"] = data.get("state") or "confirmed"
        if data.get("reason"):
            _one(r, eid, f"su-{msg.id}", "signup_removed", did,
                 {**payload, "reason": data["reason"]}, enqueue)
        else:
            _one(r, eid, f"su-{msg.id}", "signup_left", did, payload, enqueue)
        return
    directory.set_participation(r, eid, sid, did, data.get("state") or state)
    _one(r, eid, f"su-{msg.id}", f"signup_{state}", did, payload, enqueue)


def _session_and_sequence(r: redis.Redis, eid: str, sid: str,
                          state: str) -> tuple[dict, int | None]:
    """The session as notify stored it, and the SEQUENCE of the iMIP part its notice carries
    (None for notices without one: waitlisted, conflict). Worked out here, once, and stored
    in the payload: a delivery tried again sends the same number.

    RFC 5546: a client applies a message only if its SEQUENCE is not below the last one it
    took. A REQUEST carries the agenda's sequence plus the session's offset (``keys.
    sequence_offsets``); a CANCEL first raises the offset by 2 (HINCRBY: atomic among
    workers) and carries agenda + new offset - 1: above every REQUEST before it, below
    every REQUEST after it (a seat taken again, a change notice). A re-delivered bus event
    raises it once more; the stored notice (NX) keeps its number and nothing goes wrong, as
    the offset only has to grow."""
    offsets = keys.sequence_offsets(eid)
    with r.pipeline(transaction=False) as pipe:
        pipe.hget(keys.sessions(eid), sid)
        if state == "cancelled":
            pipe.hincrby(offsets, sid, 2)
        elif state in ("confirmed", "promoted"):
            pipe.hget(offsets, sid)
        raw, *offset = pipe.execute()
    session = directory.stored_session(sid, raw)
    if not offset:
        return session, None
    seq = int(session.get("sequence") or 0) + int(offset[0] or 0)
    return session, seq - 1 if state == "cancelled" else seq


def _one(r: redis.Redis, eid: str, nid: str, kind: str, did: str, payload: dict,
         enqueue: Enqueue) -> None:
    store_notice(r, eid, nid, kind, {"p": payload}, {did: "p"})
    enqueue(eid, nid, [did])


def _plan_changes(r: redis.Redis, eid: str, data: dict, enqueue: Enqueue,
                  batch: int = 200) -> None:
    """One notice per published version; each affected delegate gets ALL their changes once.
    Each chunk of the plan is stored and queued before the next is worked out: the first
    e-mails do not wait for the whole audience to be planned."""
    nid = f"chg-v{data['version']}"
    for payloads, targets in changes.plan(r, eid, data, size=batch):
        store_notice(r, eid, nid, "change", payloads, targets,
                     extra={"version": data["version"], "note": data.get("note", ""),
                            "event": data["event"]})
        enqueue(eid, nid, sorted(targets))
    # After planning: the stored copy is the "before" of the next version (a crash before
    # this line plans the same chunks again, which stores and sends nothing twice).
    directory.store_sessions(r, eid, [*data["sessions"], *data.get("removed", [])])


def store_notice(r: redis.Redis, eid: str, notice_id: str, kind: str, payloads: dict,
                 targets: dict[str, str], extra: dict | None = None) -> None:
    """Write the notice once: everything is NX or a rewrite of the same values, so a
    re-delivered event (or a crash half-way) leaves one notice and never resets a status."""
    # The request id of the cause (HTTP request -> bus event -> here) travels with the notice
    # into each e-mail's X-Podium-Request-Id header.
    doc = {"id": notice_id, "kind": kind, "created_at": bus.now_iso(),
           "request_id": request_id_var.get(), **(extra or {})}
    queued = {"status": "queued", "attempts": 0, "at": bus.now_iso()}
    with r.pipeline(transaction=True) as pipe:
        if records.place(eid, notice_id).solo:  # one field of the meeting's ``solo`` hash
            ((did, pkey),) = targets.items()
            pipe.hsetnx(keys.solo(eid), notice_id,
                        records.solo_record(doc, did, payloads[pkey], queued))
        else:
            pipe.set(keys.notice(eid, notice_id), json.dumps(doc, ensure_ascii=False),
                     nx=True)
            pipe.zadd(keys.notices(eid), {notice_id: time.time()}, nx=True)
            for pkey, payload in payloads.items():
                pipe.hsetnx(keys.payloads(eid, notice_id), pkey,
                            json.dumps(payload, ensure_ascii=False))
            pipe.hset(keys.targets(eid, notice_id), mapping=targets)
            queued_raw = records.dumps(queued)
            for did in targets:
                pipe.hsetnx(keys.deliveries(eid, notice_id), did, queued_raw)
        pipe.sadd(keys.open_notices(eid), notice_id)
        pipe.execute()
