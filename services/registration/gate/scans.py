"""A door scan: verify the badge's signature here, then one Lua script checks and records.

The signature check needs no Redis (public keys are cached per process, and a token verified
once is remembered by its exact text, so a badge seen again costs a dict lookup); everything
that reads or writes shared state (device token still live, key still live, serial revoked,
accreditation, sign-up, window, presence, occupancy, nonce, the scan record) happens in
``lua/scan.lua`` at once.

Presence and occupancy are kept per local day of the meeting (see ``occupancy.py``).
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import redis

from services.registration import keys as reg_keys
from services.registration.badges import keys as badge_keys
from services.registration.badges import signing
from services.registration.badges.scripts import script
from services.registration.badges.token import Badge, BadToken, check
from services.registration.gate import keys
from services.registration.gate.occupancy import local_day
from shared import keys as shared_keys
from shared import ratelimit
from shared.errors import Problem

_SCAN = Path(__file__).parent / "lua" / "scan.lua"
DAY = 86_400
UPLOAD_DAYS = 30  # offline scans are accepted up to this many days after they happened
VERIFIED_CACHE = 32_768  # badges per process; ~300 bytes each
REASONS = ("bad_signature", "unknown_key", "revoked", "not_accredited", "wrong_session",
           "not_registered", "outside_time_window", "already_inside", "room_full")
_ERRORS = {
    "unknown_session": (404, "No such session in the published agenda."),
    "unknown_room": (404, "No such room."),
    "device_room": (403, "This device is not registered for that room."),
    "invalid_token": (401, "The token is unknown, expired or revoked."),
}


@dataclass(frozen=True)
class Device:
    id: str
    rooms: tuple[str, ...] = ()
    token_digest: str = ""  # checked against the meeting's live tokens in the scan script


@functools.lru_cache(maxsize=VERIFIED_CACHE)
def _verified(r: redis.Redis, event_id: str, token: str) -> Badge:
    # Only genuine tokens are remembered (BadToken is raised, and lru_cache keeps no
    # exceptions), so garbage cannot fill the cache. Whether the badge's key is still live
    # is checked in the scan script, so a retired key is refused even on a cache hit.
    return check(token, event_id, lambda kid: signing.public_key(r, event_id, kid))


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def _run(r: redis.Redis, event_id: str, device: Device, req: dict, now: float,
         rate: tuple[int, int] | None = None) -> tuple[str, str]:
    """('new' or 'dup', the answer as JSON text), or Problem for a misdirected scan.

    ``rate`` (count, seconds) limits this device's scans, counted inside the scan script.
    """
    token = req["token"]
    try:
        badge = _verified(r, event_id, token)
        pre, kid, serial, delegate = "", badge.kid, str(badge.serial), badge.delegate
    except BadToken as exc:
        pre, kid, serial, delegate = exc.reason, "", "", ""
    when = req["scanned_at"].timestamp() if req.get("scanned_at") else now
    utc_day, day = int(when) // DAY, local_day(r, event_id, when)
    result = script(r, _SCAN)(
        keys=[keys.nonces(event_id, utc_day), keys.scans(event_id),
              keys.presence(event_id, day), keys.occupancy(event_id, day),
              badge_keys.signing_keys(event_id), badge_keys.revoked(event_id),
              badge_keys.badge(event_id, delegate), reg_keys.delegate(event_id, delegate),
              reg_keys.accreditation(event_id, delegate), reg_keys.rooms(event_id),
              reg_keys.event(event_id), reg_keys.sessions(event_id),
              keys.nonces(event_id, utc_day - 1), keys.nonces(event_id, utc_day + 1),
              shared_keys.tokens_of(event_id), keys.scan_rate(event_id, device.id)],
        args=[reg_keys.prefix(event_id), device.id, req["nonce"], int(when), pre, kid, serial,
              delegate, req.get("session") or "", req.get("room") or "", req["direction"],
              ",".join(device.rooms), _iso(when), str(token)[:16], device.token_digest,
              # A day's nonces live until its last offline upload can arrive; a day's
              # presence as long (an upload from that day still lands in it).
              (utc_day + 2 + UPLOAD_DAYS) * DAY, int(when) + (UPLOAD_DAYS + 2) * DAY,
              rate[0] if rate else 0, rate[1] * 1000 if rate else 0])
    if result[0] == "error":
        if result[1] == "rate_limited":
            raise ratelimit.refusal(max(1, math.ceil(int(result[2]) / 1000)))
        status, detail = _ERRORS[result[1]]
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else None
        raise Problem(status, result[1], detail, headers=headers)
    return result[0], result[1]


def scan(r: redis.Redis, event_id: str, device: Device, req: dict, now: float) -> dict:
    """Decide one scan; the answer of the first upload of the same nonce is returned again."""
    kind, encoded = _run(r, event_id, device, req, now)
    answer = json.loads(encoded)
    answer["duplicate"] = kind == "dup"
    return answer


def scan_json(r: redis.Redis, event_id: str, device: Device, req: dict, now: float,
              rate: tuple[int, int] | None = None) -> str:
    """:func:`scan`'s answer as JSON text: the door's hot path skips a decode and re-encode
    (the script already encoded it; ``duplicate`` is added to the object's end)."""
    kind, encoded = _run(r, event_id, device, req, now, rate)
    return encoded[:-1] + (',"duplicate":true}' if kind == "dup" else ',"duplicate":false}')


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
