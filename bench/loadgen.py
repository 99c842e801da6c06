"""A keep-alive HTTP load generator in other processes: ``wrk`` when installed, else Python.

The load must come from other processes than the server's and the benchmark's, or the client
would be measured instead of Podium. ``wrk`` (Debian package ``wrk``) is the lighter client and
drives every uniform load (:func:`get_load`: one URL for a while). The Python client
(processes x threads, one ``http.client`` connection each) drives request lists where each
request must be sent once (:func:`python_load` with ``once=True``: sign-ups by many distinct
delegates); a figure and its floor always go through the same client, so ratios compare
servers, not clients.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import os
import re
import shutil
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass
from itertools import zip_longest
from urllib.parse import urlsplit

# (method, path, headers, body) sent by one connection, round robin.
Request = tuple[str, str, dict[str, str], bytes | None]
SPAWN_S = 3.0  # client processes start and import, then all begin at the same instant


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # transport errors, timeouts and 5xx
    statuses: dict[int, int]
    client: str = "python"
    samples: list[float] | None = None  # req/s of each run when this is a median of runs
    cpu_us: dict[str, float] | None = None  # CPU per request of named processes (with_cpu)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _connection_loop(host, port, reqs, start_at, deadline, once, out):
    """Send requests over one keep-alive connection: ``reqs`` cycled until the deadline, or
    with ``once`` taken from the process's shared deque until it is empty."""
    time.sleep(max(0.0, start_at - time.time()))
    conn = http.client.HTTPConnection(host, port, timeout=30)
    i, lat, statuses, errors = 0, [], {}, 0
    while time.time() < deadline:
        if once:
            try:
                method, path, headers, body = reqs.popleft()  # atomic: one taker each
            except IndexError:
                break
        else:
            method, path, headers, body = reqs[i % len(reqs)]
            i += 1
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        lat.append(time.perf_counter() - t0)
        statuses[resp.status] = statuses.get(resp.status, 0) + 1
    conn.close()
    out.append((lat, statuses, errors, time.time()))


def _process(host, port, per_conn, start_at, deadline, once, queue):
    out: list = []
    per_conn = [reqs for reqs in per_conn if reqs]
    if once:
        # One queue for all of this process's connections, in the order the lists give
        # (first requests of every connection, then the second ones...). With a fixed list
        # per connection, the run lasted as long as the slowest connection, and keep-alive
        # connections are split at random between the server's worker processes: a
        # lopsided split left one worker idle at the end and swung a run by half (floor
        # and Podium alike). Shared, every connection stays busy until the work is done.
        shared = deque(req for row in zip_longest(*per_conn) for req in row if req)
        per_conn = [shared] * len(per_conn)
    threads = [threading.Thread(target=_connection_loop,
                                args=(host, port, reqs, start_at, deadline, once, out))
               for reqs in per_conn]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(out)


def python_load(url: str, per_connection: list[list[Request]], duration: float,
                processes: int | None = None, once: bool = False) -> Load:
    """One keep-alive connection per entry of ``per_connection``, spread over processes.

    Every connection starts at the same instant; it cycles through its requests for
    ``duration`` seconds, or with ``once`` every request is sent exactly once, the
    connections of each client process taking them from one queue (``duration`` then only
    bounds the run). Throughput is counted from that instant to the last connection's end.
    """
    parts = urlsplit(url)
    processes = processes or max(1, min(len(per_connection), os.cpu_count() or 2))
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + SPAWN_S
    deadline = start_at + duration
    procs = [ctx.Process(target=_process, args=(parts.hostname, parts.port,
                                                per_connection[k::processes], start_at,
                                                deadline, once, queue))
             for k in range(processes)]
    for p in procs:
        p.start()
    results = [item for _ in procs for item in queue.get()]
    for p in procs:
        p.join()
    elapsed = max(r[3] for r in results) - start_at
    lat = [x for r in results for x in r[0]]
    statuses: dict[int, int] = {}
    for r in results:
        for code, n in r[1].items():
            statuses[code] = statuses.get(code, 0) + n
    errors = sum(r[2] for r in results) + sum(n for c, n in statuses.items() if c >= 500)
    return Load(len(lat) / max(elapsed, 1e-6), _percentile(lat, 0.5) * 1000,
                _percentile(lat, 0.99) * 1000, len(lat), errors, statuses)


def median_run(runs: list[Load]) -> Load:
    """The run with the median throughput, its latencies with it, every run's req/s kept.

    A "once" load ends with its slowest client process, and each run splits keep-alive
    connections at random between the server's worker processes. The median of a few runs
    (of the figure and of its floor alike) is what the code does."""
    ordered = sorted(runs, key=lambda load: load.rps)
    chosen = ordered[len(ordered) // 2]
    chosen.samples = [round(load.rps, 1) for load in runs]
    chosen.errors = sum(load.errors for load in runs)
    return chosen


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(value) * _UNITS[unit]


def wrk_load(url: str, connections: int, duration: float,
             headers: dict[str, str] | None = None) -> Load:
    """GET ``url`` with wrk: keep-alive connections over as many threads as cores."""
    threads = max(1, min(connections, os.cpu_count() or 2))
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, int(duration))}s",
            "--latency", url]
    for k, v in (headers or {}).items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    # Anchored: "67.50%" in the thread stats above must not pass for the 50% line.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE).group(1))
    # wrk counts 4xx among "Non-2xx or 3xx"; a uniform GET load expects none of either.
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                        r"timeout (\d+)", out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets
                                                 else 0)
    return Load(rps, p50, p99, total, errors, {}, client="wrk")


def get_load(url: str, connections: int = 64, duration: float = 5.0,
             headers: dict[str, str] | None = None) -> Load:
    """GET one URL from ``connections`` keep-alive connections for ``duration`` seconds."""
    if shutil.which("wrk"):
        return wrk_load(url, connections, duration, headers)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    req: Request = ("GET", path, dict(headers or {}), None)
    return python_load(url, [[req]] * connections, duration)
