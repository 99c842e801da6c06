"""Celery tasks of the notify worker: thin, named, ids in, safe to run twice."""

from __future__ import annotations

import logging
import random
import threading
from datetime import UTC, datetime, timedelta

from celery import Celery
from celery.signals import worker_process_init, worker_ready, worker_shutdown

from services.notify import chunks, claims, delivery, dispatch, render
from services.notify.dispatch import DELIVER, PING
from services.notify.mailer import MailerPool
from shared.celery_app import MAX_TASK_DELAY_S
from shared.store import connect

log = logging.getLogger("podium.notify.tasks")
_state: dict[str, object] = {}


def backoff(retries: int, base: float) -> float:
    """Exponential backoff with jitter (half to all of the delay), capped below the broker's
    visibility timeout so a scheduled retry is never handed to a second worker."""
    delay = min(MAX_TASK_DELAY_S, base * 2 ** retries)
    return random.uniform(delay / 2, delay)


def _redis(app: Celery):
    if "redis" not in _state:
        _state["redis"] = connect(app.conf.podium["REDIS_URL"])
    return _state["redis"]


def _mailers(app: Celery) -> MailerPool:
    if "mailers" not in _state:  # per process: connections are reused across tasks
        _state["mailers"] = MailerPool(app.conf.podium)
    return _state["mailers"]


def _iso_in(seconds: float) -> str:
    at = datetime.now(UTC) + timedelta(seconds=seconds)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def register(app: Celery) -> None:
    config = app.conf.podium

    @app.task(name=DELIVER, bind=True, max_retries=config["NOTIFY_MAX_RETRIES"],
              acks_late=True)
    def deliver(self, event_id: str, notice_id: str, delegate_ids: list[str]) -> int:
        r = _redis(app)
        # Chosen before sending, so the records of temporary failures say when they are due
        # (the sweep leaves a delivery alone while its retry is still to come).
        countdown = backoff(self.request.retries, config["NOTIFY_RETRY_BASE_S"])
        last = self.request.retries >= self.max_retries
        out = delivery.deliver(r, _mailers(app), config, event_id, notice_id, delegate_ids,
                               lanes=config["NOTIFY_SMTP_CONNECTIONS"],
                               retry_due=None if last else _iso_in(countdown))
        if out.held:  # another worker's claim; if it died, the claim expires, then we send
            dispatch.enqueue(app, config["NOTIFY_BATCH"], event_id, notice_id, out.held,
                             countdown=config["NOTIFY_CLAIM_S"] + 1)
        if not out.retry:
            return out.sent
        if last:
            delivery.give_up(r, event_id, notice_id, out.retry)
            return out.sent
        raise self.retry(args=(event_id, notice_id, out.retry), countdown=countdown)

    @app.task(name=PING)
    def ping(reply_key: str) -> None:
        """A no-op that answers on a Redis list: the bench's Celery round-trip floor."""
        r = _redis(app)
        r.rpush(reply_key, "pong")
        r.expire(reply_key, 60)

    @worker_process_init.connect(weak=False)
    def warm(**_kw) -> None:
        """Compile the templates and load the calendar code before the first task, so the
        first e-mail of a fan-out does not wait for them."""
        try:
            render.warm_up(config["MAIL_FROM"])
            claims.load(_redis(app))  # also opens this process's Redis connection
            chunks.load(_redis(app))
            mailer = _mailers(app).get()
            try:
                mailer.connect()  # kept; reopened on first use if the server closed it
            finally:
                _mailers(app).put(mailer)
        except Exception as exc:  # a cold start is slower, never wrong
            log.warning("warm-up incomplete: %s", exc)

    @worker_ready.connect(weak=False)
    def start_sweeping(sender=None, **_kw) -> None:
        """Take up deliveries stranded by a dead worker now, and every interval after, while
        this worker lives (Celery's own recovery waits for the broker's visibility timeout)."""
        stop = threading.Event()
        _state["sweeper_stop"] = stop

        def loop() -> None:
            while True:
                try:
                    count = dispatch.sweep_stale(_redis(app), app, config)
                    if count:
                        log.warning("re-queued %s stranded deliveries", count)
                except Exception:  # Redis away for a moment: try again next interval
                    log.exception("sweep failed")
                if stop.wait(config["NOTIFY_SWEEP_S"]):
                    return

        threading.Thread(target=loop, name="notify-sweep", daemon=True).start()

    @worker_shutdown.connect(weak=False)
    def stop_sweeping(**_kw) -> None:
        stop = _state.get("sweeper_stop")
        if isinstance(stop, threading.Event):
            stop.set()
