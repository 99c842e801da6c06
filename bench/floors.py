"""The floors: the least each kind of Podium work can cost on this machine, in this run.

* ``http_json``: gunicorn + Flask answering a trivial JSON route (same config as services);
* ``http_script``: the same plus one EVALSHA, the least a door check or a sign-up costs;
* ``smtp``: plain smtplib over one reused connection to an aiosmtpd sink in another process;
* ``celery``: a Celery round trip of a no-op task through the same Redis.

Each is measured once per run and cached, so every benchmark divides by the same number.
"""

from __future__ import annotations

import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from functools import cache

from bench import common
from bench.loadgen import Load, get_load
from podium import redisserver


def duration(quick: bool) -> float:
    return 2.0 if quick else 8.0


@cache
def http_json(quick: bool = False, connections: int = 64) -> Load:
    with common.valkey(appendonly=False) as kv, \
            common.gunicorn("bench.floor_app:create_app()", {"REDIS_URL": kv.url},
                            probe="/floor") as srv:
        get_load(srv.url + "/floor", connections, 1.0)  # warm up workers and connections
        return get_load(srv.url + "/floor", connections, duration(quick))


@cache
def http_script(quick: bool = False, connections: int = 64) -> Load:
    with common.valkey() as kv, \
            common.gunicorn("bench.floor_app:create_app()", {"REDIS_URL": kv.url},
                            probe="/floor") as srv:
        get_load(srv.url + "/floor/script", connections, 1.0)
        return get_load(srv.url + "/floor/script", connections, duration(quick))


@cache
def smtp(quick: bool = False) -> float:
    """Messages per second over one reused SMTP connection."""
    port = redisserver.free_port()
    sink = subprocess.Popen([sys.executable, "-m", "bench.sinks", "smtp", str(port)],
                            cwd=common.ROOT, stdout=subprocess.PIPE, text=True)
    try:
        sink.stdout.readline()  # "ready"
        n = 300 if quick else 2000
        with smtplib.SMTP("127.0.0.1", port) as client:
            start = time.perf_counter()
            for i in range(n):
                msg = EmailMessage()
                msg["From"], msg["To"] = "podium@example.org", f"d{i}@example.org"
                msg["Subject"] = "Agenda changes"
                msg.set_content("The opening moved to 15:00.\n" * 20)
                client.send_message(msg)
            return n / (time.perf_counter() - start)
    finally:
        sink.terminate()
        sink.wait(10)


@cache
def celery(quick: bool = False) -> tuple[float, float]:
    """Round trips per second (sequential) and p50 latency in ms of a no-op task."""
    with common.valkey(appendonly=False) as kv:
        env = {"REDIS_URL": kv.url}
        worker = common.spawn("celery-floor", [str(common.BIN / "celery"), "-A", "bench.sinks",
                                               "worker", "-c", "2", "-Q", "bench-floor",
                                               "--loglevel", "WARNING", "--without-gossip",
                                               "--without-mingle", "--without-heartbeat"], env)
        try:
            from bench.sinks import make_celery

            app = make_celery(kv.url)
            app.send_task("podium.bench.noop").get(timeout=60)  # the worker is up
            n = 100 if quick else 500
            lat = []
            for _ in range(n):
                t0 = time.perf_counter()
                app.send_task("podium.bench.noop").get(timeout=30)
                lat.append(time.perf_counter() - t0)
            lat.sort()
            return n / sum(lat), lat[len(lat) // 2] * 1000
        finally:
            worker.terminate()
            worker.wait(15)
