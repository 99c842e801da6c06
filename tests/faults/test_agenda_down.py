"""The agenda service down: registration keeps signing delegates up from its own copy."""

from __future__ import annotations

import pytest
import requests

from shared.auth import create_token, delegate_token
from shared.config import DEV_SECRET
from shared.store import connect
from tests.faults.test_redis_restart import _meeting_copy


def test_registration_works_while_agenda_is_down(killable_redis, live_on, meeting_id):
    r = connect(killable_redis.url)
    agenda = live_on("agenda", killable_redis.url)
    registration = live_on("registration", killable_redis.url)
    session = _meeting_copy(agenda, r, meeting_id)
    agenda.stop()
    agenda.server.server_close()
    with pytest.raises(requests.ConnectionError):
        requests.get(agenda.url + "/health", timeout=5)

    resp = registration.post(f"/api/v1/events/{meeting_id}/delegates",
                             create_token(r, meeting_id, "organiser"),
                             json={"name": "Ana", "email": "ana@example.org",
                                   "delegation": "Belize", "category": "member_country"})
    assert resp.status_code == 201, resp.text
    did = resp.json()["id"]
    token = delegate_token(DEV_SECRET, meeting_id, did)
    path = f"/api/v1/events/{meeting_id}/delegates/{did}/sessions"
    resp = registration.post(path, token, json={"session": session})
    assert resp.status_code == 201 and resp.json()["state"] == "confirmed"
    mine = registration.get(path, token).json()
    assert [(s["session"], s["title"]) for s in mine] == [(session, "Opening remarks")]
