"""Registration benchmark: sign-ups per second and latency percentiles under contention,
beside the floor, and the Redis memory per delegate of a meeting of 50,000 delegates.

Two scenarios, each a fixed list of distinct delegates signing up once over 64 keep-alive
connections: all for one 30-seat session (contention on one waitlist) and spread over 100
sessions. The floor (:func:`bench.floors.signups`, measured once per run) is the same request
shape answered by Flask + one Redis script under the same gunicorn config, sent by the same
Python client. Run: ``python -m bench.registration_bench [--quick]``; normally ``make bench``.
Do not tune on numbers from a busy shared machine.
"""

from __future__ import annotations

import json
import sys
import uuid
from functools import partial

from bench import common, floors, instructions
from bench.common import row
from bench.loadgen import Load, median_run, python_load
from shared import bus
from shared.auth import delegate_token
from shared.config import DEV_SECRET
from shared.keys import bus_stream

TZ_EVENT = {"title": "Bench", "timezone": "UTC", "first_day": "2030-06-19",
            "last_day": "2030-06-21", "morning": "09:00-13:00", "afternoon": "14:00-18:00"}


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


def _signups(reg_url: str, event_id: str, ids: list[str], sessions: list[str]) -> Load:
    per = floors.signup_requests(
        ids, sessions, lambda did: f"/api/v1/events/{event_id}/delegates/{did}/sessions",
        lambda did: delegate_token(DEV_SECRET, event_id, did))
    return python_load(reg_url, per, 600, once=True)


def _scenario(r, reg_url: str, sessions: list[dict], n: int, pids: dict[str, int]) -> Load:
    """The median of floors.SIGNUP_RUNS runs, each on a fresh meeting of n delegates, with
    the CPU the web workers and Redis spent per sign-up (``pids``)."""
    runs = []
    for _ in range(floors.SIGNUP_RUNS):
        event = "bench-" + uuid.uuid4().hex[:8]
        ids = _meeting(r, event, sessions, n)
        load = partial(_signups, reg_url, event, ids, [s["id"] for s in sessions])
        runs.append(common.with_cpu(load, pids))
    return median_run(runs)


def _rows(name: str, podium: Load, floor: Load) -> list[dict]:
    throughput = row(f"sign-ups/s, {name} (median of {floors.SIGNUP_RUNS} runs)", podium.rps,
                     floor.rps, "req/s")
    throughput["samples"] = {"podium": podium.samples, "floor": floor.samples}
    return [throughput,
            row(f"sign-up p50 latency, {name}", podium.p50_ms, floor.p50_ms, "ms"),
            row(f"sign-up p99 latency, {name}", podium.p99_ms, floor.p99_ms, "ms"),
            row(f"sign-ups 5xx or lost, {name}", podium.errors, floor.errors, "requests"),
            *(row(f"{what} CPU per sign-up, {name}", podium.cpu_us[part], floor.cpu_us[part],
                  "us") for part, what in (("web", "web workers'"), ("redis", "Redis's"))
              if podium.cpu_us and floor.cpu_us)]


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
    # The floor here is a round 1 KiB per delegate, a budget rather than a measurement.
    return [row(f"Redis per delegate (state), {count} delegates", state, 1024, "bytes"),
            row("Redis per delegate (bus entry, until trimmed)", stream / count, 1024, "bytes"),
            row("MEMORY USAGE of one delegate hash", one, 1024, "bytes")]


def main(quick: bool = False) -> list[dict]:
    """Run every figure; return rows {figure, podium, floor, ratio, unit}."""
    floor = floors.signups(quick)
    n = floors.signup_count(quick)
    rows = []
    with common.valkey() as kv, common.service("registration", kv.url) as reg:
        r = kv.client
        warm = "bench-warm-" + uuid.uuid4().hex[:6]
        _signups(reg.url, warm, _meeting(r, warm, [_session("ws", 0, 30)], 256), ["ws"])
        pids = {"web": reg.proc.pid, "redis": kv.proc.pid}
        rows += _rows("one 30-seat session",
                      _scenario(r, reg.url, [_session("ws", 0, 30)], n, pids), floor)
        rows += _rows("100 sessions", _scenario(
            r, reg.url, [_session(f"s{i}", i, 30) for i in range(100)], n, pids), floor)
        rows += _memory(r, 5000 if quick else 50_000)
    if instructions.available():  # counted, not timed: the figure this machine cannot move
        rows.append(row("instructions per sign-up request, web process (callgrind)",
                        instructions.per_request("podium"), instructions.per_request("floor"),
                        "instructions"))
    return rows


if __name__ == "__main__":
    for item in main(quick="--quick" in sys.argv):
        print(json.dumps(item, ensure_ascii=False))
