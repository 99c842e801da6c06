"""Celery tasks of the notify worker: thin, named, ids in, safe to run twice."""

from __future__ import annotations

import logging
import random
import threading

from celery import Celery
from celery.signals import worker_ready

from services.notify import delivery, dispatch
from services.notify.dispatch import DELIVER
from services.notify.mailer import Mailer
from shared.celery_app import MAX_TASK_DELAY_S
from shared.store import connect

log = logging.getLogger("podium.notify.tasks")
PING = "podium.notify.ping"
_state: dict[str, object] = {}
_local = threading.local()  # one SMTP connection per pool thread/process, reused


def backoff(retries: int, base: float) -> float:
    """Exponential backoff with jitter (half to all of the delay), capped below the broker's
    visibility timeout so a scheduled retry is never handed to a second worker."""
    delay = min(MAX_TASK_DELAY_S, base * 2 ** retries)
    return random.uniform(delay / 2, delay)


def _redis(app: Celery):
    if "redis" not in _state:
        _state["redis"] = connect(app.conf.podium["REDIS_URL"])
    return _state["redis"]


def _mailer(app: Celery) -> Mailer:
    if getattr(_local, "mailer", None) is None:
        _local.mailer = Mailer(app.conf.podium)
    return _local.mailer


def register(app: Celery) -> None:
    config = app.conf.podium

    @app.task(name=DELIVER, bind=True, max_retries=config["NOTIFY_MAX_RETRIES"],
              acks_late=True)
    def deliver(self, event_id: str, notice_id: str, delegate_ids: list[str]) -> int:
        r = _redis(app)
        out = delivery.deliver(r, _mailer(app), config, event_id, notice_id, delegate_ids)
        if out.held:  # another worker's claim; if it died, the claim expires, then we send
            dispatch.enqueue(app, config["NOTIFY_BATCH"], event_id, notice_id, out.held,
                             countdown=config["NOTIFY_CLAIM_S"] + 1)
        if not out.retry:
            return out.sent
        if self.request.retries >= self.max_retries:
            delivery.give_up(r, event_id, notice_id, out.retry)
            return out.sent
        raise self.retry(args=(event_id, notice_id, out.retry),
                         countdown=backoff(self.request.retries,
                                           config["NOTIFY_RETRY_BASE_S"]))

    @app.task(name=PING)
    def ping(reply_key: str) -> None:
        """A no-op that answers on a Redis list: the bench's Celery round-trip floor."""
        r = _redis(app)
        r.rpush(reply_key, "pong")
        r.expire(reply_key, 60)

    @worker_ready.connect(weak=False)
    def resume(sender=None, **_kw) -> None:
        """A (re)started worker takes up deliveries whose tasks may have died with a worker."""
        count = dispatch.sweep(_redis(app), app, config["NOTIFY_BATCH"])
        if count:
            log.warning("resumed %s outstanding deliveries", count)
