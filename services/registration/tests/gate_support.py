"""Factories shared by the badge and gate tests: a meeting happening now, delegates, badges."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from conftest import wait_until
from services.registration import keys as reg_keys

API = "/api/v1/events/"


def local_noon_zone() -> tuple[str, str]:
    """A fixed-offset timezone where it is now 12:xx, and today's date there.

    Sessions placed around noon local time are then open "now" whatever the hour of the
    test run, without faking the clock.
    """
    now = datetime.now(UTC)
    offset = 12 - now.hour  # Etc/GMT-N is UTC+N
    zone = f"Etc/GMT{'-' if offset >= 0 else '+'}{abs(offset)}"
    return zone, (now + timedelta(hours=offset)).date().isoformat()


# Rooms and sessions of the meeting used by the gate tests (local hours; it is 12:xx now).
ROOMS = [{"id": "hall", "name": "Main hall"},
         {"id": "small", "name": "Small room", "capacity": 2},
         {"id": "annex", "name": "Annex"}]
SESSIONS = [
    {"id": "plenary", "start": "08:00", "end": "16:00", "room": "hall", "title": "Plenary"},
    {"id": "workshop", "start": "11:00", "end": "15:00", "room": "small", "title": "Workshop",
     "access": "accredited", "accreditation": "trafficking", "requires_signup": True},
    {"id": "press", "start": "10:00", "end": "14:00", "room": "annex", "title": "Press room",
     "access": "accredited", "accreditation": "press"},
    {"id": "later", "start": "16:00", "end": "17:00", "room": "annex", "title": "Later"},
    {"id": "gone", "start": "11:00", "end": "13:00", "room": "annex", "title": "Cancelled",
     "status": "cancelled"},
]


def create_meeting(agenda, r, org: str, event_id: str) -> None:
    """Publish a one-day meeting happening today and wait for registration's copy of it."""
    zone, today = local_noon_zone()
    resp = agenda.put(f"{API}{event_id}", org, json={
        "title": "Gate test meeting", "timezone": zone, "first_day": today, "last_day": today,
        "door_opens_minutes": 30})
    assert resp.status_code == 200, resp.text
    for room in ROOMS:
        assert agenda.post(f"{API}{event_id}/rooms", org, json=room).status_code == 201
    for s in SESSIONS:
        resp = agenda.post(f"{API}{event_id}/sessions", org, json={**s, "day": today})
        assert resp.status_code == 201, resp.text
    assert agenda.post(f"{API}{event_id}/publish", org, json={"note": "v1"}).status_code == 201
    wait_until(lambda: r.exists(reg_keys.session(event_id, "gone"))
               and r.exists(reg_keys.event(event_id)))


def register(registration, org: str, event_id: str, name: str = "Ana Pérez",
             delegation: str = "El Salvador", category: str = "member_country") -> str:
    resp = registration.post(f"{API}{event_id}/delegates", org, json={
        "name": name, "email": f"{uuid.uuid4().hex[:10]}@example.org",
        "delegation": delegation, "category": category})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def accredit(registration, org: str, event_id: str, delegate_id: str,
             scopes=("general",)) -> None:
    """Approve a delegate's accreditation through the accreditation API."""
    resp = registration.post(f"{API}{event_id}/delegates/{delegate_id}/accreditation", org,
                             json={"decision": "approve", "scopes": list(scopes),
                                   "reason": "Credentials checked."})
    assert resp.status_code == 200 and resp.json()["accreditation"] == "approved", resp.text


def revoke(registration, org: str, event_id: str, delegate_id: str) -> None:
    """Revoke every scope of a delegate's accreditation through the API."""
    resp = registration.post(f"{API}{event_id}/delegates/{delegate_id}/accreditation", org,
                             json={"decision": "revoke", "reason": "Credentials withdrawn."})
    assert resp.status_code == 200 and resp.json()["accreditation"] == "revoked", resp.text


def badge(registration, org: str, event_id: str, delegate_id: str) -> str:
    resp = registration.get(f"{API}{event_id}/delegates/{delegate_id}/badge", org)
    assert resp.status_code == 200, resp.text
    return resp.json()["token"]


def scan(registration, device: str, event_id: str, token: str, *, session=None, room=None,
         direction="in", nonce=None, scanned_at=None):
    body = {"token": token, "direction": direction, "nonce": nonce or uuid.uuid4().hex}
    if session:
        body["session"] = session
    if room:
        body["room"] = room
    if scanned_at:
        body["scanned_at"] = scanned_at
    return registration.post(f"{API}{event_id}/gate/scans", device, json=body)


def device(registration, org: str, event_id: str, rooms=(), label="door") -> str:
    resp = registration.post(f"{API}{event_id}/gate/devices", org,
                             json={"label": label, "rooms": list(rooms)})
    assert resp.status_code == 201, resp.text
    return resp.json()["token"]


def trusted_keys(registration, event_id: str, token: str) -> dict[str, str]:
    """The keys a device pins (kid -> public key), read from the API."""
    resp = registration.get(f"{API}{event_id}/badge-keys", token)
    assert resp.status_code == 200, resp.text
    return {k["kid"]: k["public_key"] for k in resp.json()}
