"""Registration logic as plain functions over Redis: delegates and session sign-up."""

from __future__ import annotations

import json
import secrets
import time
import unicodedata
from typing import Any

import redis

from services.registration import keys
from services.registration.scripts import script
from shared import bus, store
from shared.auth import delegate_token
from shared.errors import Problem
from shared.keys import bus_stream
from shared.logs import request_id_var

REFUSALS = {
    "not_registered": (404, "No such delegate."),
    "unknown_session": (404, "No such session in the published agenda."),
    "session_cancelled": (409, "This session is cancelled."),
    "registration_closed": (403, "Registration is closed for this meeting."),
    "not_accredited": (403, "This session is only open to accredited participants, and your "
                            "accreditation does not cover it."),
    "conflict": (409, "You are already in a session at the same time."),
    "not_signed_up": (404, "You are not signed up for this session."),
    "delegation_full": (409, "Your delegation has reached its quota of delegates."),
    "not_found": (404, "No such delegate."),
    "invalid_transition": (409, "This accreditation decision does not apply to the "
                                "delegate's current accreditation."),
}


def normalise_email(email: str) -> str:
    """Case- and Unicode-normalised e-mail: one registration per address."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


def refuse(reason: str, extra: dict[str, Any] | None = None, detail: str | None = None):
    status, message = REFUSALS[reason]
    raise Problem(status, reason, detail or message, extra=extra)


def _ctx(event_id: str) -> list[str]:
    return [event_id, request_id_var.get() or "", bus.now_iso()]


def get_meeting(r: redis.Redis, event_id: str) -> dict:
    raw = r.get(keys.event(event_id))
    if raw is None:
        raise Problem(404, "unknown_event", f"No published meeting {event_id!r}.")
    return json.loads(raw)


def register(r: redis.Redis, event_id: str, data: dict, *, public_url: str, secret: str,
             by_organiser: bool, durable: bool = False) -> tuple[dict, bool]:
    """Register a delegate; return (delegate, created). An existing e-mail is not re-created."""
    get_meeting(r, event_id)
    delegate_id = "d" + secrets.token_hex(8)
    norm = normalise_email(data["email"])
    delegate = {"id": delegate_id, "name": data["name"], "email": data["email"].strip(),
                "email_norm": norm, "delegation": data["delegation"],
                "category": data["category"], "language": data["language"],
                "accreditation": "pending", "registered_at": bus.now_iso()}
    link = access_link(public_url, event_id, delegate_id, secret, data["language"])
    event_data = {"delegate": {k: v for k, v in delegate.items() if k != "email_norm"},
                  "access_link": link}
    result = _write(r, "register", [bus_stream(event_id)],
                    [keys.prefix(event_id), norm, delegate_id,
                     json.dumps({k: v for k, v in delegate.items() if k != "id"}),
                     int(time.time() * 1000), event_id, request_id_var.get() or "",
                     bus.now_iso(), json.dumps(event_data), "0" if by_organiser else "1"],
                    durable)
    if result[0] == "error":
        refuse(result[1])
    if result[0] == "exists":
        return get_delegate(r, event_id, result[1]), False
    return delegate, True


def access_link(public_url: str, event_id: str, delegate_id: str, secret: str,
                language: str = "en") -> str:
    """The personal link, opening the page in the delegate's language whatever the browser's."""
    token = delegate_token(secret, event_id, delegate_id)
    return f"{public_url}/events/{event_id}/me?token={token}&lang={language}"


def get_delegate(r: redis.Redis, event_id: str, delegate_id: str) -> dict:
    data = r.hgetall(keys.delegate(event_id, delegate_id))
    if not data:
        raise Problem(404, "not_found", "No such delegate.")
    data.pop("email_norm", None)
    data["id"] = delegate_id
    data["scopes"] = sorted(r.smembers(keys.accreditation(event_id, delegate_id)))
    return data


def _write(r: redis.Redis, name: str, keys_: list[str], args: list, durable: bool):
    """Run a write script; durable: answer only once WAITAOF confirms it is on disk."""
    if not durable:
        return script(r, name)(keys=keys_, args=args)
    return store.durably(r, lambda pipe: script(r, name)(keys=keys_, args=args, client=pipe))


def update_delegate(r: redis.Redis, event_id: str, delegate_id: str, changes: dict) -> dict:
    """Change a delegate's own details (name, language); the bus hears of it in the same step."""
    result = script(r, "update_delegate")(
        keys=[bus_stream(event_id)],
        args=[keys.prefix(event_id), delegate_id, json.dumps(changes), *_ctx(event_id)])
    if result[0] == "error":
        refuse(result[1])
    return get_delegate(r, event_id, delegate_id)


def send_access_link(r: redis.Redis, event_id: str, email: str, *, public_url: str,
                     secret: str) -> None:
    """Send a delegate's link again; an unknown address gets the same silence as a known one."""
    delegate_id = r.hget(keys.emails(event_id), normalise_email(email))
    if delegate_id is None:
        return
    delegate = get_delegate(r, event_id, delegate_id)
    delegate.pop("scopes", None)
    with r.pipeline(transaction=True) as pipe:
        bus.add(pipe, event_id, "registration.access_link.sent", {
            "delegate": delegate,
            "access_link": access_link(public_url, event_id, delegate_id, secret,
                                       delegate.get("language") or "en")})
        pipe.execute()


def get_settings(r: redis.Redis, event_id: str) -> dict:
    stored = r.hgetall(keys.settings(event_id))
    return {"self_registration": stored.get("self_registration", "open"),
            "signups": stored.get("signups", "open")}


def put_settings(r: redis.Redis, event_id: str, settings: dict) -> dict:
    r.hset(keys.settings(event_id), mapping=settings)
    return get_settings(r, event_id)


def _data_head(delegate_id: str, session_id: str) -> str:
    """A sign-up event's data up to its state: '{"delegate":…,"session":…'.

    Encoded here so the hot scripts only append the state (cjson.encode in Valkey cost more).
    """
    # json.dumps of each string alone takes its C fast path (a dict with separators=...
    # builds a new encoder on every call).
    return f'{{"delegate":{json.dumps(delegate_id)},"session":{json.dumps(session_id)}'


def sign_up(r: redis.Redis, event_id: str, delegate_id: str, session_id: str,
            durable: bool = False) -> dict:
    result = _write(r, "signup", [bus_stream(event_id)],
                    [keys.prefix(event_id), delegate_id, session_id, *_ctx(event_id),
                     _data_head(delegate_id, session_id)], durable)
    if isinstance(result, list):  # {'error', reason, ...}
        if result[1] == "conflict":
            refuse("conflict", {"conflicting_session": result[2]},
                   f"You are already in “{result[3]}” at the same time.")
        if result[1] == "not_accredited":  # say whether a decision is still to come
            held = r.hget(keys.delegate(event_id, delegate_id), "accreditation") or "pending"
            refuse("not_accredited", {"accreditation": held}, None if held != "pending" else
                   "This session is only open to accredited participants. Your accreditation "
                   "is still pending: the organisers will tell you by e-mail when they decide.")
        refuse(result[1])
    state, position, how = result.split(" ")  # one string: cheaper for Valkey than a table
    return {"session": session_id, "state": state, "position": int(position) or None,
            "new": how == "new"}


def leave(r: redis.Redis, event_id: str, delegate_id: str, session_id: str,
          role: str = "delegate") -> dict:
    """Take a delegate out of a session. ``role``: the caller's; when it is not the delegate
    (an organiser), the event says why, and the delegate is not told they left."""
    head = _data_head(delegate_id, session_id)
    if role != "delegate":  # appended here: cancel.lua's own path stays as it was
        head += ',"reason":"removed_by_organiser"'
    result = script(r, "cancel")(
        keys=[bus_stream(event_id)],
        args=[keys.prefix(event_id), delegate_id, session_id, *_ctx(event_id), head])
    if isinstance(result, list):  # {'error', reason}
        refuse(result[1])
    was, promoted = result.split(" ", 1)
    return {"session": session_id, "was": was, "promoted": json.loads(promoted)}


def my_sessions(r: redis.Redis, event_id: str, delegate_id: str) -> list[dict]:
    mine = r.hgetall(keys.mine(event_id, delegate_id))
    out = []
    for sid, state in mine.items():
        copy = r.hgetall(keys.session(event_id, sid))
        position = None
        if state == "waitlisted":
            rank = r.zrank(keys.waitlist(event_id, sid), delegate_id)
            position = None if rank is None else rank + 1
        out.append({"session": sid, "state": state, "position": position,
                    "title": copy.get("title"), "starts_at": copy.get("starts_at"),
                    "ends_at": copy.get("ends_at"), "room": copy.get("room_name"),
                    "status": copy.get("status")})
    return sorted(out, key=lambda s: s["starts_at"] or "")
