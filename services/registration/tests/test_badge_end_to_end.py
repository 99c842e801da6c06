"""A badge from registration to the door: the QR printed on it, read by a real decoder."""

from __future__ import annotations

import io
import uuid

import pytest

from services.registration.tests import gate_support as gs
from shared.auth import delegate_token

zxingcpp = pytest.importorskip(
    "zxingcpp", reason="QR decoder missing: pip install -e '.[test]' (zxing-cpp, pillow)")
Image = pytest.importorskip("PIL.Image", reason="Pillow missing: pip install -e '.[test]'")

API = gs.API


def test_register_approve_print_decode_scan_revoke(agenda, registration, registration_consumer,
                                                    r, meeting_id, make_token):
    event, org = meeting_id, make_token(meeting_id)
    gs.create_meeting(agenda, r, org, event)
    resp = registration.post(f"{API}{event}/delegates", json={  # self-registration, no token
        "name": "Rosa Martínez", "email": f"{uuid.uuid4().hex[:10]}@example.org",
        "delegation": "Honduras", "category": "member_country"})
    assert resp.status_code == 201, resp.text
    did = resp.json()["id"]
    mine = delegate_token(registration.app.config["SECRET_KEY"], event, did)
    assert registration.get(f"{API}{event}/delegates/{did}/badge.png", mine).status_code == 409
    gs.accredit(registration, org, event, did)

    png = registration.get(f"{API}{event}/delegates/{did}/badge.png", mine)
    assert png.status_code == 200 and png.headers["Content-Type"] == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    scanned = found[0].text

    door = gs.device(registration, org, event)
    entry = gs.scan(registration, door, event, scanned, session="plenary").json()
    assert (entry["decision"], entry["delegate"]) == ("allow", did)
    assert entry["display"] == {"name": "Rosa Martínez", "delegation": "Honduras",
                                "category": "member_country"}
    gs.revoke(registration, org, event, did)
    after = gs.scan(registration, door, event, scanned, session="plenary", direction="in").json()
    assert (after["decision"], after["reason"]) == ("deny", "not_accredited")
