"""Idempotency-Key on writes: replay byte for byte, refuse reuse, run concurrent twins once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

from services.registration import keys
from services.registration.tests.helpers import (
    API,
    delegate_body,
    publish_copy,
    register,
    session,
    token_for,
)
from shared import idempotency


def test_same_key_and_body_replays_the_first_answer(registration, r, meeting_id):
    publish_copy(r, meeting_id, [session("a")])
    path = f"{API}{meeting_id}/delegates"
    headers = {"Idempotency-Key": "reg-ana-1"}
    first = registration.post(path, json=delegate_body("ana@example.org"), headers=headers)
    again = registration.post(path, json=delegate_body("ana@example.org"), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["Idempotent-Replayed"] == "true"
    assert r.zcard(keys.delegates(meeting_id)) == 1
    # A refusal is an answer too: replayed with its status.
    refused = [registration.post(path, json=delegate_body("ANA@example.org"),
                                 headers={"Idempotency-Key": "dup"}) for _ in range(2)]
    assert [x.status_code for x in refused] == [409, 409]
    assert refused[0].content == refused[1].content
    # Both answers are kept for 24 hours, then expire.
    stored = list(r.scan_iter(f"podium:{{{meeting_id}}}:registration:idem:*"))
    assert len(stored) == 2
    assert all(0 < r.ttl(k) <= idempotency.TTL_SECONDS for k in stored)
    assert all(r.ttl(k) > idempotency.TTL_SECONDS - 60 for k in stored)


def test_same_key_with_another_body_is_refused(registration, r, meeting_id):
    publish_copy(r, meeting_id, [session("a"), session("b", "11:00", "12:00")])
    d = register(registration, meeting_id, "ana@example.org")
    token = token_for(registration, d["id"], meeting_id)
    path = f"{API}{meeting_id}/delegates/{d['id']}/sessions"
    headers = {"Idempotency-Key": "k1"}
    assert registration.post(path, token, json={"session": "a"},
                             headers=headers).status_code == 201
    resp = registration.post(path, token, json={"session": "b"}, headers=headers)
    assert resp.status_code == 422 and resp.json()["reason"] == "idempotency_key_reused"
    assert r.hgetall(keys.mine(meeting_id, d["id"])) == {"a": "confirmed"}
    resp = registration.post(path, token, json={"session": "b"},
                             headers={"Idempotency-Key": "x" * 300})
    assert resp.status_code == 400 and resp.json()["reason"] == "invalid_idempotency_key"


def test_concurrent_duplicates_execute_once(registration, r, meeting_id):
    publish_copy(r, meeting_id, [session("a", capacity=1)])
    ids = [register(registration, meeting_id, f"p{i}@example.org")["id"] for i in range(2)]
    token = token_for(registration, ids[0], meeting_id)
    leave = f"{registration.url}{API}{meeting_id}/delegates/{ids[0]}/sessions/a"
    join = f"{registration.url}{API}{meeting_id}/delegates/{ids[0]}/sessions"
    requests.post(join, json={"session": "a"}, headers={"Authorization": f"Bearer {token}"},
                  timeout=30)
    other = token_for(registration, ids[1], meeting_id)
    registration.post(f"{API}{meeting_id}/delegates/{ids[1]}/sessions", other,
                      json={"session": "a"})
    # Invariant: twenty identical DELETEs with one key run the script once (one cancellation,
    # one promotion); every twin gets the first answer.
    gate = threading.Barrier(20)

    def twin(_):
        gate.wait()
        return requests.delete(leave, timeout=30, headers={
            "Authorization": f"Bearer {token}", "Idempotency-Key": "leave-once"})

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(twin, range(20)))
    assert {a.status_code for a in answers} == {204}
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 19
    types = [f["type"] for _i, f in r.xrange(f"podium:{{{meeting_id}}}:bus")]
    assert types.count("registration.signup.cancelled") == 1
    assert types.count("registration.signup.promoted") == 1
