"""Hand deliveries to the Celery worker in batches, and find deliveries nobody is working on.

One task per batch of recipients, not per e-mail: a Celery round trip costs about as much as
an SMTP exchange, so per-e-mail tasks could never keep up with the mail server.

A worker killed outright (SIGKILL, power loss) leaves its tasks unacknowledged in the broker
until the visibility timeout (an hour, since retries are scheduled tasks). ``sweep`` runs when
a worker starts and re-sends every delivery that is not final; delivery is idempotent, so a
task that was still alive elsewhere costs a repeat check, never a second e-mail.
"""

from __future__ import annotations

import json

import redis
from celery import Celery

from services.notify import keys
from shared.keys import meetings

DELIVER = "podium.notify.deliver"
FINAL = ("sent", "failed")


def enqueue(celery: Celery, batch: int, eid: str, nid: str, delegate_ids: list[str],
            countdown: float | None = None) -> int:
    """Send the delivery tasks for these recipients; return how many tasks."""
    tasks = 0
    for i in range(0, len(delegate_ids), batch):
        celery.send_task(DELIVER, args=(eid, nid, delegate_ids[i:i + batch]),
                         countdown=countdown)
        tasks += 1
    return tasks


def outstanding(r: redis.Redis, eid: str, nid: str) -> list[str]:
    """Recipients whose delivery is not final (queued or retrying)."""
    return sorted(did for did, raw in r.hgetall(keys.deliveries(eid, nid)).items()
                  if json.loads(raw).get("status") not in FINAL)


def sweep(r: redis.Redis, celery: Celery, batch: int) -> int:
    """Re-send what is outstanding in every meeting; close notices that are done."""
    total = 0
    for eid in r.smembers(meetings()):
        for nid in r.smembers(keys.open_notices(eid)):
            todo = outstanding(r, eid, nid)
            if not todo:
                r.srem(keys.open_notices(eid), nid)
                continue
            enqueue(celery, batch, eid, nid, todo)
            total += len(todo)
    return total


def requeue_dead(r: redis.Redis, eid: str, nid: str) -> list[str]:
    """Take a notice's dead letters back into the queue (an organiser asked to retry)."""
    prefix = f"{nid}:"
    dead = [k for k in r.hkeys(keys.dead_letters(eid)) if k.startswith(prefix)]
    ids = [k[len(prefix):] for k in dead]
    if not ids:
        return []
    statuses = r.hmget(keys.deliveries(eid, nid), ids)
    with r.pipeline(transaction=True) as pipe:
        for did, raw in zip(ids, statuses, strict=True):
            old = json.loads(raw) if raw else {}
            pipe.hset(keys.deliveries(eid, nid), did, json.dumps({
                "status": "queued", "attempts": old.get("attempts", 0),
                "last_reply": old.get("last_reply", "")}))
        pipe.hdel(keys.dead_letters(eid), *dead)
        pipe.sadd(keys.open_notices(eid), nid)
        pipe.execute()
    return ids
