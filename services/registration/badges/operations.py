"""Issuing badges: lazily on first request, or a reissue that revokes the previous serial."""

from __future__ import annotations

from pathlib import Path

import redis

from services.registration import keys as reg_keys
from services.registration.badges import keys, signing
from services.registration.badges.scripts import script
from services.registration.badges.token import Badge, sign
from services.registration.gate import keys as gate_keys
from shared import bus
from shared.errors import Problem
from shared.keys import bus_stream
from shared.logs import request_id_var

_ISSUE = Path(__file__).parent / "lua" / "issue.lua"
DISPLAY = ("name", "delegation", "category")


def _refuse(reason: str) -> None:
    if reason == "not_found":
        raise Problem(404, "not_found", "No such delegate.")
    raise Problem(409, "not_accredited",
                  "Badges are issued to delegates whose accreditation is approved.")


def _issue(r: redis.Redis, event_id: str, delegate_id: str, secret_key: str,
           mode: str) -> dict:
    status = r.hget(reg_keys.delegate(event_id, delegate_id), "accreditation")
    if status is None or status != "approved":
        _refuse("not_found" if status is None else "not_accredited")
    kid = signing.active_kid(r, event_id, secret_key)
    # The serial is taken before the atomic step so the token can be signed; a serial lost
    # to a race (another request issued first) is simply never used.
    serial = int(r.incr(keys.serial_counter(event_id)))
    token = sign(Badge(event_id, delegate_id, serial, kid),
                 signing.private_key(r, event_id, kid, secret_key))
    result = script(r, _ISSUE)(
        keys=[keys.badge(event_id, delegate_id), keys.serials(event_id),
              keys.revoked(event_id), bus_stream(event_id), gate_keys.bundle_version(event_id),
              gate_keys.bundle_changes(event_id), reg_keys.delegate(event_id, delegate_id)],
        args=[delegate_id, serial, kid, token, bus.now_iso(), mode, event_id,
              request_id_var.get() or "", bus.now_iso()])
    if result[0] == "error":
        _refuse(result[1])
    return current(r, event_id, delegate_id)


def current(r: redis.Redis, event_id: str, delegate_id: str) -> dict:
    data = r.hgetall(keys.badge(event_id, delegate_id))
    return {"delegate": delegate_id, "serial": int(data["serial"]), "kid": data["kid"],
            "token": data["token"], "issued_at": data["issued_at"]}


def badge_for(r: redis.Redis, event_id: str, delegate_id: str, secret_key: str) -> dict:
    """The delegate's badge, issued now if they have none yet."""
    if r.exists(keys.badge(event_id, delegate_id)):
        status = r.hget(reg_keys.delegate(event_id, delegate_id), "accreditation")
        if status != "approved":  # a badge stays recorded, but is not handed out any more
            _refuse("not_accredited")
        return current(r, event_id, delegate_id)
    return _issue(r, event_id, delegate_id, secret_key, "lazy")


def reissue(r: redis.Redis, event_id: str, delegate_id: str, secret_key: str) -> dict:
    """A new serial (lost badge, changed details); the previous one is revoked."""
    return _issue(r, event_id, delegate_id, secret_key, "reissue")


def display(r: redis.Redis, event_id: str, delegate_id: str) -> dict:
    values = r.hmget(reg_keys.delegate(event_id, delegate_id), DISPLAY)
    if values[0] is None:
        raise Problem(404, "not_found", "No such delegate.")
    return dict(zip(DISPLAY, values, strict=True))


def select(r: redis.Redis, event_id: str, ids: list[str] | None, delegation: str | None,
           category: str | None, limit: int = 500) -> list[str]:
    """Delegates to print: the listed ids, or the accredited ones matching the filters."""
    if ids:
        if len(ids) > limit:
            raise Problem(422, "too_many", f"Print at most {limit} badges at once.")
        return ids
    chosen = []
    for did in r.zrange(reg_keys.delegates(event_id), 0, -1):
        d = r.hmget(reg_keys.delegate(event_id, did), "accreditation", "delegation", "category")
        if d[0] == "approved" and (not delegation or d[1] == delegation) \
                and (not category or d[2] == category):
            chosen.append(did)
            if len(chosen) >= limit:
                break
    return chosen
