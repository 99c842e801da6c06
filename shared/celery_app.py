"""The Celery app factory: Redis broker, late acks, explicit task names (set on each task)."""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from shared.config import load
from shared.logs import request_id_var

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


# One request id from the HTTP request to the e-mail: a task sent while a request id is set
# (a view, a bus handler) carries it in a message header, and the worker sets it again for
# the task's run, so the task's logs and anything it sends on carry the same id.
REQUEST_ID_HEADER = "podium_request_id"


@before_task_publish.connect(weak=False, dispatch_uid="podium-request-id-out")
def _carry_request_id(headers=None, **_kw) -> None:
    rid = request_id_var.get()
    if rid and headers is not None and not headers.get(REQUEST_ID_HEADER):
        headers[REQUEST_ID_HEADER] = rid


@task_prerun.connect(weak=False, dispatch_uid="podium-request-id-in")
def _adopt_request_id(task=None, **_kw) -> None:
    request = getattr(task, "request", None)
    rid = getattr(request, REQUEST_ID_HEADER, None) or (
        getattr(request, "headers", None) or {}).get(REQUEST_ID_HEADER)
    if request is not None:
        request.podium_token = request_id_var.set(rid or None)


@task_postrun.connect(weak=False, dispatch_uid="podium-request-id-reset")
def _drop_request_id(task=None, **_kw) -> None:
    token = getattr(getattr(task, "request", None), "podium_token", None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (thread pools): just clear it
            request_id_var.set(None)
