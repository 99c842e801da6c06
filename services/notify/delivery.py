"""Send one notice to a batch of recipients, each exactly once.

Per (notice, recipient) there is a delivery record and a deterministic Message-ID. A worker
claims a recipient (SET NX with expiry) before sending and records ``sent`` at the moment the
message is handed over (see ``mailer``), so a re-delivered event, a retried or duplicated
task, or a second worker skips what is done. A recipient claimed by a worker that died is
skipped until the claim expires, then sent by whoever holds the task for it.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass, field

import redis

from services.notify import keys, render
from services.notify.mailer import Mailer, PermanentFailure, TemporaryFailure
from shared import bus

log = logging.getLogger("podium.notify.delivery")
FINAL = ("sent", "failed")
_skeletons: dict[tuple, render.Skeleton | None] = {}


@dataclass
class Outcome:
    retry: list[str] = field(default_factory=list)  # temporary failures: back off, again
    held: list[str] = field(default_factory=list)  # claimed by another (maybe dead) worker
    sent: int = 0


def status_of(r: redis.Redis, eid: str, nid: str, did: str) -> dict:
    raw = r.hget(keys.deliveries(eid, nid), did)
    return json.loads(raw) if raw else {}


def meeting_title(r: redis.Redis, eid: str, notice: dict) -> str:
    if notice.get("event", {}).get("title"):
        return notice["event"]["title"]
    raw = r.get(keys.event(eid))
    return json.loads(raw).get("title", eid) if raw else eid


def deliver(r: redis.Redis, mailer: Mailer, config: dict, eid: str, nid: str,
            delegate_ids: list[str]) -> Outcome:
    """Send to each recipient of the batch not yet done."""
    out = Outcome()
    raw = r.get(keys.notice(eid, nid))
    if raw is None:
        log.error("notice %s/%s vanished; nothing to send", eid, nid)
        return out
    notice = json.loads(raw)
    todo = _open(r, eid, nid, delegate_ids)
    if not todo:
        return out
    with r.pipeline(transaction=False) as pipe:
        for did in todo:
            pipe.hgetall(keys.recipient(eid, did))
        pipe.hmget(keys.targets(eid, nid), list(todo))
        *people, pkeys = pipe.execute()
    title = meeting_title(r, eid, notice)
    owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    records: dict[str, dict] = {}
    claimed: list[str] = []
    try:
        for did, person, pkey in zip(todo, people, pkeys, strict=True):
            # Claimed one by one, just before sending: a claim never outlives its send.
            state = _claim_one(r, config, eid, nid, did, owner)
            if state == "done":
                r.hincrby(keys.suppressed(eid), nid)
                continue
            if state == "held":
                out.held.append(did)
                continue
            claimed.append(did)
            record = _send_one(r, mailer, config, notice, eid, {"id": did, **person}, pkey,
                               todo[did], title, out)
            if record["status"] == "sent":
                records[did] = record  # only the reply text changes: written with the batch
            else:  # a failure is written now, before its claim could lapse
                _write(r, eid, nid, {did: record}, [did])
    finally:  # also when interrupted: what was decided is written, claims are let go
        _write(r, eid, nid, records, claimed)
    return out


# Check and claim in one step: a recipient another worker has just finished is never claimed
# again. KEYS: deliveries hash, claim key. ARGV: delegate, owner, ttl seconds.
CLAIM_LUA = """
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local status = cjson.decode(raw)['status']
  if status == 'sent' or status == 'failed' then return 'done' end
end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'EX', ARGV[3]) then return 'claimed' end
return 'held'
"""
_scripts: dict[int, object] = {}


def _claim_one(r: redis.Redis, config: dict, eid: str, nid: str, did: str, owner: str) -> str:
    script = _scripts.get(id(r)) or _scripts.setdefault(id(r), r.register_script(CLAIM_LUA))
    return script(keys=[keys.deliveries(eid, nid), keys.sending(eid, nid, did)],
                  args=[did, owner, config["NOTIFY_CLAIM_S"]])


def _open(r: redis.Redis, eid: str, nid: str, dids: list[str]) -> dict[str, int]:
    """Skip recipients already done (cheap pre-check for the batch); {delegate: attempt}."""
    statuses = r.hmget(keys.deliveries(eid, nid), dids) if dids else []
    current = {d: json.loads(s) if s else {} for d, s in zip(dids, statuses, strict=True)}
    open_ = {d: int(current[d].get("attempts", 0)) + 1 for d in dids
             if current[d].get("status") not in FINAL}
    if len(open_) < len(dids):
        r.hincrby(keys.suppressed(eid), nid, len(dids) - len(open_))  # repeats not sent
    return open_


def _send_one(r, mailer, config, notice, eid, person, pkey, attempts, title, out) -> dict:
    nid, did = notice["id"], person["id"]
    payload = notice["payloads"].get(pkey) if pkey else None
    if "email" not in person or payload is None:
        return _status("failed", attempts, "no e-mail address or content for this delegate")
    mid = render.message_id(eid, nid, did)

    def commit() -> None:  # the record that makes this recipient "sent" (see mailer)
        with r.pipeline(transaction=True) as pipe:
            pipe.hset(keys.deliveries(eid, nid), did, json.dumps(_status(
                "sent", attempts, "handed over; awaiting the server's reply", mid)))
            pipe.rpush(keys.outbox(eid, did), nid)
            pipe.execute()

    try:
        data = _bytes(notice, person, payload, eid, config, title)
        reply = mailer.send(config["MAIL_FROM"], person["email"], data, commit)
    except (TemporaryFailure, PermanentFailure) as exc:
        if exc.committed:
            if isinstance(exc, TemporaryFailure) and str(exc).startswith("connection"):
                # Lost after the dot: the server most likely has it. Never twice.
                return _status("sent", attempts, str(exc), mid)
            r.lrem(keys.outbox(eid, did), -1, nid)
        if isinstance(exc, PermanentFailure):
            return _status("failed", attempts, str(exc))
        out.retry.append(did)
        return _status("retrying", attempts, str(exc))
    out.sent += 1
    return _status("sent", attempts, reply, mid)


def _bytes(notice, person, payload, eid, config, title) -> bytes:
    """Render once per (notice, language, payload); substitute the person."""
    cache_key = (eid, notice["id"], render.language(person), json.dumps(payload, sort_keys=True))
    if cache_key not in _skeletons:
        if len(_skeletons) > 512:
            _skeletons.clear()
        msg, all_8bit = render.build(notice, person, payload, event_id=eid, stand_ins=True,
                                     sender=config["MAIL_FROM"], meeting_title=title)
        _skeletons[cache_key] = render.Skeleton(msg.as_bytes()) if all_8bit else None
    skeleton = _skeletons[cache_key]
    if skeleton is not None:
        return skeleton.for_(person, eid, notice["id"])
    msg, _ = render.build(notice, person, payload, event_id=eid, sender=config["MAIL_FROM"],
                          meeting_title=title)
    return msg.as_bytes()


def _status(status: str, attempts: int, reply: str, mid: str | None = None) -> dict:
    out = {"status": status, "attempts": attempts, "last_reply": reply, "at": bus.now_iso()}
    if mid:
        out["message_id"] = mid
    return out


def _write(r: redis.Redis, eid: str, nid: str, records: dict, claimed) -> None:
    with r.pipeline(transaction=False) as pipe:
        if records:
            pipe.hset(keys.deliveries(eid, nid), mapping={
                did: json.dumps(rec) for did, rec in records.items()})
        for did in claimed:
            pipe.delete(keys.sending(eid, nid, did))
        pipe.execute()


def give_up(r: redis.Redis, eid: str, nid: str, delegate_ids: list[str]) -> None:
    """After the last retry: failed, and listed for organisers to retry by hand."""
    for did in delegate_ids:
        current = status_of(r, eid, nid, did)
        if current.get("status") in FINAL:
            continue
        r.hset(keys.deliveries(eid, nid), did, json.dumps({
            **_status("failed", current.get("attempts", 0), current.get("last_reply", "")),
            "dead_letter": True}))
        r.hset(keys.dead_letters(eid), f"{nid}:{did}", json.dumps(
            {"notice": nid, "delegate": did, "attempts": current.get("attempts", 0),
             "last_reply": current.get("last_reply", ""), "at": bus.now_iso()}))
