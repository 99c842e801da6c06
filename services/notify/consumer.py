"""The notify service's bus consumer: plans notices and hands them to the Celery worker."""

from __future__ import annotations

import json

import redis
from celery import Celery

from services.notify import directory, dispatch, keys, planner
from services.notify.dispatch import PING
from shared import bus
from shared.keys import meetings


def make_consumer(r: redis.Redis, celery: Celery, name: str | None = None) -> bus.Consumer:
    batch = celery.conf.podium["NOTIFY_BATCH"]

    def enqueue(event_id: str, notice_id: str, delegate_ids: list[str]) -> None:
        dispatch.enqueue(celery, batch, event_id, notice_id, delegate_ids)

    def handle(msg: bus.Message) -> None:
        if msg.type == "agenda.event.updated":
            r.set(keys.event(msg.event), json.dumps(msg.data))
            return
        planner.plan(r, msg, enqueue, batch)
        if msg.type == "agenda.published":  # after: the first e-mails need no copy of it
            r.set(keys.event(msg.event), json.dumps(msg.data["event"]))

    # A directory kept in the layout before the meeting-wide hash is moved into it first.
    for eid in r.smembers(meetings()):
        directory.adopt_old(r, eid)
    # Send one no-op task now: the first send of a process connects, declares the queue and
    # imports half of Celery (tens of ms), which the first e-mail of a fan-out would wait for.
    celery.send_task(PING, args=(keys.warm_reply(),))
    return bus.Consumer(r, planner.GROUP, handle, name=name,
                        types=(*planner.TYPES, "agenda.event.updated"))
