"""The offline verifier: a door device decides from its bundle alone, as the server would.

Pure Python (no Redis, no Flask): the checks and their order mirror ``lua/scan.lua``, so the
same data gives the same answer (a table test proves it for every reason code).

``local_state`` is the device's own memory since its last upload::

    {"presence": {delegate: room}, "occupancy": {room: count}}

:func:`decide` does not change it; :func:`record` applies an answer to it.
"""

from __future__ import annotations

import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from services.registration.badges.token import BadToken, b64decode, check


class BundleError(Exception):
    """The bundle is not signed by a key the device trusts."""


def canonical(doc: dict) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _key(public_b64: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(b64decode(public_b64))


def verify_bundle(signed: dict, trusted: dict[str, str] | None = None) -> dict:
    """Return the bundle if its signature holds (against ``trusted`` kid -> key, else its own
    keys, which only proves integrity: pin keys from an earlier fetch when you can)."""
    doc = signed.get("bundle")
    keys = trusted if trusted is not None else (doc or {}).get("keys", {})
    public = keys.get(signed.get("kid", ""))
    if not isinstance(doc, dict) or public is None:
        raise BundleError("unknown signing key")
    try:
        _key(public).verify(b64decode(signed["signature"]), canonical(doc))
    except (InvalidSignature, ValueError, KeyError) as exc:
        raise BundleError("bad bundle signature") from exc
    return doc


def merge(old: dict | None, delta: dict) -> dict:
    """Apply a delta bundle to the one the device holds (a full bundle replaces it)."""
    if old is None or delta["full"]:
        return delta
    badges = {**old["badges"], **delta["badges"]}
    revoked = sorted({*old["revoked"], *delta["revoked"]}, key=int)
    for serial in [*delta["revoked"], *delta.get("dropped", [])]:
        badges.pop(serial, None)
    return {**delta, "badges": badges, "revoked": revoked, "full": True, "since": None}


def _session_for_room(bundle: dict, room: str, now: int) -> str | None:
    before = bundle["door_opens_minutes"] * 60
    best: tuple[int, str] | None = None
    for sid, s in bundle["sessions"].items():
        if s["room"] == room and s["status"] != "cancelled" \
                and s["starts"] - before <= now < s["ends"]:
            best = min(best, (s["ends"], sid)) if best else (s["ends"], sid)
    return best[1] if best else None


def decide(bundle: dict, token: str | bytes, session_or_room: str, direction: str, now: float,
           local_state: dict | None = None) -> dict:
    """Allow or deny one scan from the bundle; ``session_or_room`` names a session or a room."""
    state = local_state or {}
    presence, counts = state.get("presence", {}), state.get("occupancy", {})
    now = int(now)
    sid: str | None = session_or_room if session_or_room in bundle["sessions"] else None
    if sid:
        room = bundle["sessions"][sid]["room"] or ""
    elif session_or_room in bundle["rooms"]:
        room = session_or_room
        sid = _session_for_room(bundle, room, now) if direction == "in" else None
    else:
        return {"decision": "error", "reason": "unknown_session"}
    s = bundle["sessions"].get(sid) if sid else None
    cap = (bundle["rooms"].get(room) or {}).get("capacity")
    occupancy = int(counts.get(room, 0))
    display = entry = None
    try:
        badge = check(token, bundle["event"],
                      lambda kid: _key(bundle["keys"][kid]) if kid in bundle["keys"] else None)
        reason = ""
    except BadToken as exc:
        badge, reason = None, exc.reason
    serial = str(badge.serial) if badge else ""
    if badge:
        entry = bundle["badges"].get(serial)
        if serial in bundle["revoked"] or entry is None or entry["delegate"] != badge.delegate:
            # Not in the bundle at all: issued after it was made; the device cannot vouch.
            reason = "revoked" if serial in bundle["revoked"] else "not_accredited"
        if entry is not None:
            display = {k: entry[k] for k in ("name", "delegation", "category")}
    inside = presence.get(badge.delegate) if badge and not reason else None
    if direction == "in":
        if not reason and entry["accreditation"] != "approved":
            reason = "not_accredited"
        if not reason and s and (s["status"] == "cancelled" or (
                s["access"] == "accredited" and "general" not in entry["scopes"]
                and (s["accreditation"] or "general") not in entry["scopes"])):
            reason = "wrong_session"
        if not reason and s and s["requires_signup"] and sid not in entry["signed_up"]:
            reason = "not_registered"
        before = bundle["door_opens_minutes"] * 60
        if not reason and (not s or not s["starts"] - before <= now < s["ends"]):
            reason = "outside_time_window"
        if not reason and inside == room:
            reason = "already_inside"
        if not reason and isinstance(cap, int) and occupancy >= cap:
            reason = "room_full"
    known = display is not None and reason not in ("bad_signature", "unknown_key")
    return {"decision": "deny" if reason else "allow", "reason": reason or None,
            "direction": direction, "session": sid, "room": room,
            "serial": badge.serial if badge and known else None,
            "delegate": badge.delegate if badge and known else None,
            "display": display if known else None, "capacity": cap,
            "previous_room": inside}


def record(local_state: dict, answer: dict) -> None:
    """Apply an allowed answer to the device's memory of who is inside."""
    if answer["decision"] != "allow":
        return
    presence = local_state.setdefault("presence", {})
    counts = local_state.setdefault("occupancy", {})
    who, room = answer["delegate"], answer["room"]
    if answer["direction"] == "in":
        old = presence.get(who)
        if old and counts.get(old, 0) > 0:
            counts[old] -= 1
        presence[who] = room
        counts[room] = counts.get(room, 0) + 1
    elif presence.get(who) == room:
        del presence[who]
        counts[room] = max(0, counts.get(room, 0) - 1)
