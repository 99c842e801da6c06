"""Rate limits on the public registration route: 429 in the problem format, Retry-After,
counted per address and meeting, nothing stored for a refused request."""

from __future__ import annotations

import pytest

from conftest import LiveServer
from services.registration import keys as rkeys
from shared import ratelimit


@pytest.fixture
def limited_registration(suite_env):
    from services.registration.app import create_app

    server = LiveServer(create_app({"REDIS_URL": suite_env["REDIS_URL"], "TESTING": True,
                                    "LOG_LEVEL": "ERROR", "RATE_LIMIT_REGISTER": "3/60"}))
    yield server
    server.stop()


def _body(i: int) -> dict:
    return {"name": f"D {i}", "email": f"rl{i}@example.org", "delegation": "Belize",
            "category": "member_country"}


def test_registration_is_limited_per_address_and_meeting(limited_registration, r, meeting_id,
                                                         agenda, registration_consumer, make_token):
    from tests import flows

    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    flows.publish(agenda, org, meeting_id)
    from conftest import wait_until

    wait_until(lambda: r.exists(rkeys.event(meeting_id)))
    path = f"/api/v1/events/{meeting_id}/delegates"
    codes = [limited_registration.post(path, json=_body(i)).status_code for i in range(3)]
    assert codes == [201, 201, 201]
    resp = limited_registration.post(path, json=_body(3))
    assert resp.status_code == 429
    assert resp.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(resp.headers["Retry-After"]) <= 60
    assert resp.json()["reason"] == "rate_limited"
    assert r.zcard(rkeys.delegates(meeting_id)) == 3  # the refused one stored nothing
    # Another meeting has its own window.
    other = limited_registration.post(f"/api/v1/events/other-{meeting_id}/delegates",
                                      json=_body(4))
    assert other.status_code == 404  # not published there, but not limited


def test_limit_spec_parsing():
    assert ratelimit.parse("30/60") == (30, 60)
    assert ratelimit.parse("5") == (5, 60)
    assert ratelimit.parse("off") is None
