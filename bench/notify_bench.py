"""How fast a change notice reaches 10,000 delegates, beside what the machine allows.

Everything is real and local: a private Redis, the notify consumer and Celery worker as
processes, and an aiosmtpd sink in another process that counts what it receives. Floors,
measured in the same run: plain smtplib sending the very message Podium sends (a change
notice with its calendar) over one reused connection to the same sink, and a Celery no-op
round trip. Podium may use several connections at once (the floor has one): the figure
compared is messages per second. CPU per message is reported too, as it is much less at the
mercy of whatever else the machine runs. The first e-mail is timed over ``ROUNDS`` publishes
(each a new version, to all n delegates, one after the other) and the median reported, with
every sample in the row: one sample swung from 7 to 30 Celery round trips on a shared
machine. The throughput and CPU figures are those of the first publish, as before.
``python -m bench.notify_bench [--quick]
[--profile DIR]`` (``--profile``: py-spy collapsed stacks of the consumer and the worker).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from podium import redisserver
from services.notify import changes, directory, keys, records, render
from shared import bus
from shared.store import connect

BIN = Path(sys.executable).parent
SENDER = "Podium <noreply@podium.localhost>"
ROUNDS = 5  # publishes timed for the first e-mail (the median is reported)


def _sink(port: int, count, first, ready) -> None:
    """An SMTP server that only counts (and notes when the first message came)."""
    from aiosmtpd.controller import Controller

    class Count:
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                if first.value == 0:  # the bench resets it to 0 just before it publishes
                    first.value = time.time()
                count.value += 1
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def _wait(predicate, timeout: float = 600.0, interval: float = 0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError("the benchmark did not finish in time")


def _meeting(r, eid: str, n: int) -> dict:
    """n delegates confirmed for one session, as notify's directory would hold them."""
    event = {"id": eid, "title": "Bench meeting", "timezone": "America/El_Salvador"}
    before = {"id": "s1", "title": "Plenary", "day": "2030-06-19", "start": "14:00",
              "end": "15:00", "starts_at": "2030-06-19T14:00:00-06:00",
              "ends_at": "2030-06-19T15:00:00-06:00", "room": "honor",
              "room_name": "Room of Honor", "sequence": 0, "status": "scheduled"}
    directory.store_sessions(r, eid, [before])
    with r.pipeline(transaction=False) as pipe:
        for i in range(n):
            did = f"d{i:05d}"
            pipe.hset(keys.directory(eid), did, records.dumps(
                [f"Delegate {i}", f"{did}@bench.example", "es" if i % 3 == 0 else "en", "",
                 ""]))
            pipe.hset(keys.participants(eid, "s1"), did, "confirmed")
        pipe.execute()
    return _version(event, before, 1)


def _version(event: dict, before: dict, hours: int) -> dict:
    """The next agenda version: the session moved ``hours`` later, everybody told."""
    start, end = (f"{14 + hours:02d}:00", f"{15 + hours:02d}:00")
    after = {**before, "start": start, "end": end, "sequence": before["sequence"] + 1,
             "starts_at": f"2030-06-19T{start}:00-06:00",
             "ends_at": f"2030-06-19T{end}:00-06:00"}
    return {"version": after["sequence"] + 1, "note": "", "event": event,
            "rooms": [{"id": "honor", "name": "Room of Honor"}], "sessions": [after],
            "removed": [], "changes": [{"session": "s1", "labels": ["moved_time"],
                                        "title": "Plenary",
                                        "fields": {"start": [before["start"], start],
                                                   "end": [before["end"], end]}}]}


def _publish(r, eid: str, published: dict, count, first, n: int) -> tuple[float, float]:
    """Publish and wait for all n e-mails: (publish to first e-mail at the sink, to the
    last), in seconds."""
    before = count.value
    first.value = 0.0
    started = time.time()
    with r.pipeline(transaction=True) as pipe:
        bus.add(pipe, eid, "agenda.published", published)
        pipe.execute()
    _wait(lambda: count.value - before >= 1)
    first_latency = first.value - started
    _wait(lambda: count.value - before >= n)
    return first_latency, time.time() - started


def _floor(port: int, data: bytes, n: int, count) -> tuple[float, float]:
    """Plain smtplib, one reused connection: messages per second, and CPU seconds spent."""
    start_count = count.value
    smtp = smtplib.SMTP("127.0.0.1", port)
    cpu, started = time.process_time(), time.perf_counter()
    for i in range(n):
        smtp.sendmail("noreply@podium.localhost", [f"floor{i}@bench.example"], data)
    cpu = time.process_time() - cpu
    _wait(lambda: count.value - start_count >= n)
    elapsed = time.perf_counter() - started
    smtp.quit()
    return n / elapsed, cpu


def _family(pid: int) -> list[int]:
    """A process and all its descendants (Celery's pool children)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            kids = [int(k) for k in fh.read().split()]
    except OSError:
        kids = []
    return [pid, *(p for kid in kids for p in _family(kid))]


def _cpu(pids: list[int]) -> float:
    """CPU seconds (user + system, all threads) used so far by these processes (Linux).

    The wall-clock ratio swings with whatever else the machine runs; CPU per message much
    less, so it is reported beside it."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def _celery_round_trip(celery, r, rounds: int = 20) -> float:
    times = []
    for _ in range(rounds):
        reply = f"bench:pong:{uuid.uuid4().hex}"
        started = time.perf_counter()
        celery.send_task("podium.notify.ping", args=(reply,))
        r.blpop([reply], timeout=30)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _spy(procs: list[subprocess.Popen], profile: str | None) -> list[subprocess.Popen]:
    """With ``--profile DIR``: py-spy attached to each process and its children (collapsed
    stacks in DIR, written when the spy gets SIGINT at the end)."""
    if not profile:
        return []
    return [subprocess.Popen([str(BIN / "py-spy"), "record", "--subprocesses", "--format",
                              "raw", "--rate", "250", "--pid", str(proc.pid), "-o",
                              str(Path(profile) / f"{name}.txt")], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
            for name, proc in zip(("consumer", "worker"), procs, strict=True)]


def main(quick: bool = False, profile: str | None = None) -> list[dict]:
    n = 1_000 if quick else 10_000
    work = Path(tempfile.mkdtemp(prefix="notify-bench-"))
    port, smtp_port = redisserver.free_port(), redisserver.free_port()
    redis_proc = redisserver.start(work, port, appendonly=False)
    ctx = mp.get_context("spawn")
    count, first, ready = ctx.Value("i", 0), ctx.Value("d", 0.0), ctx.Event()
    sink = ctx.Process(target=_sink, args=(smtp_port, count, first, ready), daemon=True)
    sink.start()
    ready.wait(30)
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0", "SMTP_HOST": "127.0.0.1",
           "SMTP_PORT": str(smtp_port), "LOG_LEVEL": "WARNING"}
    consumer = [str(BIN / "podium"), "consume", "notify", "--name", "bench"]
    worker = [str(BIN / "celery"), "-A", "services.notify.worker", "worker", "--loglevel",
              "WARNING", "-c", "2", "-n", "bench@%h", "--without-gossip", "--without-mingle",
              "--without-heartbeat"]
    procs = [subprocess.Popen(consumer, env=env, stdout=subprocess.DEVNULL),
             subprocess.Popen(worker, env=env, stdout=subprocess.DEVNULL)]
    spies: list[subprocess.Popen] = []
    try:
        from shared.celery_app import create_celery

        r = connect(env["REDIS_URL"])
        celery = create_celery("bench", {"REDIS_URL": env["REDIS_URL"]})
        _celery_round_trip(celery, r, 3)  # the worker is up
        spies = _spy(procs, profile)
        round_trip = _celery_round_trip(celery, r)
        eid = "bench-" + uuid.uuid4().hex[:6]
        published = _meeting(r, eid, n)
        # The floor sends the very message Podium sends the first delegate (with its calendar).
        payloads, targets = next(changes.plan(r, eid, published))
        did, pkey = next(iter(targets.items()))
        person = {"id": did, **directory.people(r, eid, [did])[0]}
        sample = render.build({"id": "chg-v2", "kind": "change", "version": 2, "note": "",
                               "event": published["event"]}, person, payloads[pkey],
                              event_id=eid, sender=SENDER, meeting_title="Bench meeting")[0]
        floor, floor_cpu = _floor(smtp_port, sample.as_bytes(), n, count)
        # A live meeting's stream is already known to the consumer: make it so before timing.
        bus.register_meeting(r, eid)
        with r.pipeline(transaction=True) as pipe:
            bus.add(pipe, eid, "agenda.event.updated", published["event"])
            pipe.execute()
        _wait(lambda: r.exists(keys.event(eid)))
        ours = [redis_proc.pid, *(pid for proc in procs for pid in _family(proc.pid))]
        cpu_before = _cpu(ours)
        first_latency, elapsed = _publish(r, eid, published, count, first, n)
        podium_cpu = _cpu(ours) - cpu_before
        # One publish gives one first-e-mail time, at the mercy of whatever else the machine
        # did in those milliseconds: publish further versions (each to all n again, one after
        # the other) and report the median, as the floor is the median of its round trips.
        firsts = [first_latency]
        for _ in range(ROUNDS - 1):
            published = _version(published["event"], published["sessions"][0], 1)
            firsts.append(_publish(r, eid, published, count, first, n)[0])
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
        for proc in procs:
            proc.terminate()
            proc.wait(30)
        sink.terminate()
        redis_proc.terminate()
        redis_proc.wait(10)
    rate = n / elapsed
    return [
        {"figure": f"change notice to {n} delegates", "podium": round(rate, 1),
         "floor": round(floor, 1), "ratio": round(rate / floor, 3), "unit": "messages/s"},
        {"figure": "publish to first e-mail (floor: Celery no-op round trip)",
         "podium": round(statistics.median(firsts), 4), "floor": round(round_trip, 4),
         "ratio": round(statistics.median(firsts) / round_trip, 2), "unit": "s",
         "samples": [round(x, 4) for x in firsts]},
        {"figure": f"time for {n} delegates", "podium": round(elapsed, 2),
         "floor": round(n / floor, 2), "ratio": round(elapsed / (n / floor), 3), "unit": "s"},
        {"figure": "CPU per 1000 messages (podium: consumer, worker, Redis; floor: smtplib "
                   "client; the sink excluded from both)",
         "podium": round(podium_cpu / n * 1000, 3), "floor": round(floor_cpu / n * 1000, 3),
         "ratio": round(podium_cpu / floor_cpu, 2) if floor_cpu else None, "unit": "s"},
    ]


if __name__ == "__main__":
    argv = sys.argv[1:]
    where = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    for row in main(quick="--quick" in argv, profile=where):
        print(json.dumps(row))
