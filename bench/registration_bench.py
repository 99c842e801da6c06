"""Registration benchmark: sign-ups per second and latency percentiles under contention, beside
the floor (Flask + one Redis script call per request, same gunicorn config, same run), and the
Redis memory per delegate for a meeting of 50,000 delegates.

Load comes from real HTTP clients in other processes. Run: ``python -m bench.registration_bench``
(``--quick`` for a short run). Do not tune on numbers from a busy shared machine.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

from podium import redisserver
from shared import bus
from shared.auth import delegate_token
from shared.config import DEV_SECRET
from shared.keys import bus_stream
from shared.store import connect

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--threads", "4",
            "--backlog", "2048"]
CLIENTS = 4  # client processes
TZ_EVENT = {"title": "Bench", "timezone": "UTC", "first_day": "2030-06-19",
            "last_day": "2030-06-21", "morning": "09:00-13:00", "afternoon": "14:00-18:00"}


def _serve(app: str, port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([*GUNICORN, "--bind", f"127.0.0.1:{port}", app], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{app} did not start")


def _session(sid: str, minute: int, capacity: int) -> dict:
    start = f"2030-06-19T{8 + minute // 60:02d}:{minute % 60:02d}:00+00:00"
    end = f"2030-06-19T{8 + minute // 60:02d}:{minute % 60:02d}:59+00:00"
    return {"id": sid, "title": sid, "day": "2030-06-19", "start": None, "end": None,
            "starts_at": start, "ends_at": end, "capacity": capacity, "access": "open",
            "status": "scheduled", "requires_signup": True, "sequence": 0}


def _meeting(r, event_id: str, sessions: list[dict], delegates: int) -> list[str]:
    """A copy of the agenda (through the consumer's code path) and registered delegates."""
    from services.registration import consumer
    from services.registration import operations as ops

    msg = bus.Message(bus_stream(event_id), "0-1", "agenda.published", event_id, {
        "version": 1, "note": "", "event": {**TZ_EVENT, "id": event_id}, "rooms": [],
        "sessions": sessions, "removed": [], "changes": []}, "", bus.now_iso())
    consumer.apply(r, msg)
    ids = []
    for i in range(delegates):
        data = {"name": f"Delegate {i}", "email": f"d{i}@example.org",
                "delegation": f"Country {i % 40}", "category": "member_country",
                "language": "en"}
        ids.append(ops.register(r, event_id, data, public_url="", secret=DEV_SECRET,
                                by_organiser=True)[0]["id"])
    return ids


def _client(args: tuple) -> list[float]:
    """One client process: its share of requests, one after another; latencies in seconds."""
    urls_bodies_headers = args
    http = requests.Session()
    latencies = []
    for url, body, headers in urls_bodies_headers:
        started = time.perf_counter()
        resp = http.post(url, json=body, headers=headers, timeout=60)
        latencies.append(time.perf_counter() - started)
        if resp.status_code >= 500:
            latencies[-1] = float("nan")
    return latencies


def _load(requests_list: list) -> dict:
    shares = [requests_list[i::CLIENTS] for i in range(CLIENTS)]
    with mp.get_context("spawn").Pool(CLIENTS) as pool:
        pool.map(_client, [[]] * CLIENTS)  # warm up: processes started and imported
        started = time.perf_counter()
        results = pool.map(_client, shares)
        elapsed = time.perf_counter() - started
    lat = sorted(x for part in results for x in part if x == x)
    failed = sum(len(part) for part in results) - len(lat)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000

    return {"rps": len(requests_list) / elapsed, "p50": pct(0.50), "p99": pct(0.99),
            "failed": failed}


def _scenario(reg_url: str, floor_url: str, event_id: str, ids: list[str],
              sessions: list[str]) -> tuple[dict, dict]:
    podium, floor = [], []
    for i, did in enumerate(ids):
        sid = sessions[i % len(sessions)]
        token = delegate_token(DEV_SECRET, event_id, did)
        podium.append((f"{reg_url}/api/v1/events/{event_id}/delegates/{did}/sessions",
                       {"session": sid}, {"Authorization": f"Bearer {token}"}))
        floor.append((f"{floor_url}/floor/{event_id}/{did}", {"session": sid},
                      {"Authorization": f"Bearer {token}"}))
    return _load(podium), _load(floor)


def _rows(name: str, podium: dict, floor: dict) -> list[dict]:
    return [
        {"figure": f"sign-ups/s, {name}", "podium": round(podium["rps"], 1),
         "floor": round(floor["rps"], 1), "ratio": round(podium["rps"] / floor["rps"], 3),
         "unit": "req/s"},
        {"figure": f"p50 latency, {name}", "podium": round(podium["p50"], 2),
         "floor": round(floor["p50"], 2), "ratio": round(podium["p50"] / floor["p50"], 3),
         "unit": "ms"},
        {"figure": f"p99 latency, {name}", "podium": round(podium["p99"], 2),
         "floor": round(floor["p99"], 2), "ratio": round(podium["p99"] / floor["p99"], 3),
         "unit": "ms"},
        {"figure": f"5xx or lost, {name}", "podium": podium["failed"], "floor": floor["failed"],
         "ratio": None, "unit": "requests"},
    ]


def _memory(r, count: int) -> list[dict]:
    """Redis bytes per delegate: all of the meeting's state, and the bus entries separately."""
    event_id = "bench-mem-" + uuid.uuid4().hex[:6]
    before = r.info("memory")["used_memory"]
    ids = _meeting(r, event_id, [_session("s", 0, 30)], count)
    after = r.info("memory")["used_memory"]
    stream = r.memory_usage(bus_stream(event_id), samples=0) or 0
    from services.registration import keys

    one = r.memory_usage(keys.delegate(event_id, ids[0]), samples=0) or 0
    state = (after - before - stream) / count
    return [
        {"figure": f"Redis per delegate (state), {count} delegates", "podium": round(state),
         "floor": 1024, "ratio": round(state / 1024, 3), "unit": "bytes"},
        {"figure": "Redis per delegate (bus entry, until trimmed)",
         "podium": round(stream / count), "floor": 1024, "ratio": round(stream / count / 1024, 3),
         "unit": "bytes"},
        {"figure": "MEMORY USAGE of one delegate hash", "podium": one, "floor": 1024,
         "ratio": round(one / 1024, 3), "unit": "bytes"},
    ]


def main(quick: bool = False) -> list[dict]:
    """Run every figure; return rows {figure, podium, floor, ratio, unit}."""
    n = 1000 if quick else 6000
    with tempfile.TemporaryDirectory() as tmp:
        port = redisserver.free_port()
        redis_proc = redisserver.start(Path(tmp) / "redis", port)
        url = f"redis://127.0.0.1:{port}/0"
        env = {**os.environ, "REDIS_URL": url, "LOG_LEVEL": "WARNING"}
        r = connect(url)
        servers = []
        try:
            reg_port, floor_port = redisserver.free_port(), redisserver.free_port()
            servers.append(_serve("services.registration.app:create_app()", reg_port, env))
            servers.append(_serve("bench.floor_app:create_app()", floor_port, env))
            reg, floor = f"http://127.0.0.1:{reg_port}", f"http://127.0.0.1:{floor_port}"
            rows = []
            full = "bench-full-" + uuid.uuid4().hex[:6]
            ids = _meeting(r, full, [_session("ws", 0, 30)], n)
            rows += _rows("one 30-seat session", *_scenario(reg, floor, full, ids, ["ws"]))
            spread = "bench-spread-" + uuid.uuid4().hex[:6]
            names = [f"s{i}" for i in range(100)]
            ids = _meeting(r, spread, [_session(s, i, 30) for i, s in enumerate(names)], n)
            rows += _rows("100 sessions", *_scenario(reg, floor, spread, ids, names))
            rows += _memory(r, 5000 if quick else 50_000)
            return rows
        finally:
            for proc in servers:
                proc.terminate()
                proc.wait(15)
            r.close()
            redis_proc.terminate()
            redis_proc.wait(15)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    for row in main(quick):
        print(f"{row['figure']:<50} {row['podium']!s:>10} {row['floor']!s:>10} "
              f"{row['ratio']!s:>7} {row['unit']}")
