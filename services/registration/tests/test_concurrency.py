"""Never oversold, never lost: many concurrent HTTP clients against the real server (gunicorn,
two worker processes), checked against Redis state and the bus events in stream order."""

from __future__ import annotations

import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from conftest import ROOT, wait_until
from podium.redisserver import free_port
from services.registration.tests.helpers import (
    API,
    delegate_body,
    events,
    publish_copy,
    seats,
    session,
    token_for,
)

pytestmark = pytest.mark.slow
CAPACITY = 30


@pytest.fixture(scope="module")
def server(suite_env, tmp_path_factory):
    """The registration app under gunicorn, as in production; (url, secret)."""
    port = free_port()
    log = open(tmp_path_factory.mktemp("gunicorn") / "registration.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--threads", "4", "--backlog", "2048",
         "services.registration.app:create_app()"],
        cwd=ROOT, env=suite_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(url + "/health", timeout=1).ok
        except requests.RequestException:
            return False

    wait_until(up, timeout=60)
    yield url
    proc.terminate()
    proc.wait(15)
    log.close()


def _http():
    # A connection per request: gunicorn closes idle keep-alive connections after 2 s, and a
    # request sent on one just as it closes would be lost to the client (not to the server).
    return requests


def _delegates(server, r, event_id, count, org):
    resp = requests.post(f"{server}{API}{event_id}/delegates/bulk", timeout=300,
                         headers={"Authorization": f"Bearer {org}"},
                         json=[delegate_body(f"p{i}@example.org") for i in range(count)])
    assert resp.status_code == 200 and resp.json()["summary"] == {"created": count}
    return [row["id"] for row in resp.json()["rows"]]


def _join(server, secret_app, event_id, did, sid):
    token = token_for(secret_app, did, event_id)
    return _http().post(f"{server}{API}{event_id}/delegates/{did}/sessions", timeout=60,
                        json={"session": sid}, headers={"Authorization": f"Bearer {token}"})


def _leave(server, secret_app, event_id, did, sid):
    token = token_for(secret_app, did, event_id)
    return _http().delete(f"{server}{API}{event_id}/delegates/{did}/sessions/{sid}",
                          timeout=60, headers={"Authorization": f"Bearer {token}"})


def test_a_thousand_concurrent_signups_fill_thirty_seats_ten_times(
        server, registration, r, meeting_id, make_token):
    rounds = [f"ws{i}" for i in range(10)]
    publish_copy(r, meeting_id, [session(sid, f"{8 + i:02d}:00", f"{8 + i:02d}:30",
                                         capacity=CAPACITY) for i, sid in enumerate(rounds)])
    people = _delegates(server, r, meeting_id, 1000, make_token(meeting_id))
    for sid in rounds:
        order = random.sample(people, len(people))
        # Invariant: the sign-up script checks and writes the seat in one step, so whatever
        # the interleaving, exactly CAPACITY seats are given, in order of the server's sequence.
        with ThreadPoolExecutor(64) as pool:
            answers = list(pool.map(lambda d, s=sid: _join(server, registration, meeting_id,
                                                           d, s), order))
        assert [a.status_code for a in answers] == [201] * 1000, {
            a.status_code for a in answers}
        states = [a.json()["state"] for a in answers]
        assert states.count("confirmed") == CAPACITY and states.count("waitlisted") == 970
        confirmed, waitlist = seats(r, meeting_id, sid)
        assert len(confirmed) == CAPACITY and len(waitlist) == 970
        assert set(confirmed) | set(waitlist) == set(people)
        said = [d for t, d in events(r, meeting_id) if t.startswith("registration.signup.")
                and d["session"] == sid]
        # Order of arrival = stream order: the first 30 got seats, then positions 1..970.
        assert [d["state"] for d in said] == ["confirmed"] * CAPACITY + ["waitlisted"] * 970
        assert [d["position"] for d in said[CAPACITY:]] == list(range(1, 971))
        assert [d["delegate"] for d in said[CAPACITY:]] == waitlist
        assert {d["delegate"] for d in said[:CAPACITY]} == set(confirmed)
        by_delegate = {a.json()["position"] for a in answers if a.json()["state"] == "waitlisted"}
        assert by_delegate == set(range(1, 971))


def test_cancellations_interleaved_with_signups_never_oversell(
        server, registration, r, meeting_id, make_token):
    publish_copy(r, meeting_id, [session("ws", capacity=CAPACITY)])
    people = _delegates(server, r, meeting_id, 1000, make_token(meeting_id))
    leaving, joining = people[:500], people[500:]
    for did in leaving:
        assert _join(server, registration, meeting_id, did, "ws").status_code == 201
    work = [("leave", d) for d in leaving] + [("join", d) for d in joining]
    random.shuffle(work)

    def act(item):
        kind, did = item
        fn = _leave if kind == "leave" else _join
        return fn(server, registration, meeting_id, did, "ws")

    with ThreadPoolExecutor(64) as pool:
        answers = list(pool.map(act, work))
    assert all(a.status_code in (201, 204) for a in answers), {a.status_code for a in answers}
    # Replay the bus in stream order: seats never above capacity, promotions take the head
    # of the waitlist, and the final Redis state is what the replay ends with.
    taken: list[str] = []
    queue: list[str] = []
    for etype, d in events(r, meeting_id, "registration.signup."):
        kind = etype.rsplit(".", 1)[1]
        if kind == "confirmed":
            taken.append(d["delegate"])
        elif kind == "waitlisted":
            queue.append(d["delegate"])
            assert d["position"] == len(queue)
        elif kind == "promoted":
            assert queue and queue.pop(0) == d["delegate"], "promoted out of order"
            taken.append(d["delegate"])
        elif kind == "cancelled":
            (taken if d["state"] == "confirmed" else queue).remove(d["delegate"])
        assert len(taken) <= CAPACITY
    confirmed, waitlist = seats(r, meeting_id, "ws")
    assert sorted(confirmed) == sorted(taken) and waitlist == queue
    assert len(confirmed) == CAPACITY and set(confirmed) | set(waitlist) == set(joining)
