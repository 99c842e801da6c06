"""Door scans over real HTTP: every reason code, and the offline verifier agreeing with the
server on each; atomic entry under concurrency; nonces; revocation reaching doors."""

from __future__ import annotations

import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.registration.badges.token import Badge, parse, sign
from services.registration.gate import offline
from services.registration.tests import gate_support as gs

API = gs.API


def _delegate(registration, r, event, org, scopes=("general",), name="Ana", sign_up=()):
    did = gs.register(registration, org, event, name=name)
    gs.accredit(registration, org, event, did, scopes)
    for sid in sign_up:
        resp = registration.post(f"{API}{event}/delegates/{did}/sessions", org,
                                 json={"session": sid})
        assert resp.status_code == 201, resp.text
    return did, gs.badge(registration, org, event, did)


def _bundle(registration, event, door, since=None):
    query = f"?since={since}" if since is not None else ""
    resp = registration.get(f"{API}{event}/gate/offline-bundle{query}", door)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _foreign_token(token: str) -> str:
    """A well-formed badge for the same delegate, signed by a key the meeting never had."""
    real, _body, _sig = parse(token)
    return sign(Badge(real.meeting, real.delegate, real.serial, secrets.token_hex(4)),
                Ed25519PrivateKey.generate())


def _tamper(token: str) -> str:
    i = len(token) - 10  # inside the signature
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]


def test_each_reason_code_and_the_offline_verifier_agrees(registration, r, meeting):
    event, org = meeting
    general, t_general = _delegate(registration, r, event, org, name="General")
    _, t_traff = _delegate(registration, r, event, org, ("trafficking",), "T1", ["workshop"])
    _, t_traff2 = _delegate(registration, r, event, org, ("trafficking",), "T2", ["workshop"])
    _, t_traff3 = _delegate(registration, r, event, org, ("trafficking",), "T3", ["workshop"])
    lapsed, t_lapsed = _delegate(registration, r, event, org, name="Lapsed")
    gs.revoke(registration, org, event, lapsed)
    lost, t_old = _delegate(registration, r, event, org, name="Lost")
    reissued = registration.post(f"{API}{event}/delegates/{lost}/badge/reissue", org)
    assert reissued.status_code == 201
    door = gs.device(registration, org, event, label="table")
    signed = _bundle(registration, event, door)
    bundle = offline.verify_bundle(signed, gs.trusted_keys(registration, event, door))

    table = [  # (token, session or room, direction, expected reason or None for allow)
        (t_general, "plenary", "in", None),
        (_tamper(t_general), "plenary", "in", "bad_signature"),
        (t_general[:40], "plenary", "in", "bad_signature"),
        (_foreign_token(t_general), "plenary", "in", "unknown_key"),
        (t_old, "plenary", "in", "revoked"),
        (t_lapsed, "plenary", "in", "not_accredited"),
        (t_traff, "press", "in", "wrong_session"),
        (t_general, "gone", "in", "wrong_session"),
        (t_general, "workshop", "in", "not_registered"),
        (t_general, "later", "in", "outside_time_window"),
        (t_general, "plenary", "in", "already_inside"),
        (t_traff, "small", "in", None),  # by room: the workshop is on now
        (t_traff2, "workshop", "in", None),
        (t_traff3, "workshop", "in", "room_full"),
        (t_traff, "small", "out", None),
        (t_traff3, "workshop", "in", None),
        (t_general, "hall", "out", None),
        (t_general, "hall", "in", None),
    ]
    state: dict = {}
    for token, target, direction, expected in table:
        local = offline.decide(bundle, token, target, direction, time.time(), state)
        key = "session" if target in bundle["sessions"] else "room"
        resp = gs.scan(registration, door, event, token, direction=direction, **{key: target})
        assert resp.status_code == 200, resp.text
        online = resp.json()
        case = (target, direction, expected)
        assert online["reason"] == expected, (case, online)
        assert (local["decision"], local["reason"]) == (online["decision"], online["reason"]), \
            (case, local, online)
        offline.record(state, local)
        if expected in (None, "already_inside") and direction == "in":
            assert online["display"]["name"]
    assert offline.decide(bundle, t_general, "nowhere", "in", time.time())["decision"] == \
        "error"
    occupancy = {o["room"]: o["inside"] for o in
                 registration.get(f"{API}{event}/gate/occupancy", door).json()}
    assert occupancy == {"hall": 1, "small": 2, "annex": 0} == {
        room: state["occupancy"].get(room, 0) for room in occupancy}
    scans = registration.get(f"{API}{event}/gate/scans?limit=1000", org).json()["scans"]
    assert len(scans) == len(table)
    assert [s["reason"] for s in scans] == [e or "" for *_x, e in table]


def test_one_badge_at_two_doors_at_once_enters_once(registration, r, meeting):
    # Invariant: a delegate is inside a room at most once, whatever the concurrency.
    event, org = meeting
    _, token = _delegate(registration, r, event, org)
    doors = [gs.device(registration, org, event, label=f"door-{i}") for i in range(2)]

    def one(i: int):
        with requests.Session() as http:
            resp = http.post(f"{registration.url}{API}{event}/gate/scans", headers={
                "Authorization": f"Bearer {doors[i % 2]}"}, json={
                "token": token, "session": "plenary", "direction": "in",
                "nonce": uuid.uuid4().hex}, timeout=60)
            return resp.status_code, resp.json()

    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(one, range(100)))
    assert {status for status, _ in results} == {200}
    decisions = sorted((a["decision"], a["reason"] or "") for _, a in results)
    assert decisions == [("allow", "")] + [("deny", "already_inside")] * 99
    occupancy = registration.get(f"{API}{event}/gate/occupancy", org).json()
    assert {o["room"]: o["inside"] for o in occupancy}["hall"] == 1
    scans = registration.get(f"{API}{event}/gate/scans?limit=1000", org).json()["scans"]
    assert len(scans) == 100 and len({s["device"] for s in scans}) == 2


def test_the_same_nonce_is_recorded_once_and_gets_its_first_answer(registration, r, meeting):
    event, org = meeting
    _, token = _delegate(registration, r, event, org)
    door = gs.device(registration, org, event)
    first = gs.scan(registration, door, event, token, session="plenary", nonce="n-0001-abcd")
    again = gs.scan(registration, door, event, token, session="plenary", nonce="n-0001-abcd")
    assert first.json()["decision"] == again.json()["decision"] == "allow"
    assert not first.json()["duplicate"] and again.json()["duplicate"]
    assert first.json()["scan_id"] == again.json()["scan_id"]
    other = gs.scan(registration, door, event, token, session="plenary")
    assert other.json()["reason"] == "already_inside"
    scans = registration.get(f"{API}{event}/gate/scans", org).json()
    assert len(scans["scans"]) == 2
    newer = registration.get(f"{API}{event}/gate/scans?after={scans['scans'][0]['id']}", org)
    assert [s["id"] for s in newer.json()["scans"]] == [scans["scans"][1]["id"]]


def test_revocations_reach_the_next_scan_and_the_next_bundle(registration, r, meeting):
    event, org = meeting
    lapsing, t_lapsing = _delegate(registration, r, event, org, name="Lapsing")
    lost, t_lost = _delegate(registration, r, event, org, name="Lost")
    door = gs.device(registration, org, event)
    trusted = gs.trusted_keys(registration, event, door)
    held = offline.verify_bundle(_bundle(registration, event, door), trusted)
    assert offline.decide(held, t_lapsing, "plenary", "in", time.time())["decision"] == "allow"
    assert offline.decide(held, t_lost, "plenary", "in", time.time())["decision"] == "allow"

    gs.revoke(registration, org, event, lapsing)
    assert registration.post(f"{API}{event}/delegates/{lost}/badge/reissue",
                             org).status_code == 201
    assert gs.scan(registration, door, event, t_lapsing, session="plenary").json()[
        "reason"] == "not_accredited"
    assert gs.scan(registration, door, event, t_lost, session="plenary").json()[
        "reason"] == "revoked"

    delta = offline.verify_bundle(_bundle(registration, event, door, held["version"]), trusted)
    assert not delta["full"] and delta["version"] > held["version"]
    assert set(delta["badges"]) <= {str(s) for s in range(1, 100)}
    lapsed_serial = str(parse(t_lapsing)[0].serial)
    assert delta["badges"][lapsed_serial]["accreditation"] == "revoked"
    assert str(parse(t_lost)[0].serial) in delta["revoked"]
    merged = offline.merge(held, delta)
    assert offline.decide(merged, t_lapsing, "plenary", "in", time.time())[
        "reason"] == "not_accredited"
    assert offline.decide(merged, t_lost, "plenary", "in", time.time())["reason"] == "revoked"
    nothing = _bundle(registration, event, door, delta["version"])["bundle"]
    assert nothing["badges"] == {} and nothing["revoked"] == []
    assert _bundle(registration, event, door, 10**9)["bundle"]["full"]


def test_offline_scans_uploaded_later_stop_double_entry(registration, r, meeting):
    event, org = meeting
    _, token = _delegate(registration, r, event, org)
    doors = [gs.device(registration, org, event, label=f"offline-{i}") for i in range(2)]
    bundle = offline.verify_bundle(_bundle(registration, event, doors[0]))
    when = [datetime.now(UTC) - timedelta(minutes=m) for m in (3, 2)]
    local = [offline.decide(bundle, token, "plenary", "in", w.timestamp(), {}) for w in when]
    assert [a["decision"] for a in local] == ["allow", "allow"]  # each door alone let them in
    uploads = []
    for door, w in zip(doors, when, strict=True):
        body = {"scans": [{"token": token, "session": "plenary", "direction": "in",
                           "nonce": f"off-{uuid.uuid4().hex}", "scanned_at": w.isoformat()}]}
        resp = registration.post(f"{API}{event}/gate/scans/batch", door, json=body)
        assert resp.status_code == 200, resp.text
        uploads.append((door, body, resp.json()["answers"][0]))
    assert uploads[0][2]["decision"] == "allow"
    assert uploads[1][2]["reason"] == "already_inside"
    door, body, _ = uploads[1]
    again = registration.post(f"{API}{event}/gate/scans/batch", door, json=body).json()
    assert again["answers"][0]["duplicate"] and again["answers"][0]["reason"] == "already_inside"
    assert len(registration.get(f"{API}{event}/gate/scans", org).json()["scans"]) == 2

    # A scan too old to upload is refused, and the answer says which one and why.
    stale = {"scans": [body["scans"][0], {**body["scans"][0], "nonce": "old-one-1234",
                                          "scanned_at": "2020-01-01T10:00:00+00:00"}]}
    resp = registration.post(f"{API}{event}/gate/scans/batch", door, json=stale)
    assert resp.status_code == 422
    assert "scans.1.scanned_at: Must be within the last 30 days" in resp.json()["detail"]


def test_devices_are_bound_to_their_rooms_and_bad_input_is_refused(registration, r, meeting):
    event, org = meeting
    _, token = _delegate(registration, r, event, org)
    door = gs.device(registration, org, event, rooms=["annex"])
    resp = gs.scan(registration, door, event, token, session="plenary")
    assert resp.status_code == 403 and resp.json()["reason"] == "device_room"
    bundle = _bundle(registration, event, door)["bundle"]
    assert set(bundle["sessions"]) == {"press", "later", "gone"} and set(bundle["rooms"]) == {
        "annex"}
    assert registration.get(f"{API}{event}/gate/devices", door).status_code == 403
    listed = registration.get(f"{API}{event}/gate/devices", org).json()
    assert listed[0]["rooms"] == ["annex"] and "token" not in listed[0]
    bad_room = registration.post(f"{API}{event}/gate/devices", org, json={"rooms": ["nope"]})
    assert bad_room.status_code == 422
    free = gs.device(registration, org, event)
    cases = [
        {"token": token, "session": "plenary"},  # no nonce
        {"token": token, "nonce": "abcdefgh1"},  # neither session nor room
        {"token": token, "nonce": "abcdefgh2", "session": "plenary", "room": "hall"},
        {"token": token, "nonce": "abcdefgh3", "session": "plenary", "direction": "sideways"},
        {"token": "x" * 9000, "nonce": "abcdefgh4", "session": "plenary"},
        {"token": token, "nonce": "abcdefgh5", "session": "plenary",
         "scanned_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()},
        {"token": token, "nonce": "abcdefgh6", "session": "plenary", "extra": 1},
    ]
    for body in cases:
        resp = registration.post(f"{API}{event}/gate/scans", free, json=body)
        assert resp.status_code == 422, (body, resp.text)
    resp = gs.scan(registration, free, event, token, session="nope")
    assert resp.status_code == 404 and resp.json()["reason"] == "unknown_session"
    assert registration.get(f"{API}{event}/gate/scans", org).json()["scans"] == []
    assert registration.delete(f"{API}{event}/gate/devices/{listed[0]['id']}",
                               org).status_code == 204
    assert gs.scan(registration, door, event, token, room="annex").status_code == 401


def test_the_cli_decides_from_a_saved_bundle(registration, r, meeting, tmp_path):
    import json
    import subprocess
    import sys
    from pathlib import Path

    event, org = meeting
    _, token = _delegate(registration, r, event, org)
    door = gs.device(registration, org, event)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_bundle(registration, event, door)))
    podium = str(Path(sys.executable).parent / "podium")
    ok = subprocess.run([podium, "gate", "verify", "--bundle", str(path), token,
                         "--session", "plenary"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and json.loads(ok.stdout)["decision"] == "allow"
    no = subprocess.run([podium, "gate", "verify", "--bundle", str(path), token,
                         "--session", "later"], capture_output=True, text=True, timeout=60)
    assert no.returncode == 1 and json.loads(no.stdout)["reason"] == "outside_time_window"
    doc = json.loads(path.read_text())
    doc["bundle"]["revoked"] = []
    doc["bundle"]["version"] += 1
    path.write_text(json.dumps(doc))
    forged = subprocess.run([podium, "gate", "verify", "--bundle", str(path), token,
                             "--session", "plenary"], capture_output=True, text=True, timeout=60)
    assert forged.returncode != 0 and "unusable bundle" in forged.stderr


def test_the_cli_with_pinned_keys_refuses_a_bundle_signed_by_someone_else(
        registration, r, meeting, tmp_path):
    import json
    import subprocess
    import sys
    from base64 import urlsafe_b64encode
    from pathlib import Path

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from services.registration.gate.bundle import canonical

    event, org = meeting
    _, token = _delegate(registration, r, event, org)
    door = gs.device(registration, org, event)
    signed = _bundle(registration, event, door)
    keys_path = tmp_path / "keys.json"
    keys_path.write_text(json.dumps(gs.trusted_keys(registration, event, door)))
    # An attacker's bundle: self-consistent, signed with a key of their own.
    forger = Ed25519PrivateKey.generate()
    public = forger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    doc = {**signed["bundle"], "keys": {**signed["bundle"]["keys"],
                                        "evil": urlsafe_b64encode(public).decode().rstrip("=")}}
    forged = {"bundle": doc, "kid": "evil",
              "signature": urlsafe_b64encode(forger.sign(canonical(doc))).decode().rstrip("=")}
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    podium = str(Path(sys.executable).parent / "podium")
    args = [podium, "gate", "verify", "--bundle", str(path), token, "--session", "plenary"]
    pinned = subprocess.run([*args, "--keys", str(keys_path)], capture_output=True, text=True,
                            timeout=60)
    assert pinned.returncode != 0 and "unusable bundle" in pinned.stderr
    unpinned = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert "no --keys pinned" in unpinned.stderr
    assert unpinned.returncode == 0, "the forgery is well formed: only pinning stops it"
