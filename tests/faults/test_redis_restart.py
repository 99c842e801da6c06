"""Redis killed with SIGKILL and restarted in the middle of a stream of sign-ups.

Durable mode (DURABLE_WRITES=true): a sign-up is answered 201 only after WAITAOF confirms it
is in the fsynced AOF, so every acknowledged sign-up survives the kill. While Redis is away
the service answers 503 (never 500), and it reconnects by itself when Redis is back.

A SIGKILL of Redis alone loses nothing Redis had already write(2)n to its AOF (the page cache
survives the process), so non-durable mode passes the first test too; what WAITAOF adds is
safety against the machine's crash, which a test here cannot cause. The second test proves
each durable acknowledgement did wait for the fsync.
"""

from __future__ import annotations

import threading

import requests

from conftest import wait_until
from services.registration import keys as rkeys
from services.registration.consumer import make_consumer
from shared.auth import create_token, delegate_token
from shared.config import DEV_SECRET
from shared.store import connect
from tests import flows

DELEGATES = 40
WRITERS = 4


def _meeting_copy(agenda, r, event: str) -> str:
    """Publish a meeting and let the registration consumer (in-process) copy it."""
    org = create_token(r, event, "organiser")
    session = flows.create_meeting(agenda, org, event, capacity=None)
    flows.publish(agenda, org, event)
    consumer = make_consumer(r, "fault-test")
    wait_until(lambda: consumer.poll_once() >= 0 and r.exists(rkeys.session(event, session)))
    return session


def test_acknowledged_signups_survive_sigkill(killable_redis, live_on, meeting_id):
    r = connect(killable_redis.url)
    agenda = live_on("agenda", killable_redis.url)
    registration = live_on("registration", killable_redis.url, DURABLE_WRITES=True)
    session = _meeting_copy(agenda, r, meeting_id)
    org = create_token(r, meeting_id, "organiser")
    delegates = []
    for i in range(DELEGATES):
        resp = registration.post(f"/api/v1/events/{meeting_id}/delegates", org, json={
            "name": f"D {i}", "email": f"d{i}@example.org", "delegation": "Belize",
            "category": "member_country"})
        assert resp.status_code == 201, resp.text
        delegates.append(resp.json()["id"])

    acknowledged: set[str] = set()
    statuses: list[int] = []
    lock = threading.Lock()

    def writer(mine: list[str]) -> None:
        # Each delegate retries until acknowledged: what a user's client would do on a 503.
        http = requests.Session()
        for did in mine:
            token = delegate_token(DEV_SECRET, meeting_id, did)
            url = f"{registration.url}/api/v1/events/{meeting_id}/delegates/{did}/sessions"
            while True:
                try:
                    resp = http.post(url, json={"session": session}, timeout=30,
                                     headers={"Authorization": f"Bearer {token}"})
                except requests.ConnectionError:
                    continue
                with lock:
                    statuses.append(resp.status_code)
                if resp.status_code in (200, 201):
                    with lock:
                        acknowledged.add(did)
                    break

    threads = [threading.Thread(target=writer, args=(delegates[k::WRITERS],))
               for k in range(WRITERS)]
    for t in threads:
        t.start()
    wait_until(lambda: len(acknowledged) >= DELEGATES // 4)
    killable_redis.kill()
    wait_until(lambda: 503 in statuses)  # the service says "retry" while Redis is away
    assert registration.get("/ready").status_code == 503
    killable_redis.restart()
    for t in threads:
        t.join(120)
    assert len(acknowledged) == DELEGATES
    assert all(code in (200, 201, 503) for code in statuses), sorted(set(statuses))
    # Every acknowledged sign-up is still there after the restart.
    seated = set(connect(killable_redis.url).zrange(rkeys.confirmed(meeting_id, session), 0, -1))
    assert acknowledged <= seated
    assert registration.get("/ready").status_code == 200


def _waitaof_calls(r) -> int:
    return int(r.info("commandstats").get("cmdstat_waitaof", {}).get("calls", 0))


def test_durable_mode_waits_for_the_aof_on_each_signup(killable_redis, live_on, meeting_id):
    r = connect(killable_redis.url)
    agenda = live_on("agenda", killable_redis.url)
    registration = live_on("registration", killable_redis.url, DURABLE_WRITES=True)
    session = _meeting_copy(agenda, r, meeting_id)
    resp = registration.post(f"/api/v1/events/{meeting_id}/delegates",
                             create_token(r, meeting_id, "organiser"),
                             json={"name": "Ana", "email": "ana@example.org",
                                   "delegation": "Belize", "category": "member_country"})
    did = resp.json()["id"]
    before = _waitaof_calls(r)
    resp = registration.post(f"/api/v1/events/{meeting_id}/delegates/{did}/sessions",
                             delegate_token(DEV_SECRET, meeting_id, did),
                             json={"session": session})
    assert resp.status_code == 201
    assert _waitaof_calls(r) == before + 1


def test_durable_mode_refuses_a_redis_without_aof(tmp_path):
    import pytest

    from podium import redisserver
    from services.registration.app import create_app
    from shared.config import ConfigError

    port = redisserver.free_port()
    proc = redisserver.start(tmp_path, port, appendonly=False)
    try:
        with pytest.raises(ConfigError, match="appendonly"):
            create_app({"REDIS_URL": f"redis://127.0.0.1:{port}/0", "DURABLE_WRITES": True})
    finally:
        proc.terminate()
        proc.wait(10)
