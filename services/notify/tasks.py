"""Celery tasks of the notify worker: thin, named, ids in, safe to run twice."""

from __future__ import annotations

import random

from celery import Celery

from services.notify import delivery
from services.notify.mailer import Mailer
from shared.celery_app import MAX_TASK_DELAY_S
from shared.store import connect

DELIVER = "podium.notify.deliver"
MAX_RETRIES = 8
BATCH = 200
_state: dict[str, object] = {}


def backoff(retries: int) -> float:
    """Exponential backoff with full jitter, capped below the broker's visibility timeout."""
    base = min(MAX_TASK_DELAY_S, 2 ** retries)
    return random.uniform(base / 2, base)


def _resources(app: Celery):
    # One Redis client and one SMTP connection per worker process, reused across tasks.
    if "redis" not in _state:
        _state["redis"] = connect(app.conf.podium["REDIS_URL"])
        _state["mailer"] = Mailer(app.conf.podium)
    return _state["redis"], _state["mailer"]


def register(app: Celery) -> None:
    @app.task(name=DELIVER, bind=True, max_retries=MAX_RETRIES, acks_late=True)
    def deliver(self, event_id: str, notice_id: str, delegate_ids: list[str]) -> int:
        r, mailer = _resources(app)
        retry = delivery.deliver(r, mailer, app.conf.podium, event_id, notice_id, delegate_ids,
                                 self.request.retries)
        if not retry:
            return len(delegate_ids)
        if self.request.retries >= self.max_retries:
            delivery.give_up(r, event_id, notice_id, retry)
            return len(delegate_ids) - len(retry)
        raise self.retry(args=(event_id, notice_id, retry),
                         countdown=backoff(self.request.retries))
