"""Shared tools of every benchmark: a private Valkey, services under gunicorn, the floors,
the load generator, process memory, and the row format of the results table.

A benchmark module ``bench/<area>_bench.py`` exposes ``main(quick=False) -> list[dict]``
whose rows come from :func:`row`. Floors are measured once per run (cached), on the same
machine and in the same run as Podium's figures, so ratios stay meaningful on a busy box.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bench.loadgen import Load, Request, get_load, python_load  # noqa: F401 - re-exported
from podium import redisserver
from shared.store import connect

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# The gunicorn configuration of `make run` (podium/devrun.py); floors use the same one.
GUNICORN = ["--workers", "2", "--threads", "4", "--graceful-timeout", "5"]


def row(figure: str, podium: float | None, floor: float | None, unit: str) -> dict:
    """One line of the table; ratio = Podium / floor (throughput: <1 is slower than floor).

    ``podium=None`` marks a figure that cannot be measured yet (its service is missing).
    """
    ratio = round(podium / floor, 3) if floor and podium is not None else None
    return {"figure": figure, "podium": None if podium is None else round(podium, 3),
            "floor": None if floor is None else round(floor, 3), "ratio": ratio, "unit": unit}


# -- processes ---------------------------------------------------------------------------

@dataclass
class Valkey:
    url: str
    proc: subprocess.Popen
    client: redis.Redis = field(init=False)

    def __post_init__(self) -> None:
        self.client = connect(self.url)

    def stop(self) -> None:
        self.client.close()
        self.proc.terminate()
        self.proc.wait(10)


@contextmanager
def valkey(appendonly: bool = True) -> Iterator[Valkey]:
    """A private Valkey (AOF everysec, noeviction) on a free port, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="podium-bench-") as tmp:
        port = redisserver.free_port()
        server = Valkey(f"redis://127.0.0.1:{port}/0",
                        redisserver.start(Path(tmp), port, appendonly=appendonly))
        try:
            yield server
        finally:
            server.stop()


@dataclass
class Served:
    url: str
    proc: subprocess.Popen

    def rss(self) -> int:
        """Bytes of resident memory of the master and its workers together."""
        return tree_rss(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer") from None
            time.sleep(0.1)


@contextmanager
def gunicorn(app: str, env: dict[str, str], probe: str = "/health") -> Iterator[Served]:
    """Serve ``module:factory()`` under gunicorn as ``make run`` does; yield its URL."""
    port = redisserver.free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", *GUNICORN,
                             app], env={**os.environ, **env, "LOG_LEVEL": "WARNING"}, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = Served(f"http://127.0.0.1:{port}", proc)
    try:
        _wait_http(served.url + probe, proc)
        yield served
    finally:
        served.stop()


def service(name: str, redis_url: str, **env: str):
    """One Podium service (agenda, registration, notify) under gunicorn."""
    return gunicorn(f"services.{name}.app:create_app()", {"REDIS_URL": redis_url, **env})


def spawn(name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
    """A helper process (consumer, worker) with its log under the temp dir."""
    log = open(Path(tempfile.gettempdir()) / f"podium-bench-{name}.log", "ab")  # noqa: SIM115
    return subprocess.Popen(args, env={**os.environ, **env}, cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT)


# -- memory ------------------------------------------------------------------------------

def rss(pid: int) -> int:
    """Resident memory of one process in bytes (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(c) for c in text]
    return found


def _cpu(pid: int) -> float:
    """Seconds of CPU (user + system) one process has used (Linux /proc)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) ": state is field 3
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree(pid: int, measure: Callable[[int], float]) -> float:
    """``measure`` summed over a process and its living descendants (gunicorn's workers)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += measure(p)
            todo += _children(p)
        except (FileNotFoundError, ProcessLookupError):  # gone meanwhile
            continue
    return total


def tree_cpu(pid: int) -> float:
    """Seconds of CPU used by a process and its living descendants."""
    return _tree(pid, _cpu)


def with_cpu(run: Callable[[], Load], pids: dict[str, int]) -> Load:
    """``run()``, with the CPU each named process tree spent per request on it (us).

    Where a request's time goes on a shared machine: the web workers, Redis; throughput
    alone swings with the machine, CPU per request much less."""
    before = {name: tree_cpu(pid) for name, pid in pids.items()}
    load = run()
    load.cpu_us = {name: (tree_cpu(pid) - before[name]) / max(load.requests, 1) * 1e6
                   for name, pid in pids.items()}
    return load


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants."""
    return int(_tree(pid, rss))


def floors():
    """The floor measurements (cached per run): see :mod:`bench.floors`."""
    from bench import floors as module

    return module


# -- a meeting to measure against --------------------------------------------------------

def publish_meeting(agenda_url: str, token: str, event: str, sessions: int = 20,
                    capacity: int | None = None) -> list[str]:
    """Create and publish a meeting over HTTP: one room, ``sessions`` one after another."""
    import requests

    auth = {"Authorization": f"Bearer {token}"}
    base = f"{agenda_url}/api/v1/events/{event}"
    days = 1 + (sessions - 1) // 16
    last = f"2030-06-{19 + days - 1:02d}"
    for method, url, body in [
        ("PUT", base, {"title": "Benchmark meeting", "timezone": "UTC",
                       "first_day": "2030-06-19", "last_day": last}),
        ("POST", base + "/rooms", {"id": "hall", "name": "Hall"}),
    ]:
        requests.request(method, url, json=body, headers=auth, timeout=30).raise_for_status()
    ids = []
    for k in range(sessions):
        day, slot = divmod(k, 16)
        start = 7 * 60 + slot * 60  # 07:00 .. 22:00, one hour each, no two at once
        sid = f"s{k}"
        requests.post(base + "/sessions", headers=auth, timeout=30, json={
            "id": sid, "day": f"2030-06-{19 + day:02d}", "start": f"{start // 60:02d}:00",
            "end": f"{start // 60:02d}:50", "title": f"Session {k}", "kind": "meeting",
            "room": "hall", "capacity": capacity}).raise_for_status()
        ids.append(sid)
    requests.post(base + "/publish", headers=auth, json={"note": "bench"},
                  timeout=60).raise_for_status()
    return ids


def wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("benchmark setup did not complete in time")
        time.sleep(0.1)
