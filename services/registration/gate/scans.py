"""A door scan: verify the badge's signature here, then one Lua script checks and records.

The signature check needs no Redis (public keys are cached per process); everything that
reads or writes shared state (key still live, serial revoked, accreditation, sign-up,
window, presence, occupancy, nonce, the scan record) happens in ``lua/scan.lua`` at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis

from services.registration import keys as reg_keys
from services.registration.badges import keys as badge_keys
from services.registration.badges import signing
from services.registration.badges.scripts import script
from services.registration.badges.token import BadToken, check
from services.registration.gate import keys
from shared.errors import Problem

_SCAN = Path(__file__).parent / "lua" / "scan.lua"
REASONS = ("bad_signature", "unknown_key", "revoked", "not_accredited", "wrong_session",
           "not_registered", "outside_time_window", "already_inside", "room_full")
_ERRORS = {
    "unknown_session": (404, "No such session in the published agenda."),
    "unknown_room": (404, "No such room."),
    "device_room": (403, "This device is not registered for that room."),
}


@dataclass(frozen=True)
class Device:
    id: str
    rooms: tuple[str, ...] = ()


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def scan(r: redis.Redis, event_id: str, device: Device, req: dict, now: float) -> dict:
    """Decide one scan; the answer of the first upload of the same nonce is returned again."""
    token = req["token"]
    try:
        badge = check(token, event_id, lambda kid: signing.public_key(r, event_id, kid))
        pre, kid, serial, delegate = "", badge.kid, str(badge.serial), badge.delegate
    except BadToken as exc:
        pre, kid, serial, delegate = exc.reason, "", "", ""
    when = req["scanned_at"].timestamp() if req.get("scanned_at") else now
    result = script(r, _SCAN)(
        keys=[keys.nonces(event_id), keys.scans(event_id), keys.presence(event_id),
              keys.occupancy(event_id), badge_keys.signing_keys(event_id),
              badge_keys.revoked(event_id), badge_keys.badge(event_id, delegate),
              reg_keys.delegate(event_id, delegate), reg_keys.accreditation(event_id, delegate),
              reg_keys.rooms(event_id), reg_keys.event(event_id), reg_keys.sessions(event_id)],
        args=[reg_keys.prefix(event_id), device.id, req["nonce"], int(when), pre, kid, serial,
              delegate, req.get("session") or "", req.get("room") or "", req["direction"],
              ",".join(device.rooms), _iso(when), str(token)[:16]])
    if result[0] == "error":
        status, detail = _ERRORS[result[1]]
        raise Problem(status, result[1], detail)
    answer = json.loads(result[1])
    answer["duplicate"] = result[0] == "dup"
    return answer


def scan_batch(r: redis.Redis, event_id: str, device: Device, scans: list[dict],
               now: float) -> list[dict]:
    """Offline scans, replayed in the order they happened; answers in the order sent."""
    order = sorted(range(len(scans)),
                   key=lambda i: scans[i]["scanned_at"].timestamp() if scans[i].get(
                       "scanned_at") else now)
    answers: list[dict] = [{}] * len(scans)
    for i in order:
        try:
            answers[i] = scan(r, event_id, device, scans[i], now)
        except Problem as exc:  # one misconfigured row must not lose the rest of the upload
            answers[i] = {"decision": "error", "reason": exc.reason, "detail": exc.detail}
    return answers


def occupancy(r: redis.Redis, event_id: str, rooms: tuple[str, ...] = ()) -> list[dict]:
    counts = r.hgetall(keys.occupancy(event_id))
    out = []
    for room_id, raw in r.hgetall(reg_keys.rooms(event_id)).items():
        if rooms and room_id not in rooms:
            continue
        room = json.loads(raw)
        out.append({"room": room_id, "name": room.get("name"), "capacity": room.get("capacity"),
                    "inside": int(counts.get(room_id, 0))})
    return sorted(out, key=lambda x: x["room"])


def recent(r: redis.Redis, event_id: str, after: str | None, limit: int) -> dict:
    """Scans after the entry id ``after`` (oldest first), for a live view that polls."""
    low = "(" + after if after else "-"
    try:
        entries = r.xrange(keys.scans(event_id), min=low, count=limit)
    except redis.ResponseError:
        raise Problem(422, "invalid_input", "after must be a scan id such as 1700000000000-0.",
                      errors={"after": ["Not a scan id."]}) from None
    scans = [{"id": entry_id, **fields} for entry_id, fields in entries]
    return {"scans": scans, "last": scans[-1]["id"] if scans else after}
