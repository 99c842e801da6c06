"""Soak (``make soak``): minutes of concurrent sign-ups, cancellations and door scans over real
HTTP against gunicorn, while Redis is SIGKILLed and restarted twice and the registration
consumer and the notify worker are killed and restarted. Then the invariants of
:mod:`tests.faults.soak_checks`: no session over capacity, waitlists in order, no badge inside
two rooms, no e-mail sent twice, every acknowledged write present.

Invariant of the clients: each delegate belongs to one client thread, so its operations are
sequential; an operation is retried (same nonce for scans) until it gets a definite answer,
and only definite answers are recorded as acknowledged. ``SOAK_SECONDS`` sets the length
(default 240); the test stops by itself well within 10 minutes.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections import Counter

import pytest
import requests

from conftest import BIN, consumer_args, wait_until, worker_args
from podium import redisserver
from services.registration import keys as rkeys
from services.registration.tests.gate_support import local_noon_zone
from shared.auth import create_token, delegate_token
from shared.config import DEV_SECRET
from shared.keys import bus_stream
from shared.store import connect
from tests.faults import soak_checks as check

pytestmark = [pytest.mark.soak, pytest.mark.timeout(600)]  # the suite default is 300 s
API = "/api/v1/events/"
SECONDS = float(os.environ.get("SOAK_SECONDS", "240"))
DELEGATES, CLIENTS = 48, 8
SIGNUP_SESSIONS = {"talk1": 4, "talk2": 4, "talk3": 6}  # capacities, at 17:00, 17:30, 18:00
ROOMS = {"hall": None, "side": 12}  # door rooms with a session open now (12:xx local)


def _serve(process_factory, name: str, app: str, env: dict) -> str:
    port = redisserver.free_port()
    process_factory(name, str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers",
                    "2", "--threads", "4", app, env=env).start()
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: _ok(url + "/health"), timeout=60)
    return url


def _ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _meeting(agenda: str, org: str, event: str) -> None:
    """Two rooms with a session open now, three sign-up sessions later today."""
    zone, today = local_noon_zone()
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {org}"
    base = agenda + API + event
    assert http.put(base, json={"title": "Soak", "timezone": zone, "first_day": today,
                                "last_day": today}).status_code == 200
    for room, capacity in [*ROOMS.items(), ("annex", None)]:
        assert http.post(base + "/rooms", json={"id": room, "name": room.title(),
                                                "capacity": capacity}).status_code == 201
    sessions = [("plenary", "08:00", "16:00", "hall", None), ("side", "10:00", "16:00",
                                                               "side", None)]
    for k, (sid, capacity) in enumerate(SIGNUP_SESSIONS.items()):
        start = 17 * 60 + 30 * k
        sessions.append((sid, f"{start // 60}:{start % 60:02d}",
                         f"{start // 60}:{start % 60 + 25:02d}", "annex", capacity))
    for sid, start, end, room, capacity in sessions:
        resp = http.post(base + "/sessions", json={
            "id": sid, "day": today, "start": start, "end": end, "title": sid, "room": room,
            "kind": "meeting", "capacity": capacity})
        assert resp.status_code == 201, resp.text
    assert http.post(base + "/publish", json={"note": "soak"}).status_code == 201


class Clients:
    """The client threads and what they saw acknowledged."""

    def __init__(self, reg: str, event: str, org: str, gate_tokens: list[str]) -> None:
        self.reg, self.event, self.org, self.gates = reg, event, org, gate_tokens
        self.expected: dict[tuple[str, str], bool] = {}
        self.scan_ids: set[str] = set()
        self.statuses: list[int] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.give_up_at = time.monotonic() + SECONDS + 300  # bounded even if Redis never returns

    def call(self, http, method: str, path: str, token: str, body=None):
        """Retry until a definite answer, as a client does on 503 or a dropped connection."""
        while time.monotonic() < self.give_up_at:
            try:
                resp = http.request(method, self.reg + path, json=body, timeout=30,
                                    headers={"Authorization": f"Bearer {token}"})
            except requests.RequestException:
                time.sleep(0.1)  # client back-off while the server is away
                continue
            with self.lock:
                self.statuses.append(resp.status_code)
            if resp.status_code not in (429, 503):
                return resp
            time.sleep(0.1)
        raise TimeoutError(f"{method} {path}: no definite answer")

    def run(self, mine: list[tuple[str, str]], gate: str) -> None:
        http, rnd = requests.Session(), random.Random()
        base = f"{API}{self.event}/delegates/"
        while not self.stop.is_set():
            did, badge = rnd.choice(mine)
            token = delegate_token(DEV_SECRET, self.event, did)
            op, sid = rnd.random(), rnd.choice(list(SIGNUP_SESSIONS))
            if op < 0.35:
                resp = self.call(http, "POST", f"{base}{did}/sessions", token, {"session": sid})
                if resp.status_code in (200, 201):
                    self.expected[(did, sid)] = True
            elif op < 0.6:
                resp = self.call(http, "DELETE", f"{base}{did}/sessions/{sid}", token)
                if resp.status_code in (204, 404):
                    self.expected[(did, sid)] = False
            else:
                body = {"token": badge, "room": rnd.choice(list(ROOMS)),
                        "direction": rnd.choice(("in", "in", "out")), "nonce": uuid.uuid4().hex}
                resp = self.call(http, "POST", f"{API}{self.event}/gate/scans", gate, body)
                if resp.status_code == 200:
                    with self.lock:
                        self.scan_ids.add(resp.json()["scan_id"])


def test_soak_invariants_hold_through_redis_and_worker_kills(
        killable_redis, process_factory, mailbox, meeting_id):
    r = connect(killable_redis.url)
    env = {"REDIS_URL": killable_redis.url}
    helpers = {"consumer": process_factory("soak-reg-consumer",
                                           *consumer_args("registration", "soak"), env=env),
               "notify-consumer": process_factory("soak-notify-consumer",
                                                  *consumer_args("notify", "soak"), env=env),
               "worker": process_factory("soak-worker", *worker_args("soak"), env=env)}
    for proc in helpers.values():
        proc.start()
    agenda = _serve(process_factory, "soak-agenda", "services.agenda.app:create_app()", env)
    reg = _serve(process_factory, "soak-registration",
                 "services.registration.app:create_app()", {**env, "DURABLE_WRITES": "true"})
    org = create_token(r, meeting_id, "organiser")
    _meeting(agenda, org, meeting_id)
    domain = f"{meeting_id}.example.org"
    clients = Clients(reg, meeting_id, org, [])
    http = requests.Session()
    wait_until(lambda: r.exists(rkeys.session(meeting_id, "talk3")), 60)  # registration's copy
    people = []
    for i in range(DELEGATES):
        resp = clients.call(http, "POST", f"{API}{meeting_id}/delegates", org, {
            "name": f"Delegate {i}", "email": f"d{i}@{domain}", "delegation": "Belize",
            "category": "member_country"})
        assert resp.status_code == 201, resp.text
        did = resp.json()["id"]
        assert clients.call(http, "POST", f"{API}{meeting_id}/delegates/{did}/accreditation",
                            org, {"decision": "approve", "reason": "soak"}).status_code == 200
        badge = clients.call(http, "GET", f"{API}{meeting_id}/delegates/{did}/badge", org)
        people.append((did, badge.json()["token"]))
    gates = []
    for k in range(CLIENTS):
        resp = clients.call(http, "POST", f"{API}{meeting_id}/gate/devices", org,
                            {"label": f"door {k}", "rooms": []})
        gates.append(resp.json()["token"])

    threads = [threading.Thread(target=clients.run, args=(people[k::CLIENTS], gates[k]))
               for k in range(CLIENTS)]
    for t in threads:
        t.start()
    try:
        _chaos(killable_redis, helpers, clients, SECONDS)
    finally:
        clients.stop.set()
        for t in threads:
            t.join(120)
        if killable_redis.proc.poll() is not None:
            killable_redis.restart()
        for proc in helpers.values():
            if proc.proc.poll() is not None:
                proc.start()

    _quiesce(r, meeting_id)
    mails = [m for m in list(mailbox.messages) if domain in str(m["To"])]
    print(f"soak: {len(clients.statuses)} answers {dict(Counter(clients.statuses))}, "
          f"{len(clients.scan_ids)} scans, {len(mails)} e-mails")
    assert 500 not in clients.statuses, "a 500 escaped while Redis or a worker was away"
    assert 503 in clients.statuses, "the clients never saw Redis go away"
    violations = (check.seats(r, meeting_id, SIGNUP_SESSIONS)
                  + check.waitlists(r, meeting_id, SIGNUP_SESSIONS)
                  + check.doors(r, meeting_id, ROOMS)
                  + check.acknowledged(r, meeting_id, clients.expected, clients.scan_ids)
                  + check.mails(mails, domain, worker_kills=2,
                                in_flight=WORKER_PROCESSES * SMTP_CONNECTIONS))
    assert not violations, "\n".join(violations)
    assert len(clients.expected) > DELEGATES and len(clients.scan_ids) > DELEGATES


WORKER_PROCESSES = 2  # worker_args runs "-c 2"
SMTP_CONNECTIONS = 4  # NOTIFY_SMTP_CONNECTIONS default


def _chaos(redis_server, helpers: dict, clients: Clients, seconds: float) -> None:
    """The fault schedule, as fractions of the run: Redis twice, the consumer, the worker."""
    def at(fraction: float) -> None:
        clients.stop.wait(max(0.0, start + fraction * seconds - time.monotonic()))

    start = time.monotonic()
    for fraction, action in [(0.15, "redis"), (0.3, "consumer"), (0.45, "worker"),
                             (0.6, "redis"), (0.75, "worker"), (0.85, "consumer")]:
        at(fraction)
        if action == "redis":
            seen, until = len(clients.statuses), time.monotonic() + 5
            redis_server.kill()
            # Down until the clients have been told 503 (or a few seconds pass).
            wait_until(lambda s=seen, u=until: 503 in clients.statuses[s:]
                       or time.monotonic() > u, timeout=30)
            redis_server.restart()
        else:
            helpers[action].kill()  # SIGKILL: mid-work, nothing acknowledged after it
            helpers[action].start()
    at(1.0)


def _quiesce(r, event: str) -> None:
    """Wait until both consumers have handled the whole bus and the task queue is empty."""
    stream = bus_stream(event)

    def done() -> bool:
        last = r.xinfo_stream(stream)["last-generated-id"]
        groups = {g["name"]: g for g in r.xinfo_groups(stream)}
        return all(name in groups and groups[name]["pending"] == 0
                   and groups[name]["last-delivered-id"] == last
                   for name in ("registration", "notify")) and r.llen("podium") == 0

    wait_until(done, timeout=180, interval=0.5)
