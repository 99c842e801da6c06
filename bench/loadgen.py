"""A keep-alive HTTP load generator in other processes: ``wrk`` when installed, else Python.

The load must come from other processes than the server's and the benchmark's, or the client
would be measured instead of Podium. ``wrk`` (Debian package) is the lighter client; the
Python one (processes x threads, one ``http.client`` connection each) is the fallback, and
the only one that can send a different request per connection (sign-ups by many delegates).
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
from dataclasses import dataclass
from urllib.parse import urlsplit

# (method, path, headers, body) sent by one connection, round robin.
Request = tuple[str, str, dict[str, str], bytes | None]


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # transport errors and 5xx
    statuses: dict[int, int]


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _connection_loop(host, port, reqs, deadline, out, max_requests):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    i, lat, statuses, errors = 0, [], {}, 0
    while time.perf_counter() < deadline and (max_requests is None or i < max_requests):
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
    out.append((lat, statuses, errors))


def _process(host, port, per_conn, deadline, max_requests, queue):
    out: list = []
    threads = [threading.Thread(target=_connection_loop,
                                args=(host, port, reqs, deadline, out, max_requests))
               for reqs in per_conn]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(out)


def python_load(url: str, per_connection: list[list[Request]], duration: float,
                processes: int | None = None, max_requests: int | None = None) -> Load:
    """One keep-alive connection per entry of ``per_connection``, spread over processes."""
    parts = urlsplit(url)
    processes = processes or max(1, min(len(per_connection), os.cpu_count() or 2))
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start = time.perf_counter()
    deadline = start + duration + 1.0  # spawning takes a moment; measured from first answer
    procs = [ctx.Process(target=_process, args=(parts.hostname, parts.port,
                                                per_connection[k::processes], deadline,
                                                max_requests, queue))
             for k in range(processes)]
    for p in procs:
        p.start()
    results = [item for _ in procs for item in queue.get()]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start - 1.0
    lat = [x for r in results for x in r[0]]
    statuses: dict[int, int] = {}
    for r in results:
        for code, n in r[1].items():
            statuses[code] = statuses.get(code, 0) + n
    errors = sum(r[2] for r in results) + sum(n for c, n in statuses.items() if c >= 500)
    return Load(len(lat) / max(elapsed, 1e-6), _percentile(lat, 0.5) * 1000,
                _percentile(lat, 0.99) * 1000, len(lat), errors, statuses)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
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
    p50 = _ms(re.search(r"50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"99%\s+(\S+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: .*?(\d+) timeout", out)
    return Load(rps, p50, p99, total, (int(bad.group(1)) if bad else 0)
                + (int(errors.group(1)) if errors else 0), {})


def get_load(url: str, connections: int = 64, duration: float = 5.0,
             headers: dict[str, str] | None = None) -> Load:
    """GET one URL from ``connections`` keep-alive connections for ``duration`` seconds."""
    if shutil.which("wrk"):
        return wrk_load(url, connections, duration, headers)
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    req: Request = ("GET", path, dict(headers or {}), None)
    return python_load(url, [[req]] * connections, duration)
