"""Send one notice to a batch of recipients, each exactly once.

Per (notice, recipient) there is a delivery record and a deterministic Message-ID. A worker
claims recipients a chunk at a time (see ``claims``) and records ``sent`` at the moment the
message is handed over (see ``mailer``), so a re-delivered event, a retried or duplicated
task, or a second worker skips what is done.

Throughput: the batch is split into chunks that several lanes take in turn, each lane with
its own SMTP connection, so one message's round trips overlap another's (a single connection
spends most of its time waiting for the server and for Redis).
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import queue
import uuid
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import redis

from services.notify import chunks, claims, keys, records, render
from services.notify.mailer import (
    Mailer,
    MailerPool,
    PermanentFailure,
    Superseded,
    TemporaryFailure,
)
from shared import bus

log = logging.getLogger("podium.notify.delivery")
FINAL = ("sent", "failed")
CHUNK = 25  # recipients per claim: one Redis call per chunk, short-lived claims
_skeletons: dict[tuple, render.Skeleton | None] = {}
_lanes: dict[str, ThreadPoolExecutor] = {}


@dataclass
class Outcome:
    retry: list[str] = field(default_factory=list)  # temporary failures: back off, again
    held: list[str] = field(default_factory=list)  # claimed by another (maybe dead) worker
    sent: int = 0

    def merge(self, other: Outcome) -> None:
        self.retry += other.retry
        self.held += other.held
        self.sent += other.sent


@dataclass
class _Job:
    r: redis.Redis
    config: dict
    eid: str
    notice: dict
    meeting: dict  # id, title, timezone (``meeting``)
    owner: str
    retry_due: str | None
    payloads: dict = field(default_factory=dict)

    @property
    def where(self) -> records.Place:
        return records.place(self.eid, self.notice["id"])

    @property
    def title(self) -> str:
        return self.meeting.get("title") or self.eid

    def value(self, record: dict) -> str:
        """What to store for a recipient's new status (see ``records.value``)."""
        return records.value(self.where, self.notice, record)


def stored(r: redis.Redis, where: records.Place, did: str) -> dict:
    """A recipient's record as stored (a one-recipient notice's: with the notice's fields)."""
    raw = r.hget(where.records, where.field(did))
    return json.loads(raw) if raw else {}


def status_of(r: redis.Redis, eid: str, nid: str, did: str) -> dict:
    return records.delivery(stored(r, records.place(eid, nid), did))


def meeting(r: redis.Redis, eid: str, notice: dict) -> dict:
    """The meeting as the notice carries it (change notices), else notify's copy of it; {}
    when notify has none yet."""
    if notice.get("event", {}).get("title"):
        return notice["event"]
    raw = r.get(keys.event(eid))
    return {**json.loads(raw), "id": eid} if raw else {}


def meeting_title(r: redis.Redis, eid: str, notice: dict) -> str:
    return meeting(r, eid, notice).get("title") or eid


def deliver(r: redis.Redis, mailers: MailerPool, config: dict, eid: str, nid: str,
            delegate_ids: list[str], lanes: int = 1, retry_due: str | None = None) -> Outcome:
    """Send to each recipient of the batch not yet done, over up to ``lanes`` connections."""
    mailer = mailers.get()  # the first lane's: its MAIL FROM is answered while we read
    mailer.prepare(config["MAIL_FROM"])
    try:
        return _deliver(r, mailers, mailer, config, eid, nid, delegate_ids, lanes, retry_due)
    finally:
        mailers.put(mailer)


def _deliver(r: redis.Redis, mailers: MailerPool, mailer: Mailer, config: dict, eid: str,
             nid: str, delegate_ids: list[str], lanes: int, retry_due: str | None) -> Outcome:
    owner, ttl = f"{os.getpid()}-{uuid.uuid4().hex[:8]}", config["NOTIFY_CLAIM_S"]
    # The notice comes in the first chunk's round trip: the first e-mail waits for one.
    first = chunks.fetch(r, eid, nid, delegate_ids[:CHUNK], owner, ttl, with_notice=True)
    if first.notice is None:
        claims.release(r, records.place(eid, nid), list(first.claimed), owner)
        log.error("notice %s/%s vanished; nothing to send", eid, nid)
        return Outcome()
    notice = records.notice(nid, first.notice)
    job = _Job(r, config, eid, notice, meeting(r, eid, notice), owner, retry_due)
    todo: queue.SimpleQueue[chunks.Chunk | list[str]] = queue.SimpleQueue()
    todo.put(first)
    for i in range(CHUNK, len(delegate_ids), CHUNK):
        todo.put(delegate_ids[i:i + CHUNK])
    lanes = max(1, min(lanes, (len(delegate_ids) + CHUNK - 1) // CHUNK))
    if lanes == 1:
        return _lane(job, mailers, todo, mailer)
    pool = _lanes.get("pool")
    if pool is None:  # made on first use, in the worker process (never before a fork)
        pool = _lanes.setdefault("pool", ThreadPoolExecutor(
            max_workers=4 * lanes, thread_name_prefix="notify-lane"))
    # Each lane runs in a copy of this context: its logs keep the task's request id. All are
    # waited for, even when one fails: the first lane's mailer goes back only after.
    futures = [pool.submit(contextvars.copy_context().run, _lane, job, mailers, todo,
                           mailer if lane == 0 else None) for lane in range(lanes)]
    wait(futures)
    out = Outcome()
    for future in futures:
        out.merge(future.result())
    return out


def _lane(job: _Job, mailers: MailerPool, todo: queue.SimpleQueue,
          mailer: Mailer | None = None) -> Outcome:
    """Take chunks until none is left, over ``mailer`` (given back by whoever lent it) or
    one of the pool's."""
    out = Outcome()
    own = mailer is None
    mailer = mailer or mailers.get()
    try:
        while True:
            try:
                chunk = todo.get_nowait()
            except queue.Empty:
                return out
            if not isinstance(chunk, chunks.Chunk):
                mailer.prepare(job.config["MAIL_FROM"])
                chunk = chunks.fetch(job.r, job.eid, job.notice["id"], chunk, job.owner,
                                     job.config["NOTIFY_CLAIM_S"], known=list(job.payloads))
            _chunk(job, mailer, chunk, out)
    finally:
        if own:
            mailers.put(mailer)


def _chunk(job: _Job, mailer, chunk: chunks.Chunk, out: Outcome) -> None:
    r, eid, nid, where = job.r, job.eid, job.notice["id"], job.where
    out.held += [did for did, v in zip(chunk.ids, chunk.verdicts, strict=True) if v == "held"]
    if "done" in chunk.verdicts:  # repeats recognised, not sent
        r.hincrby(keys.suppressed(eid), nid, chunk.verdicts.count("done"))
    claimed = chunk.claimed
    if not claimed:
        return
    job.payloads.update(chunk.payloads)
    wanted = [(did, person, pkey) for did, person, pkey in
              zip(chunk.ids, chunk.people, chunk.pkeys, strict=True) if did in claimed]
    finished: dict[str, dict] = {}  # sent: only the reply text changes, written at the end
    settled: set[str] = set()  # committed, failed or taken over: nothing left to release
    try:
        for did, person, pkey in wanted:
            record = _send_one(job, mailer, {"id": did, **person}, pkey, claimed[did], out)
            settled.add(did)
            if record is None:  # another worker holds it now
                continue
            if record["status"] == "sent":
                finished[did] = record
            else:  # a failure is written now, before its claim could lapse
                r.hset(where.records, where.field(did), job.value(record))
    finally:  # also when interrupted: what was decided is written, the rest let go
        if finished:
            r.hset(where.records, mapping={
                where.field(did): job.value(rec) for did, rec in finished.items()})
        claims.release(r, where, [d for d in claimed if d not in finished], job.owner)


def _send_one(job: _Job, mailer, person: dict, pkey, attempts: int, out: Outcome):
    r, eid, nid, did = job.r, job.eid, job.notice["id"], person["id"]
    payload = job.payloads.get(pkey) if pkey else None
    if "email" not in person or payload is None:
        return _status("failed", attempts, "no e-mail address or content for this delegate")

    def may_send() -> bool:  # just before the dot: do we still hold this recipient?
        return claims.still_ours(r, job.where, did, job.owner)

    try:
        mailer.begin(job.config["MAIL_FROM"], person["email"])  # answered while we render
        data = _bytes(job, person, pkey, payload)
        reply = mailer.send(job.config["MAIL_FROM"], person["email"], data, may_send)
    except Superseded:
        return None
    except (TemporaryFailure, PermanentFailure) as exc:
        if isinstance(exc, PermanentFailure):
            log.warning("%s/%s refused for %s: %s", eid, nid, did, exc)
            return _status("failed", attempts, str(exc))
        # Also a line lost after the dot: the server had not said 250, so it may have
        # dropped the message. Sending again risks a repeat (same Message-ID), never a loss.
        out.retry.append(did)
        return {**_status("retrying", attempts, str(exc)), "due": job.retry_due}
    record = _status("sent", attempts, reply)
    if not claims.commit(r, job.where, did, job.owner, job.value(record)):
        log.warning("%s/%s for %s was recorded by another worker meanwhile", eid, nid, did)
    out.sent += 1
    return _status("sent", attempts, reply)


def _bytes(job: _Job, person: dict, pkey: str, payload) -> bytes:
    """Render once per (notice, language, payload); substitute the person."""
    notice, eid = job.notice, job.eid
    cache_key = (eid, notice["id"], render.language(person), pkey)
    if cache_key not in _skeletons:
        if len(_skeletons) > 512:
            _skeletons.clear()
        _skeletons[cache_key] = render.skeleton(notice, person, payload, event_id=eid,
                                                sender=job.config["MAIL_FROM"],
                                                meeting_title=job.title,
                                                meeting=job.meeting)
    skeleton = _skeletons[cache_key]
    if skeleton is not None:
        return skeleton.for_(person, eid, notice["id"])
    msg, _ = render.build(notice, person, payload, event_id=eid,
                          sender=job.config["MAIL_FROM"], meeting_title=job.title,
                          meeting=job.meeting)
    return msg.as_bytes()


def _status(status: str, attempts: int, reply: str) -> dict:
    """A delivery record (the Message-ID is not stored: see ``records.shown``)."""
    return {"status": status, "attempts": attempts, "last_reply": reply, "at": bus.now_iso()}


def give_up(r: redis.Redis, eid: str, nid: str, delegate_ids: list[str]) -> None:
    """After the last retry: failed, and listed for organisers to retry by hand."""
    where = records.place(eid, nid)
    for did in delegate_ids:
        current = stored(r, where, did)
        if current.get("status") in FINAL:
            continue
        r.hset(where.records, where.field(did), records.value(where, current, {
            **_status("failed", current.get("attempts", 0), current.get("last_reply", "")),
            "dead_letter": True}))
        r.hset(keys.dead_letters(eid), f"{nid}:{did}", json.dumps(
            {"notice": nid, "delegate": did, "attempts": current.get("attempts", 0),
             "last_reply": current.get("last_reply", ""), "at": bus.now_iso()}))
