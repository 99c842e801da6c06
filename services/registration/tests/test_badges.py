"""Badges over real HTTP: lazy issue, images, printable sheets, reissue, key rotation."""

from __future__ import annotations

import json

from services.registration.tests import gate_support as gs
from shared.keys import bus_stream

API = gs.API


def _events(r, event_id, etype):
    return [json.loads(f["data"]) for _i, f in r.xrange(bus_stream(event_id))
            if f["type"] == etype]


def test_badge_is_issued_once_to_an_accredited_delegate(registration, r, meeting):
    event, org = meeting
    did = gs.register(registration, org, event)
    resp = registration.get(f"{API}{event}/delegates/{did}/badge", org)
    assert resp.status_code == 409 and resp.json()["reason"] == "not_accredited"
    gs.accredit(registration, org, event, did)
    first = registration.get(f"{API}{event}/delegates/{did}/badge", org).json()
    again = registration.get(f"{API}{event}/delegates/{did}/badge", org).json()
    assert first == again and len(first["token"]) < 200
    assert _events(r, event, "registration.badge.issued") == [
        {"delegate": did, "serial": first["serial"], "kid": first["kid"]}]


def test_images_and_print_sheet(registration, r, meeting, make_token):
    event, org = meeting
    ids = [gs.register(registration, org, event, name=f"Delegate {i} <b>") for i in range(3)]
    for did in ids:
        gs.accredit(registration, org, event, did)
    svg = registration.get(f"{API}{event}/delegates/{ids[0]}/badge.svg", org)
    assert svg.status_code == 200 and svg.headers["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content
    png = registration.get(f"{API}{event}/delegates/{ids[0]}/badge.png", org)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    sheet = registration.get(f"{API}{event}/badges/print?delegates={','.join(ids)}"
                             "&per_page=2", org)
    assert sheet.status_code == 200 and sheet.headers["Content-Type"].startswith("text/html")
    assert sheet.text.count('class="badge"') == 3 and sheet.text.count('class="sheet"') == 2
    assert "Delegate 1 &lt;b&gt;" in sheet.text and "<b>" not in sheet.text
    by_filter = registration.get(f"{API}{event}/badges/print?delegation=El%20Salvador", org)
    assert by_filter.text.count('class="badge"') == 3
    bad = registration.get(f"{API}{event}/badges/print?per_page=3", org)
    assert bad.status_code == 422
    gate = gs.device(registration, org, event)
    assert registration.get(f"{API}{event}/badges/print", gate).status_code == 403


def test_delegates_see_only_their_own_badge(registration, r, meeting):
    from shared.auth import delegate_token

    event, org = meeting
    mine, other = gs.register(registration, org, event), gs.register(registration, org, event)
    gs.accredit(registration, org, event, mine)
    token = delegate_token(registration.app.config["SECRET_KEY"], event, mine)
    assert registration.get(f"{API}{event}/delegates/{mine}/badge.svg", token).status_code == 200
    assert registration.get(f"{API}{event}/delegates/{other}/badge", token).status_code == 404
    resp = registration.post(f"{API}{event}/delegates/{mine}/badge/reissue", token)
    assert resp.status_code == 403


def test_reissue_revokes_the_previous_serial(registration, r, meeting):
    event, org = meeting
    did = gs.register(registration, org, event)
    gs.accredit(registration, org, event, did)
    old = registration.get(f"{API}{event}/delegates/{did}/badge", org).json()
    resp = registration.post(f"{API}{event}/delegates/{did}/badge/reissue", org)
    assert resp.status_code == 201
    new = resp.json()
    assert new["serial"] != old["serial"] and new["token"] != old["token"]
    assert _events(r, event, "registration.badge.revoked") == [
        {"delegate": did, "serial": old["serial"]}]
    door = gs.device(registration, org, event)
    assert gs.scan(registration, door, event, old["token"], session="plenary").json()[
        "reason"] == "revoked"
    assert gs.scan(registration, door, event, new["token"], session="plenary").json()[
        "decision"] == "allow"


def test_key_rotation_keeps_old_badges_until_retired(registration, r, meeting):
    event, org = meeting
    a, b = gs.register(registration, org, event), gs.register(registration, org, event)
    gs.accredit(registration, org, event, a)
    gs.accredit(registration, org, event, b)
    old_token = gs.badge(registration, org, event, a)
    door = gs.device(registration, org, event)
    keys = registration.get(f"{API}{event}/badge-keys", door).json()
    assert len(keys) == 1 and keys[0]["active"] and "private" not in json.dumps(keys)
    old_kid = keys[0]["kid"]
    new = registration.post(f"{API}{event}/badge-keys", org)
    assert new.status_code == 201 and new.json()["active"]
    assert registration.post(f"{API}{event}/badge-keys", door).status_code == 403
    resp = registration.get(f"{API}{event}/delegates/{b}/badge", org).json()
    assert resp["kid"] == new.json()["kid"]
    assert gs.scan(registration, door, event, old_token, session="plenary").json()[
        "decision"] == "allow"
    active = registration.delete(f"{API}{event}/badge-keys/{new.json()['kid']}", org)
    assert active.status_code == 409 and active.json()["reason"] == "active_key"
    assert registration.delete(f"{API}{event}/badge-keys/{old_kid}", org).status_code == 204
    assert registration.delete(f"{API}{event}/badge-keys/{old_kid}", org).status_code == 404
    answer = gs.scan(registration, door, event, old_token, session="plenary", direction="out")
    assert answer.json()["reason"] == "unknown_key"
