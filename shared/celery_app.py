"""The Celery app factory: Redis broker, late acks, explicit task names (set on each task)."""

from __future__ import annotations

from typing import Any

from celery import Celery

from shared.config import load

# Longest delay a task may be scheduled with (retry backoff). The broker's visibility timeout
# must exceed it, or Redis would hand a delayed, unacknowledged task to a second worker.
MAX_TASK_DELAY_S = 600
VISIBILITY_TIMEOUT_S = 3600


def create_celery(name: str, config: dict[str, Any] | None = None) -> Celery:
    settings = config or load()
    app = Celery(name, broker=settings["REDIS_URL"])
    app.conf.update(
        task_acks_late=True,  # a task killed mid-way is delivered again...
        task_reject_on_worker_lost=True,  # ...including when the worker process dies
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT_S},
        task_default_queue="podium",
        podium=settings,
    )
    assert MAX_TASK_DELAY_S < VISIBILITY_TIMEOUT_S
    return app
