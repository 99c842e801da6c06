"""Door scans under load: 64 concurrent door devices against gunicorn, beside the floor.

Run ``python -m bench.gate_bench [--quick]``. Everything runs here, in one run: a private
Redis, the registration service and the floor app (``bench/gate_floor.py``) under the same
gunicorn config, and load from separate client processes (real HTTP, one keep-alive session
per device). Rows are ratios to the floor, so the machine's speed cancels out:

* scans per second, p50 and p99 latency: podium vs the floor;
* the cost of a scan with 100,000 delegates vs 1,000 (must not grow).

Targets (issue 5): >= 80% of the floor's throughput, p99 <= 1.5x the floor's, and no more
than 10% slower at 100,000 delegates. Do not tune on numbers from a busy shared machine.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from podium import redisserver
from services.registration import keys as reg_keys
from services.registration.badges import keys as badge_keys
from services.registration.badges import signing
from services.registration.badges.token import Badge, sign
from shared.auth import create_token
from shared.store import connect

DEVICES = 64
CLIENT_PROCS = 4
SECRET = "bench-secret-not-for-production"
GUNICORN = ["-w", "2", "-k", "gthread", "--threads", "16", "--backlog", "512",
            "--keep-alive", "30", "--log-level", "warning"]


def _populate(r, event_id: str, delegates: int, sample: int) -> tuple[list[str], str]:
    """A meeting with one open session happening now and ``delegates`` accredited badges.

    Written straight into Redis as the services would (bench setup, not the thing measured);
    returns a sample of badge tokens and one gatekeeper token per door device.
    """
    now = int(time.time())
    r.set(reg_keys.event(event_id), json.dumps({"id": event_id, "door_opens_minutes": 30}))
    r.hset(reg_keys.rooms(event_id), "hall", json.dumps({"id": "hall", "name": "Hall",
                                                          "capacity": None}))
    r.hset(reg_keys.session(event_id, "plenary"), mapping={
        "room": "hall", "starts": now - 3600, "ends": now + 36000, "access": "open",
        "status": "scheduled", "requires_signup": "0", "title": "Plenary"})
    r.sadd(reg_keys.sessions(event_id), "plenary")
    kid = signing.active_kid(r, event_id, SECRET)
    key = signing.private_key(r, event_id, kid, SECRET)
    tokens = []
    for start in range(0, delegates, 2000):
        with r.pipeline(transaction=False) as pipe:
            for n in range(start + 1, min(delegates, start + 2000) + 1):
                did = f"d{n:016x}"
                token = sign(Badge(event_id, did, n, kid), key)
                pipe.hset(reg_keys.delegate(event_id, did), mapping={
                    "id": did, "name": f"Delegate {n}", "delegation": "Bench",
                    "category": "member_country", "accreditation": "approved"})
                pipe.sadd(reg_keys.accreditation(event_id, did), "general")
                pipe.hset(badge_keys.badge(event_id, did), mapping={
                    "serial": n, "kid": kid, "token": token, "issued_at": ""})
                pipe.hset(badge_keys.serials(event_id), n, did)
                tokens.append(token)
            pipe.execute()
    doors = [create_token(r, event_id, "gatekeeper", subject=f"bench-door-{i}")
             for i in range(DEVICES)]
    return random.Random(7).sample(tokens, min(sample, len(tokens))), doors


def _device(url: str, gate: str, tokens: list[str], stop_at: float, out: list) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {gate}"  # each door its own token, as in life
    rnd = random.Random()
    while time.monotonic() < stop_at:
        body = {"token": rnd.choice(tokens), "session": "plenary",
                "direction": rnd.choice(("in", "out")), "nonce": uuid.uuid4().hex}
        t0 = time.perf_counter()
        resp = http.post(url, json=body, timeout=30)
        out.append((time.perf_counter() - t0, resp.status_code))


def _client(args: tuple) -> list:
    url, gates, tokens, start_at, seconds = args
    time.sleep(max(0.0, start_at - time.time()))
    stop_at = time.monotonic() + seconds
    out: list = []
    threads = [threading.Thread(target=_device, args=(url, gate, tokens, stop_at, out))
               for gate in gates]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _load(url: str, gates: list[str], tokens: list[str], seconds: float) -> dict:
    start_at = time.time() + 1.0  # every client process starts together
    args = [(url, gates[i::CLIENT_PROCS], tokens, start_at, seconds)
            for i in range(CLIENT_PROCS)]
    with mp.get_context("spawn").Pool(CLIENT_PROCS) as pool:
        results = [x for chunk in pool.map(_client, args) for x in chunk]
    latencies = sorted(t for t, _s in results)
    errors = sum(1 for _t, s in results if s != 200)
    return {"rate": len(results) / seconds, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000, "errors": errors}


def _serve(app: str, port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), *GUNICORN, "-b",
                             f"127.0.0.1:{port}", app], env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{app} did not start")


def _row(figure: str, podium: float, floor: float, unit: str) -> dict:
    return {"figure": figure, "podium": round(podium, 2), "floor": round(floor, 2),
            "ratio": round(podium / floor, 3) if floor else None, "unit": unit}


def main(quick: bool = False) -> list[dict]:
    seconds = 3.0 if quick else 15.0
    big = 20_000 if quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        port = redisserver.free_port()
        server = redisserver.start(Path(tmp) / "redis", port, appendonly=False)
        url = f"redis://127.0.0.1:{port}/0"
        # Each door at full speed passes the per-device limit (1200/60, a human pace); the
        # limit is raised, not switched off, so its counting stays in the measured cost.
        env = {**os.environ, "REDIS_URL": url, "SECRET_KEY": SECRET, "LOG_LEVEL": "WARNING",
               "RATE_LIMIT_SCAN": "100000000/60"}
        procs = []
        try:
            r = connect(url)
            small_tokens, small_doors = _populate(r, "bench-1k", 1_000, 1_000)
            big_tokens, big_doors = _populate(r, "bench-big", big, 5_000)
            floor_port, podium_port = redisserver.free_port(), redisserver.free_port()
            procs.append(_serve("bench.gate_floor:create_app()", floor_port, env))
            procs.append(_serve("services.registration.app:create_app()", podium_port, env))
            path = "/api/v1/events/{}/gate/scans"
            floor_url = f"http://127.0.0.1:{floor_port}" + path.format("bench-1k")
            podium_url = f"http://127.0.0.1:{podium_port}"
            _load(podium_url + path.format("bench-1k"), small_doors, small_tokens, 1.0)  # warm
            floor = _load(floor_url, small_doors, small_tokens, seconds)
            small = _load(podium_url + path.format("bench-1k"), small_doors, small_tokens,
                          seconds)
            large = _load(podium_url + path.format("bench-big"), big_doors, big_tokens, seconds)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(15)
            server.terminate()
            server.wait(15)
    return [
        _row("scans per second, 64 devices", small["rate"], floor["rate"], "scans/s"),
        _row("p50 latency", small["p50"], floor["p50"], "ms"),
        _row("p99 latency", small["p99"], floor["p99"], "ms"),
        _row("answers other than 200", small["errors"] + large["errors"], floor["errors"],
             "count"),
        _row(f"scan p50 at {big:,} vs 1,000 delegates", large["p50"], small["p50"], "ms"),
        _row(f"scans per second at {big:,} vs 1,000 delegates", large["rate"], small["rate"],
             "scans/s"),
    ]


if __name__ == "__main__":
    for row in main(quick="--quick" in sys.argv):
        print(json.dumps(row, ensure_ascii=False))
