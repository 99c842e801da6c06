"""A meeting's badge signing keys: created on first use, rotated, retired.

Private keys are stored in Redis only encrypted with a key derived from the service's
SECRET_KEY, so a copy of the database alone cannot mint badges. Public keys are cached per
process for ever: a kid's public key never changes, and whether a kid is still live is
checked inside the atomic scan step, so a retirement takes effect at the next scan.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from pathlib import Path

import redis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from services.registration.badges import keys
from services.registration.badges.scripts import script
from services.registration.badges.token import b64decode, b64encode
from services.registration.gate import keys as gate_keys
from shared.errors import Problem

_LUA = Path(__file__).parent / "lua"
_public: dict[tuple[str, str], Ed25519PublicKey] = {}
_private: dict[tuple[str, str], Ed25519PrivateKey] = {}
_CACHE_LIMIT = 10_000


def _password(secret_key: str) -> bytes:
    # Derived rather than SECRET_KEY itself, so this use cannot be confused with another.
    return hashlib.sha256(b"podium-badge-keys\x00" + secret_key.encode()).digest()


def _key_args(event_id: str) -> list[str]:
    return [keys.signing_keys(event_id), keys.active_key(event_id),
            gate_keys.bundle_version(event_id), gate_keys.bundle_changes(event_id)]


def _new_key(r: redis.Redis, event_id: str, secret_key: str, mode: str) -> str:
    private = Ed25519PrivateKey.generate()
    kid = secrets.token_hex(4)
    public = private.public_key().public_bytes(serialization.Encoding.Raw,
                                               serialization.PublicFormat.Raw)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(_password(secret_key)))
    doc = {"kid": kid, "public": b64encode(public), "private": pem.decode("ascii"),
           "created": int(time.time())}
    return script(r, _LUA / "add_key.lua")(keys=_key_args(event_id),
                                           args=[kid, json.dumps(doc), mode])


def active_kid(r: redis.Redis, event_id: str, secret_key: str) -> str:
    """The active key id, creating the meeting's first key when there is none."""
    kid = r.get(keys.active_key(event_id))
    if kid and r.hexists(keys.signing_keys(event_id), kid):
        return kid
    return _new_key(r, event_id, secret_key, "init")


def rotate(r: redis.Redis, event_id: str, secret_key: str) -> str:
    """Make a new active key; badges signed with older keys keep working until retired."""
    return _new_key(r, event_id, secret_key, "rotate")


def retire(r: redis.Redis, event_id: str, kid: str) -> None:
    result = script(r, _LUA / "retire_key.lua")(keys=_key_args(event_id), args=[kid])
    if result == "not_found":
        raise Problem(404, "not_found", "No such live badge key.")
    if result == "active_key":
        raise Problem(409, "active_key", "This key signs new badges; rotate before retiring it.")


def public_keys(r: redis.Redis, event_id: str) -> list[dict]:
    """The live keys' public halves (what doors need), the active one marked."""
    active = r.get(keys.active_key(event_id))
    out = []
    for kid, raw in r.hgetall(keys.signing_keys(event_id)).items():
        doc = json.loads(raw)
        out.append({"kid": kid, "public_key": doc["public"], "created": doc["created"],
                    "active": kid == active})
    return sorted(out, key=lambda k: (k["created"], k["kid"]))


def public_key(r: redis.Redis, event_id: str, kid: str) -> Ed25519PublicKey | None:
    """A key by id (cached per process; None when the meeting has no such key)."""
    found = _public.get((event_id, kid))
    if found is None:
        raw = r.hget(keys.signing_keys(event_id), kid)
        if raw is None:
            return None
        found = Ed25519PublicKey.from_public_bytes(b64decode(json.loads(raw)["public"]))
        if len(_public) > _CACHE_LIMIT:
            _public.clear()
        _public[(event_id, kid)] = found
    return found


def private_key(r: redis.Redis, event_id: str, kid: str, secret_key: str) -> Ed25519PrivateKey:
    found = _private.get((event_id, kid))
    if found is None:
        raw = r.hget(keys.signing_keys(event_id), kid)
        if raw is None:
            raise Problem(409, "key_retired", "The signing key was retired meanwhile; retry.")
        loaded = serialization.load_pem_private_key(json.loads(raw)["private"].encode(),
                                                    password=_password(secret_key))
        assert isinstance(loaded, Ed25519PrivateKey)
        found = _private[(event_id, kid)] = loaded
    return found
