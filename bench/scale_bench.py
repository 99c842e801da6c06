"""Memory of each service, Redis bytes per delegate, and how costs grow with delegates.

Figures: RSS of each service under gunicorn, of the bus consumers and of the notify worker,
against the floor app's RSS under the same gunicorn config; Redis bytes per delegate at
50,000 delegates against a bare hash per delegate; and growth from 1,000 to 100,000
delegates: Redis bytes per delegate, sign-ups/s (a fixed sample of fresh delegates spread
over 20 sessions, against the sign-up floor) and agenda reads/s (against the HTTP floor).
Door scans at 100,000 vs 1,000 delegates: gate_bench; fan-out cost per recipient: notify_bench.
"""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from bench import common
from bench.common import row
from podium import redisserver
from services.registration import keys as rkeys
from services.registration import operations as rops
from shared.auth import create_token, delegate_token
from shared.config import DEV_SECRET
from shared.keys import bus_stream, meeting

MiB = 2**20
OWNERS = {"reg": "registration's state", "notify": "notify's directory and e-mail records",
          "gate": "door state", "bus": "bus stream", "agenda": "agenda",
          # notify's share, by key (see services/notify/records.py and directory.py)
          "notify:directory": "notify's directory", "notify:solo":
          "notify's one-recipient notices (the registration e-mail)"}


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


def _settled(r, event: str, timeout: float = 900.0) -> int:
    """Used memory once the consumers and the worker have caught up: every bus entry
    acknowledged by every group and trimmed, the Celery queue empty, and memory steady."""
    common.wait_for(lambda: r.xlen(bus_stream(event)) == 0 and r.llen("podium") == 0,
                    timeout)
    last = r.info("memory")["used_memory"]
    while True:
        time.sleep(1.0)
        now = r.info("memory")["used_memory"]
        if abs(now - last) < 0.002 * last:
            return now
        last = now


def _breakdown(r, event: str, n: int) -> dict[str, float]:
    """MEMORY USAGE of the meeting's keys per delegate, by owner (reg, notify, gate, bus),
    and notify's by key kind (``notify:directory``, ``notify:solo``, ...)."""
    totals: dict[str, int] = {}
    names = list(r.scan_iter(match=meeting(event, "*"), count=5000))
    for start in range(0, len(names), 5000):
        chunk = names[start:start + 5000]
        with r.pipeline(transaction=False) as pipe:
            for name in chunk:
                pipe.memory_usage(name, samples=0)
            sizes = pipe.execute()
        for name, size in zip(chunk, sizes, strict=True):
            parts = name.split(":")  # podium:{event}:<owner>:<kind>:...
            owner = parts[2]
            totals[owner] = totals.get(owner, 0) + (size or 0)
            if owner == "notify" and len(parts) > 3:
                kind = f"notify:{parts[3]}"
                totals[kind] = totals.get(kind, 0) + (size or 0)
    return {owner: size / n for owner, size in sorted(totals.items())}


def _bytes_per_delegate(r, event: str, n: int) -> tuple[float, float, dict[str, float]]:
    """Bytes per delegate once everything has settled (state, notify's copy and the record
    of the registration e-mail; bus entries trimmed), its breakdown, and a bare hash's."""
    before = r.info("memory")["used_memory"]
    _register(r, event, 0, n)
    podium = (_settled(r, event) - before) / n
    parts = _breakdown(r, event, n)
    sample = r.hgetall(rkeys.delegate(event, r.zrange(rkeys.delegates(event), 0, 0)[0]))
    before = r.info("memory")["used_memory"]
    with r.pipeline(transaction=False) as pipe:
        for i in range(n):
            pipe.hset(f"bench:floor:delegate:{i}", mapping=sample)
            if i % 1000 == 999:
                pipe.execute()
        pipe.execute()
    floor = (r.info("memory")["used_memory"] - before) / n
    return podium, floor, parts


def main(quick: bool = False) -> list[dict]:
    floors = common.floors()
    sizes = (1000, 10_000) if quick else (1000, 10_000, 100_000)
    at = 5_000 if quick else 50_000
    rows: list[dict] = []
    smtp_port = redisserver.free_port()
    # The registration e-mails must go somewhere, or the worker's retries would be measured.
    sink = subprocess.Popen([sys.executable, "-m", "bench.sinks", "smtp", str(smtp_port)],
                            cwd=common.ROOT, stdout=subprocess.PIPE, text=True)
    sink.stdout.readline()  # "ready"
    with common.valkey() as kv:
        r = kv.client
        env = {"REDIS_URL": kv.url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port)}
        helpers = {name: common.spawn(name, args, env) for name, args in (
            ("registration consumer", [str(common.BIN / "podium"), "consume", "registration",
                                       "--name", "bench"]),
            ("notify consumer", [str(common.BIN / "podium"), "consume", "notify", "--name",
                                 "bench"]),
            ("notify Celery worker (-c 2)", [str(common.BIN / "celery"), "-A",
                                            "services.notify.worker", "worker", "-c", "2",
                                            "--loglevel", "WARNING", "--without-gossip",
                                            "--without-mingle", "--without-heartbeat"]))}
        try:
            with common.service("agenda", kv.url) as agenda, \
                    common.service("registration", kv.url) as registration, \
                    common.service("notify", kv.url) as notify:
                floor_rss = _floor_rss(kv.url)
                for name, srv in (("agenda", agenda), ("registration", registration),
                                  ("notify", notify)):
                    rows.append(row(f"memory of the {name} service (2 workers)",
                                    srv.rss() / MiB, floor_rss / MiB, "MiB"))
                for name, proc in helpers.items():  # up and idle by now: they started first
                    rows.append(row(f"memory of the {name}", common.tree_rss(proc.pid) / MiB,
                                    floor_rss / MiB, "MiB"))
                for event in ("bench-bytes", "bench-grow"):
                    sessions = common.publish_meeting(
                        agenda.url, create_token(r, event, "organiser"), event)
                    common.wait_for(lambda e=event, s=sessions: r.exists(
                        rkeys.session(e, s[-1])))
                podium, floor, parts = _bytes_per_delegate(r, "bench-bytes", at)
                rows.append(row(f"Redis bytes per delegate at {at:,} delegates, settled",
                                podium, floor, "bytes"))
                for owner, size in parts.items():
                    indent = "    " if ":" in owner else "  "  # notify's keys under notify
                    rows.append(row(f"{indent}of which {OWNERS.get(owner, owner)} "
                                    "(MEMORY USAGE)", size, None, "bytes"))
                rows += _growth(r, agenda.url, registration.url, sessions, sizes, quick, floors)
        finally:
            for proc in helpers.values():
                proc.terminate()
                proc.wait(15)
            sink.terminate()
            sink.wait(10)
    return rows


def _growth(r, agenda_url, registration_url, sessions, sizes, quick, floors) -> list[dict]:
    """At each size, the same sample of fresh delegates signs up once, and the agenda is read.

    The sample is the same size at every step, so only the meeting's size changes.
    """
    event, done, rows = "bench-grow", 0, []
    sample = min(floors.signup_count(quick), sizes[0])
    signup_floor, json_floor = floors.signups(quick), floors.http_json(quick)
    seconds = floors.duration(quick)
    for n in sizes:
        before = r.info("memory")["used_memory"]
        ids = _register(r, event, done, n)
        rows.append(row(f"Redis bytes per delegate, delegates {done + 1:,}..{n:,}",
                        (r.info("memory")["used_memory"] - before) / len(ids), None, "bytes"))
        done = n
        per = floors.signup_requests(
            ids[-sample:], sessions, lambda d: f"/api/v1/events/{event}/delegates/{d}/sessions",
            lambda d: delegate_token(DEV_SECRET, event, d))
        load = common.python_load(registration_url, per, 600, once=True)
        rows.append(row(f"sign-ups/s spread over {len(sessions)} sessions at {n:,} delegates",
                        load.rps, signup_floor.rps, "req/s"))
        read = common.get_load(f"{agenda_url}/api/v1/events/{event}/agenda",
                               floors.CONNECTIONS, seconds)
        rows.append(row(f"agenda JSON reads/s at {n:,} delegates", read.rps, json_floor.rps,
                        "req/s"))
    return rows


def _floor_rss(redis_url: str) -> int:
    with common.gunicorn("bench.floor_app:create_app()", {"REDIS_URL": redis_url},
                         probe="/floor") as srv:
        common.get_load(srv.url + "/floor", 8, 1.0)
        return srv.rss()
