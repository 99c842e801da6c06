"""The floors: the least each kind of Podium work can cost on this machine, in this run.

* ``http_json``: gunicorn + Flask answering a trivial JSON route (same config as services);
* ``http_script``: the same plus one EVALSHA, the least a door check or a sign-up costs;
* ``signups``: that script call as POSTs by distinct delegates, each sent once, from the
  same Python client as Podium's sign-ups (so the ratio compares servers, not clients);
* ``smtp``: plain smtplib over one reused connection to an aiosmtpd sink in another process;
* ``celery``: a Celery round trip of a no-op task through the same Redis.

Each is measured once per run: ``python -m bench`` measures them all first (:func:`rows`) and
every module then reads the same cached numbers, so all ratios divide by the same floor.
A module run on its own measures the ones it needs, once.
"""

from __future__ import annotations

import json
import smtplib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from bench import common
from bench.loadgen import Load, Request, get_load, median_run, python_load
from podium import redisserver

CONNECTIONS = 64  # every HTTP figure and its floor: 64 keep-alive clients (door devices)
_measured: dict[tuple[str, bool], Any] = {}


def duration(quick: bool) -> float:
    return 2.0 if quick else 8.0


SIGNUP_RUNS = 3  # sign-up figures and their floor: the median of this many runs


def signup_count(quick: bool) -> int:
    """How many distinct sign-ups one sign-up figure (and its floor) sends."""
    return 1000 if quick else 6000


def _once(name: str, quick: bool, measure: Callable[[], Any]) -> Any:
    # Keyed by name and mode only, so f(True) and f(quick=True) share one measurement.
    if (name, quick) not in _measured:
        _measured[(name, quick)] = measure()
    return _measured[(name, quick)]


@contextmanager
def _floor_app(appendonly: bool) -> Iterator[common.Served]:
    """The floor app under gunicorn on a private Valkey."""
    with common.valkey(appendonly=appendonly) as kv, \
            common.gunicorn("bench.floor_app:create_app()", {"REDIS_URL": kv.url},
                            probe="/floor") as srv:
        yield srv


def http_json(quick: bool = False) -> Load:
    def measure() -> Load:
        with _floor_app(appendonly=False) as srv:
            get_load(srv.url + "/floor", CONNECTIONS, 1.0)  # warm up workers and connections
            return get_load(srv.url + "/floor", CONNECTIONS, duration(quick))

    return _once("http_json", quick, measure)


def http_script(quick: bool = False) -> Load:
    def measure() -> Load:
        with _floor_app(appendonly=True) as srv:
            get_load(srv.url + "/floor/script", CONNECTIONS, 1.0)
            return get_load(srv.url + "/floor/script", CONNECTIONS, duration(quick))

    return _once("http_script", quick, measure)


def signup_requests(delegates: list[str], sessions: list[str],
                    path: Callable[[str], str], token: Callable[[str], str]) -> list[list]:
    """Per connection, distinct delegates each POSTing one sign-up, spread over sessions."""
    per: list[list[Request]] = [[] for _ in range(CONNECTIONS)]
    for k, did in enumerate(delegates):
        body = json.dumps({"session": sessions[k % len(sessions)]}).encode()
        per[k % CONNECTIONS].append(("POST", path(did), {
            "Authorization": f"Bearer {token(did)}", "Content-Type": "application/json"}, body))
    return per


def signups(quick: bool = False) -> Load:
    def measure() -> Load:
        with common.valkey(appendonly=True) as kv, \
                common.gunicorn("bench.floor_app:create_app()", {"REDIS_URL": kv.url},
                                probe="/floor") as srv:
            ids = [f"d{k:06d}" for k in range(signup_count(quick))]

            def token(did: str) -> str:
                return "floor-token-about-as-long-as-a-delegate-token." + did * 8

            # Warm up workers and script cache on another meeting, as Podium's figures do.
            python_load(srv.url, signup_requests(ids[:256], ["s1"], lambda d: f"/floor/w/{d}",
                                                 token), 600, once=True)
            pids = {"web": srv.proc.pid, "redis": kv.proc.pid}
            return median_run([common.with_cpu(lambda k=k: python_load(srv.url, signup_requests(
                ids, ["s1"], lambda d: f"/floor/m{k}/{d}", token), 600, once=True), pids)
                for k in range(SIGNUP_RUNS)])

    return _once("signups", quick, measure)


def smtp(quick: bool = False) -> float:
    """Messages per second over one reused SMTP connection."""
    def measure() -> float:
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

    return _once("smtp", quick, measure)


def celery(quick: bool = False) -> tuple[float, float]:
    """Round trips per second (sequential) and p50 latency in ms of a no-op task."""
    def measure() -> tuple[float, float]:
        with common.valkey(appendonly=False) as kv:
            worker = common.spawn("celery-floor", [
                str(common.BIN / "celery"), "-A", "bench.sinks", "worker", "-c", "2",
                "-Q", "bench-floor", "--loglevel", "WARNING", "--without-gossip",
                "--without-mingle", "--without-heartbeat"], {"REDIS_URL": kv.url})
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

    return _once("celery", quick, measure)


def rows(quick: bool = False) -> list[dict]:
    """Measure every floor now (once per run) and show them as rows of their own."""
    row, out = common.row, []
    for name, load in (("HTTP JSON route", http_json(quick)),
                       ("HTTP + one Redis script (GET)", http_script(quick)),
                       ("HTTP + one Redis script, distinct sign-up POSTs", signups(quick))):
        out += [row(f"floor: {name}, {CONNECTIONS} connections ({load.client})", load.rps,
                    None, "req/s"),
                row(f"floor: {name}, p50", load.p50_ms, None, "ms"),
                row(f"floor: {name}, p99", load.p99_ms, None, "ms")]
    rate, p50 = celery(quick)
    out += [row("floor: smtplib over one connection", smtp(quick), None, "msgs/s"),
            row("floor: Celery no-op round trip, p50", p50, None, "ms"),
            row("floor: Celery no-op round trips (sequential)", rate, None, "tasks/s")]
    return out
