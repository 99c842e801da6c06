"""Helpers run in their own processes: an SMTP sink and a Celery app with a no-op task.

``python -m bench.sinks smtp PORT`` accepts and discards mail; the Celery app is used as
``celery -A bench.sinks worker`` with REDIS_URL set.
"""

from __future__ import annotations

import os
import sys
import threading

from celery import Celery


class _Discard:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def smtp(port: int) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(_Discard(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    threading.Event().wait()


def make_celery(url: str) -> Celery:
    app = Celery("podium.bench", broker=url, backend=url)
    app.conf.update(task_serializer="json", accept_content=["json"], worker_prefetch_multiplier=1,
                    task_default_queue="bench-floor", broker_connection_retry_on_startup=True)

    @app.task(name="podium.bench.noop")
    def noop() -> None:
        return None

    return app


celery = make_celery(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))

if __name__ == "__main__" and sys.argv[1:2] == ["smtp"]:
    smtp(int(sys.argv[2]))
