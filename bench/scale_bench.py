"""Memory of each service, Redis bytes per delegate, and how costs grow with delegates.

Figures: RSS of each service under gunicorn against the floor app's RSS under the same
config; Redis bytes per delegate at 50,000 delegates against a bare hash per delegate;
sign-ups/s (spread over 20 sessions) and agenda reads/s at 1,000 .. 100,000 delegates,
each against the HTTP+script or HTTP floor. Door scans at 100,000 delegates: gate_bench.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from bench import common
from bench.common import row
from services.registration import keys as rkeys
from services.registration import operations as rops
from shared.auth import create_token, delegate_token
from shared.config import DEV_SECRET

CONNECTIONS = 64
MiB = 2**20


def _register(r, event: str, start: int, stop: int) -> list[str]:
    """Register delegates start..stop-1 through the real Lua path; return their ids."""
    def one(i: int) -> str:
        delegate, _ = rops.register(r, event, {
            "name": f"Delegate {i}", "email": f"d{i}@{event}.example.org",
            "delegation": f"Country {i % 40}", "category": "member_country",
            "language": "en"}, public_url="http://127.0.0.1", secret=DEV_SECRET,
            by_organiser=True)
        return delegate["id"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(start, stop), chunksize=256))


def _bytes_per_delegate(r, event: str, n: int) -> tuple[float, float]:
    """Podium's bytes per delegate (state + index + bus entry) and a bare hash's."""
    before = r.info("memory")["used_memory"]
    _register(r, event, 0, n)
    podium = (r.info("memory")["used_memory"] - before) / n
    sample = r.hgetall(rkeys.delegate(event, r.zrange(rkeys.delegates(event), 0, 0)[0]))
    before = r.info("memory")["used_memory"]
    with r.pipeline(transaction=False) as pipe:
        for i in range(n):
            pipe.hset(f"bench:floor:delegate:{i}", mapping=sample)
            if i % 1000 == 999:
                pipe.execute()
        pipe.execute()
    floor = (r.info("memory")["used_memory"] - before) / n
    return podium, floor


def _signups(url: str, event: str, ids: list[str], sessions: list[str]) -> list[list]:
    """Per connection, distinct delegates signing up, spread over every session."""
    per: list[list] = [[] for _ in range(CONNECTIONS)]
    for k, did in enumerate(ids):
        token = delegate_token(DEV_SECRET, event, did)
        body = json.dumps({"session": sessions[k % len(sessions)]}).encode()
        per[k % CONNECTIONS].append((
            "POST", f"/api/v1/events/{event}/delegates/{did}/sessions",
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, body))
    return per


def main(quick: bool = False) -> list[dict]:
    floors = common.floors()
    sizes = (1000, 10_000) if quick else (1000, 10_000, 100_000)
    at = 5_000 if quick else 50_000
    rows: list[dict] = []
    with common.valkey() as kv:
        r, env = kv.client, {"REDIS_URL": kv.url}
        consumer = common.spawn("registration-consumer", [
            str(common.BIN / "podium"), "consume", "registration", "--name", "bench"], env)
        try:
            with common.service("agenda", kv.url) as agenda, \
                    common.service("registration", kv.url) as registration, \
                    common.service("notify", kv.url) as notify:
                floor_rss = _floor_rss(kv.url)
                for name, srv in (("agenda", agenda), ("registration", registration),
                                  ("notify", notify)):
                    rows.append(row(f"memory of the {name} service (2 workers)",
                                    srv.rss() / MiB, floor_rss / MiB, "MiB"))
                for event in ("bench-bytes", "bench-grow"):
                    sessions = common.publish_meeting(
                        agenda.url, create_token(r, event, "organiser"), event)
                    common.wait_for(lambda e=event, s=sessions: r.exists(
                        rkeys.session(e, s[-1])))
                podium, floor = _bytes_per_delegate(r, "bench-bytes", at)
                rows.append(row(f"Redis bytes per delegate at {at:,} delegates", podium, floor,
                                "bytes"))
                rows += _growth(r, agenda.url, registration.url, sessions, sizes, quick, floors)
        finally:
            consumer.terminate()
            consumer.wait(15)
    return rows


def _growth(r, agenda_url, registration_url, sessions, sizes, quick, floors) -> list[dict]:
    event, done, rows = "bench-grow", 0, []
    script_floor, json_floor = floors.http_script(quick), floors.http_json(quick)
    seconds = floors.duration(quick)
    for n in sizes:
        ids = _register(r, event, done, n)
        done = n
        load = common.python_load(registration_url, _signups(registration_url, event, ids,
                                                             sessions), seconds)
        rows.append(row(f"sign-ups/s spread over {len(sessions)} sessions at {n:,} delegates",
                        load.rps, script_floor.rps, "req/s"))
        read = common.get_load(f"{agenda_url}/api/v1/events/{event}/agenda", CONNECTIONS,
                               seconds)
        rows.append(row(f"agenda JSON reads/s at {n:,} delegates", read.rps, json_floor.rps,
                        "req/s"))
    return rows


def _floor_rss(redis_url: str) -> int:
    with common.gunicorn("bench.floor_app:create_app()", {"REDIS_URL": redis_url},
                         probe="/floor") as srv:
        common.get_load(srv.url + "/floor", 8, 1.0)
        return srv.rss()
