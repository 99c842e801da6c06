"""Hand deliveries to the Celery worker in batches, and find deliveries nobody is working on.

One task per batch of recipients, not per e-mail: a Celery round trip costs about as much as
an SMTP exchange, so per-e-mail tasks could never keep up with the mail server.

A worker killed outright (SIGKILL, power loss) leaves its tasks unacknowledged in the broker
until the visibility timeout (an hour, since retries are scheduled tasks). Instead of waiting,
every worker runs ``sweep_stale`` every ``NOTIFY_SWEEP_S`` (one of them at a time, under a
lock): a delivery that is neither final nor claimed, and whose last news (planned, tried, or
due for retry) is older than twice the claim time, has lost its task; it is re-stamped and
queued again. Delivery is idempotent, so a task that was only slow costs a repeat check,
never a second e-mail.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import redis
from celery import Celery

from services.notify import claims, keys, records
from shared import bus
from shared.keys import meetings
from shared.logs import request_id_var

DELIVER = "podium.notify.deliver"
PING = "podium.notify.ping"
FINAL = ("sent", "failed")


def enqueue(celery: Celery, batch: int, eid: str, nid: str, delegate_ids: list[str],
            countdown: float | None = None) -> int:
    """Send the delivery tasks for these recipients; return how many tasks."""
    tasks = 0
    for i in range(0, len(delegate_ids), batch):
        ids = delegate_ids[i:i + batch]
        # argsrepr: what logs and monitors show; Celery's own repr of 200 ids (0.13 ms) is a
        # third of what sending the task costs otherwise.
        celery.send_task(DELIVER, args=(eid, nid, ids), countdown=countdown,
                         argsrepr=f"({eid!r}, {nid!r}, <{len(ids)} recipients>)")
        tasks += 1
    return tasks


def outstanding(r: redis.Redis, eid: str, nid: str) -> dict[str, dict]:
    """Recipients whose delivery is not final (queued or retrying), with their records."""
    found = records.statuses(r, records.place(eid, nid))
    return {did: rec for did, rec in sorted(found.items()) if rec.get("status") not in FINAL}


def sweep_stale(r: redis.Redis, celery: Celery, config: dict) -> int:
    """Queue again what lost its task, in every meeting; close notices that are done."""
    interval = max(1, round(config["NOTIFY_SWEEP_S"]))
    if not r.set(keys.sweep_lock(), uuid.uuid4().hex, nx=True, ex=interval):
        return 0  # another worker sweeps this interval
    cutoff = datetime.now(UTC) - timedelta(seconds=2 * config["NOTIFY_CLAIM_S"])
    cutoff_iso = cutoff.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    total = 0
    for eid in r.smembers(meetings()):
        for nid in r.smembers(keys.open_notices(eid)):
            todo = outstanding(r, eid, nid)
            if not todo:
                r.srem(keys.open_notices(eid), nid)
                continue
            # Same format, all UTC: ISO strings compare like the times they name.
            old = [did for did, rec in todo.items() if (rec.get("due") or rec.get("at") or "")
                   < cutoff_iso]
            for i in range(0, len(old), 500):
                again = claims.restamp(r, records.place(eid, nid), old[i:i + 500],
                                       bus.now_iso())
                _enqueue_as(r, celery, config["NOTIFY_BATCH"], eid, nid, again)
                total += len(again)
    return total


def _enqueue_as(r: redis.Redis, celery: Celery, batch: int, eid: str, nid: str,
                ids: list[str]) -> None:
    """Queue under the request id of the notice's cause, so the logs still tie together."""
    found = records.read(r, eid, nid)
    token = request_id_var.set(found[1].get("request_id") if found else None)
    try:
        enqueue(celery, batch, eid, nid, ids)
    finally:
        request_id_var.reset(token)


def requeue_dead(r: redis.Redis, eid: str, nid: str) -> list[str]:
    """Take a notice's dead letters back into the queue (an organiser asked to retry)."""
    prefix = f"{nid}:"
    dead = [k for k in r.hkeys(keys.dead_letters(eid)) if k.startswith(prefix)]
    ids = [k[len(prefix):] for k in dead]
    if not ids:
        return []
    where = records.place(eid, nid)
    statuses = r.hmget(where.records, [where.field(did) for did in ids])
    with r.pipeline(transaction=True) as pipe:
        for did, raw in zip(ids, statuses, strict=True):
            old = json.loads(raw) if raw else {}
            pipe.hset(where.records, where.field(did), records.value(where, old, {
                "status": "queued", "attempts": old.get("attempts", 0),
                "last_reply": old.get("last_reply", ""), "at": bus.now_iso()}))
        pipe.hdel(keys.dead_letters(eid), *dead)
        pipe.sadd(keys.open_notices(eid), nid)
        pipe.execute()
    return ids
