"""Gatekeeper devices: a gatekeeper token per door device, bound to a meeting and rooms."""

from __future__ import annotations

import json
import secrets
import time

import redis

from services.registration import keys as reg_keys
from services.registration.gate import keys
from shared import auth
from shared.errors import Problem


def create(r: redis.Redis, event_id: str, label: str, rooms: list[str]) -> dict:
    """Register a device; the token is in the answer only (just its hash is stored)."""
    known = set(r.hkeys(reg_keys.rooms(event_id)))
    unknown = sorted(set(rooms) - known)
    if unknown:
        raise Problem(422, "unknown_room", f"No such room: {', '.join(unknown)}.",
                      errors={"rooms": [f"Unknown room {u!r}." for u in unknown]})
    device_id = "gk-" + secrets.token_hex(6)
    token = auth.create_token(r, event_id, "gatekeeper", subject=device_id,
                              rooms=tuple(rooms), label=label)
    doc = {"id": device_id, "label": label, "rooms": rooms,
           "token_id": auth.hash_secret(token)[:12], "created": int(time.time())}
    r.hset(keys.devices(event_id), device_id, json.dumps(doc))
    return {**doc, "token": token}


def list_devices(r: redis.Redis, event_id: str) -> list[dict]:
    return sorted((json.loads(v) for v in r.hvals(keys.devices(event_id))),
                  key=lambda d: d["created"])


def revoke(r: redis.Redis, event_id: str, device_id: str) -> None:
    raw = r.hget(keys.devices(event_id), device_id)
    if raw is None:
        raise Problem(404, "not_found", "No such device.")
    auth.revoke_token(r, event_id, json.loads(raw)["token_id"])
    r.hdel(keys.devices(event_id), device_id)
