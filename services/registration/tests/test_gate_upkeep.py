"""Keeping the doors right over a meeting's days: incremental offline bundles, nonces that
expire without double-counting, occupancy corrections, and presence that resets each day."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
import requests

from conftest import wait_until
from services.registration import keys as reg_keys
from services.registration.badges import keys as badge_keys
from services.registration.badges.token import parse
from services.registration.gate import keys as gate_keys
from services.registration.tests import gate_support as gs
from tests import flows

API = gs.API


def _holder(registration, org, event, name):
    did = gs.register(registration, org, event, name=name)
    gs.accredit(registration, org, event, did)
    token = gs.badge(registration, org, event, did)
    return did, str(parse(token)[0].serial)


def _bundle(registration, event, door, since=None) -> dict:
    query = f"?since={since}" if since is not None else ""
    resp = registration.get(f"{API}{event}/gate/offline-bundle{query}", door)
    assert resp.status_code == 200, resp.text
    return resp.json()["bundle"]


def test_a_change_to_one_delegate_among_many_is_the_whole_next_delta(
        agenda, registration, r, meeting):
    event, org = meeting
    people = [_holder(registration, org, event, f"Delegate {i}") for i in range(40)]
    door = gs.device(registration, org, event)
    full = _bundle(registration, event, door)
    assert full["full"] and len(full["badges"]) == 40
    assert _bundle(registration, event, door, full["version"])["badges"] == {}

    def delta_after(change) -> dict:
        before = _bundle(registration, event, door)["version"]
        change()
        delta = _bundle(registration, event, door, before)
        assert not delta["full"] and delta["version"] > before
        return delta

    did, serial = people[5]
    delta = delta_after(lambda: registration.patch(
        f"{API}{event}/delegates/{did}", org, json={"name": "Renamed Five"}))
    assert list(delta["badges"]) == [serial] and delta["revoked"] == []
    assert delta["badges"][serial]["name"] == "Renamed Five"

    did, serial = people[7]  # the workshop requires sign-up: doors must know who has a seat
    delta = delta_after(lambda: registration.post(
        f"{API}{event}/delegates/{did}/sessions", org, json={"session": "workshop"}))
    assert list(delta["badges"]) == [serial] and delta["badges"][serial]["signed_up"] == [
        "workshop"]

    did, serial = people[9]
    delta = delta_after(lambda: gs.revoke(registration, org, event, did))
    assert list(delta["badges"]) == [serial]
    assert delta["badges"][serial]["accreditation"] == "revoked"

    did, serial = people[11]
    delta = delta_after(lambda: registration.post(
        f"{API}{event}/delegates/{did}/badge/reissue", org))
    new_serial = r.hget(badge_keys.badge(event, did), "serial")
    assert delta["revoked"] == [serial] and list(delta["badges"]) == [new_serial]

    rotated = delta_after(lambda: registration.post(f"{API}{event}/badge-keys", org))
    assert rotated["badges"] == {} and len(rotated["keys"]) == 2

    def move_later():
        resp = flows.edit_session(agenda, org, f"{API}{event}/sessions/later",
                                  {"start": "16:30", "end": "17:30"})
        assert resp.status_code == 200, resp.text
        assert agenda.post(f"{API}{event}/publish", org, json={"note": "v2"}).status_code == 201
        wait_until(lambda: r.hget(reg_keys.session(event, "later"), "ends") != str(
            full["sessions"]["later"]["ends"]))

    moved = delta_after(move_later)
    assert moved["badges"] == {} and moved["revoked"] == []
    assert moved["sessions"]["later"]["ends"] == full["sessions"]["later"]["ends"] + 1800


def test_nonces_expire_by_day_and_an_upload_twice_still_counts_once(registration, r, meeting):
    event, org = meeting
    did = gs.register(registration, org, event)
    gs.accredit(registration, org, event, did)
    token = gs.badge(registration, org, event, did)
    door = gs.device(registration, org, event)
    old = datetime.now(UTC) - timedelta(days=29)
    body = {"scans": [{"token": token, "session": "plenary", "direction": "in",
                       "nonce": "old-upload-1", "scanned_at": old.isoformat()}]}
    first = registration.post(f"{API}{event}/gate/scans/batch", door, json=body).json()
    again = registration.post(f"{API}{event}/gate/scans/batch", door, json=body).json()
    assert not first["answers"][0]["duplicate"] and again["answers"][0]["duplicate"]
    assert again["answers"][0]["scan_id"] == first["answers"][0]["scan_id"]
    # The bucket of that day lives until its last upload could arrive (30 days), not for ever.
    bucket = gate_keys.nonces(event, int(old.timestamp()) // 86_400)
    assert 0 < r.ttl(bucket) <= 4 * 86_400
    today = gate_keys.nonces(event, int(datetime.now(UTC).timestamp()) // 86_400)
    assert not r.exists(today)

    # A scan sent again without its time (a retry) a day later is still the same scan.
    yesterday = datetime.now(UTC) - timedelta(days=1)
    late = {"token": token, "session": "plenary", "nonce": "retry-over-midnight"}
    sent = registration.post(f"{API}{event}/gate/scans/batch", door, json={
        "scans": [{**late, "scanned_at": yesterday.isoformat()}]}).json()["answers"][0]
    retry = gs.scan(registration, door, event, token, session="plenary",
                    nonce="retry-over-midnight").json()
    assert retry["duplicate"] and retry["scan_id"] == sent["scan_id"]
    scans = registration.get(f"{API}{event}/gate/scans", org).json()["scans"]
    assert len(scans) == 2


def test_organisers_correct_a_drifting_count_and_it_is_audited(registration, r, meeting):
    event, org = meeting
    people = []
    for i in range(3):
        did = gs.register(registration, org, event, name=f"P{i}")
        gs.accredit(registration, org, event, did)
        people.append(gs.badge(registration, org, event, did))
    door = gs.device(registration, org, event)
    for token in people:
        assert gs.scan(registration, door, event, token, session="plenary").json()[
            "decision"] == "allow"
    path = f"{API}{event}/gate/occupancy/hall"
    # Everyone left for lunch without scanning out: the hall is empty.
    resp = registration.post(path, org, json={"count": 0, "reason": "Head count at lunch"})
    assert resp.status_code == 200, resp.text
    entry = resp.json()
    assert (entry["before"], entry["after"], entry["forgotten"]) == (3, 0, 3)
    assert entry["reason"] == "Head count at lunch" and entry["by"]["token"]
    inside = registration.get(f"{API}{event}/gate/occupancy", org).json()
    assert {o["room"]: o["inside"] for o in inside}["hall"] == 0
    back = gs.scan(registration, door, event, people[0], session="plenary").json()
    assert back["decision"] == "allow" and back["occupancy"] == 1  # not "already_inside"

    resp = registration.post(path, org, json={"count": 12, "reason": "Visitors without badge"})
    assert resp.json()["before"] == 1 and resp.json()["forgotten"] == 0
    read = registration.get(path, org).json()
    assert read["inside"] == 12 and [c["after"] for c in read["corrections"]] == [0, 12]

    refused = [({"count": -1, "reason": "x"}, 422), ({"count": "3", "reason": "x"}, 422),
               ({"count": 3}, 422), ({"count": 3, "reason": ""}, 422),
               ({"count": 3, "reason": "x", "room": "hall"}, 422)]
    for body, status in refused:
        resp = registration.post(path, org, json=body)
        assert resp.status_code == status and resp.json()["reason"] == "invalid_input", body
    assert registration.post(f"{API}{event}/gate/occupancy/nowhere", org, json={
        "count": 1, "reason": "x"}).json()["reason"] == "unknown_room"
    assert registration.post(path, door, json={"count": 1, "reason": "x"}).status_code == 403
    assert registration.get(path, org).json()["inside"] == 12


def test_concurrent_corrections_and_entries_keep_the_audit_true(registration, r, meeting):
    # Invariant: each correction's "before" is the count just before it, whatever scans and
    # other corrections run at the same time; so the audit never contradicts the count.
    event, org = meeting
    tokens = []
    for i in range(12):
        did = gs.register(registration, org, event, name=f"C{i}")
        gs.accredit(registration, org, event, did)
        tokens.append(gs.badge(registration, org, event, did))
    door = gs.device(registration, org, event)

    def one(i: int):
        with requests.Session() as http:
            if i % 2:
                return http.post(f"{registration.url}{API}{event}/gate/occupancy/hall",
                                 headers={"Authorization": f"Bearer {org}"},
                                 json={"count": 100 + i, "reason": f"count {i}"}, timeout=60)
            return http.post(f"{registration.url}{API}{event}/gate/scans",
                             headers={"Authorization": f"Bearer {door}"},
                             json={"token": tokens[i // 2], "session": "plenary",
                                   "nonce": uuid.uuid4().hex}, timeout=60)

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(one, range(24)))
    assert {resp.status_code for resp in results} == {200}
    read = registration.get(f"{API}{event}/gate/occupancy/hall", org).json()
    corrections = read["corrections"]
    assert len(corrections) == 12
    # Between two corrections only entries happen (each +1), so before >= previous after.
    for prev, nxt in zip(corrections, corrections[1:], strict=False):
        assert nxt["before"] >= prev["after"]
    entries_after_last = read["inside"] - corrections[-1]["after"]
    assert 0 <= entries_after_last <= 12


def test_presence_resets_at_midnight_in_the_meetings_timezone(
        agenda, registration, registration_consumer, r, meeting_id, make_token):
    # A two-day meeting: yesterday and today, the plenary 08:00-16:00 local on each day
    # (it is 12:xx local now, see gs.local_noon_zone).
    org, event = make_token(meeting_id), meeting_id
    zone, today = gs.local_noon_zone()
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    assert agenda.put(f"{API}{event}", org, json={
        "title": "Two days", "timezone": zone, "first_day": yesterday, "last_day": today,
        "door_opens_minutes": 30}).status_code == 200
    assert agenda.post(f"{API}{event}/rooms", org, json={"id": "hall", "name": "Hall"}
                       ).status_code == 201
    for sid, day in (("day1", yesterday), ("day2", today)):
        resp = agenda.post(f"{API}{event}/sessions", org, json={
            "id": sid, "day": day, "start": "08:00", "end": "16:00", "room": "hall",
            "title": f"Plenary {sid}"})
        assert resp.status_code == 201, resp.text
    assert agenda.post(f"{API}{event}/publish", org, json={"note": "v1"}).status_code == 201
    wait_until(lambda: r.exists(reg_keys.session(event, "day2")))
    did = gs.register(registration, org, event)
    gs.accredit(registration, org, event, did)
    token = gs.badge(registration, org, event, did)
    door = gs.device(registration, org, event)
    # Yesterday they came in and never scanned out (uploaded from an offline door today).
    when = datetime.now(UTC) - timedelta(days=1)
    entered = registration.post(f"{API}{event}/gate/scans/batch", door, json={"scans": [
        {"token": token, "room": "hall", "nonce": "day1-entry", "scanned_at": when.isoformat()}
    ]}).json()["answers"][0]
    assert (entered["decision"], entered["session"]) == ("allow", "day1")
    inside = registration.get(f"{API}{event}/gate/occupancy", org).json()
    assert inside[0]["inside"] == 0  # today's hall is empty
    again = gs.scan(registration, door, event, token, room="hall").json()
    assert (again["decision"], again["session"], again["occupancy"]) == ("allow", "day2", 1)


def test_a_revoked_door_is_refused_at_once_and_records_nothing(registration, r, meeting):
    event, org = meeting
    did = gs.register(registration, org, event)
    gs.accredit(registration, org, event, did)
    token = gs.badge(registration, org, event, did)
    door = gs.device(registration, org, event, label="lost phone")
    assert gs.scan(registration, door, event, token, session="plenary").status_code == 200
    device_id = registration.get(f"{API}{event}/gate/devices", org).json()[0]["id"]
    assert registration.delete(f"{API}{event}/gate/devices/{device_id}", org).status_code == 204
    resp = gs.scan(registration, door, event, token, session="plenary", direction="out")
    assert resp.status_code == 401 and resp.json()["reason"] == "invalid_token"
    assert len(registration.get(f"{API}{event}/gate/scans", org).json()["scans"]) == 1
    inside = registration.get(f"{API}{event}/gate/occupancy", org).json()
    assert {o["room"]: o["inside"] for o in inside}["hall"] == 1


@pytest.fixture
def limited_registration(suite_env):
    from conftest import LiveServer
    from services.registration.app import create_app

    server = LiveServer(create_app({"REDIS_URL": suite_env["REDIS_URL"], "TESTING": True,
                                    "LOG_LEVEL": "ERROR", "RATE_LIMIT_SCAN": "3/60"}))
    yield server
    server.stop()


def test_a_flooding_device_is_limited_inside_the_scan_step(limited_registration, registration,
                                                           r, meeting):
    event, org = meeting
    did = gs.register(registration, org, event)
    gs.accredit(registration, org, event, did)
    token = gs.badge(registration, org, event, did)
    flood, calm = gs.device(registration, org, event), gs.device(registration, org, event)
    answers = [gs.scan(limited_registration, flood, event, token, session="plenary")
               for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json()["reason"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert len(registration.get(f"{API}{event}/gate/scans", org).json()["scans"]) == 3
    other = gs.scan(limited_registration, calm, event, token, session="plenary")
    assert other.status_code == 200  # each device has its own window


def test_a_door_bound_to_a_restricted_room_learns_only_of_who_may_enter(
        agenda, registration, r, meeting):
    """Review finding: a device bound to one room was given every badge holder's details."""
    event, org = meeting
    inside, other = (gs.register(registration, org, event, name=n) for n in ("Inside", "Other"))
    gs.accredit(registration, org, event, inside, scopes=("trafficking",))
    gs.accredit(registration, org, event, other, scopes=("press",))
    serials = {did: str(parse(gs.badge(registration, org, event, did))[0].serial)
               for did in (inside, other)}
    door = gs.device(registration, org, event, rooms=["small"])  # the restricted workshop
    full = _bundle(registration, event, door)
    assert set(full["badges"]) == {serials[inside]}
    assert _bundle(registration, event, gs.device(registration, org, event))["badges"].keys() \
        == set(serials.values()), "a door for every room still knows everybody"

    gs.revoke(registration, org, event, inside)
    delta = _bundle(registration, event, door, full["version"])
    assert delta["dropped"] == [serials[inside]] and delta["badges"] == {}
    from services.registration.gate.offline import merge

    assert merge(full, delta)["badges"] == {}
