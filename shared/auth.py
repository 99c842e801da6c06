"""Bearer tokens with roles scoped to a meeting, and per-route access rules.

Two kinds of bearer token:

* ``pod_...`` opaque tokens for organisers and gatekeeper devices, created by the
  ``podium token create`` command, shown once and stored only as their SHA-256;
* signed, expiring delegate tokens (itsdangerous) that travel in a delegate's personal
  access link, so verifying them needs no Redis round trip.

Every view declares who may call it with :func:`roles` or :func:`public`. A route without
a declaration is refused (default deny), which a test proves for every route.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import hmac
import json
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from flask import Flask, Request, g, request
from itsdangerous import URLSafeTimedSerializer

from shared import keys
from shared.errors import Problem

ROLES = ("organiser", "gatekeeper", "delegate")
PUBLIC = "public"
RULE_ATTR = "_podium_roles"
LIVE_ATTR = "_podium_checks_token_live"
DELEGATE_TOKEN_MAX_AGE = 60 * 60 * 24 * 60  # two months: covers registration to the meeting
# Endpoints of the framework itself that anyone may read.
_PUBLIC_ENDPOINTS = {"static"}
_PUBLIC_PREFIXES = ("api-docs.",)


@dataclass(frozen=True)
class Principal:
    role: str
    event: str
    subject: str | None = None  # delegate id, or device id for gatekeepers
    rooms: tuple[str, ...] = field(default_factory=tuple)
    token_id: str | None = None
    digest: str | None = None  # SHA-256 of an opaque token (member of keys.tokens_of)


def roles(*allowed: str) -> Callable:
    """Declare the roles a view admits (checked before the view runs)."""
    unknown = set(allowed) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def mark(fn: Callable) -> Callable:
        setattr(fn, RULE_ATTR, tuple(allowed))
        return fn

    return mark


def public(fn: Callable) -> Callable:
    """Declare a view open to anyone (a bearer token, if sent, is still read)."""
    setattr(fn, RULE_ATTR, (PUBLIC,))
    return fn


def checks_token_live(fn: Callable) -> Callable:
    """Declare that the view itself refuses a revoked opaque token, inside its atomic step
    (the token's ``digest`` must still be in ``keys.tokens_of(event)``).

    Such a view may be handed a Principal from a per-process cache instead of one Redis read
    per request: tokens never change once created, and the revocation check has moved into
    the view's own script, so a revoked door device is still refused at once.
    """
    setattr(fn, LIVE_ATTR, True)
    return fn


# -- tokens -----------------------------------------------------------------------------

def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(client: redis.Redis, event: str, role: str, *, subject: str | None = None,
                 rooms: tuple[str, ...] = (), label: str = "") -> str:
    """Create an opaque token; return the secret, which is never stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    secret = "pod_" + secrets.token_urlsafe(32)
    digest = hash_secret(secret)
    with client.pipeline(transaction=True) as pipe:
        pipe.hset(keys.token(digest), mapping={
            "event": event, "role": role, "subject": subject or "", "rooms": ",".join(rooms),
            "label": label, "created": str(int(time.time())), "id": digest[:12],
        })
        pipe.sadd(keys.tokens_of(event), digest)
        pipe.execute()
    return secret


def revoke_token(client: redis.Redis, event: str, token_id: str) -> bool:
    """Revoke a token by its public id (the first 12 hex digits of its hash)."""
    for digest in client.smembers(keys.tokens_of(event)):
        if digest.startswith(token_id):
            # Together: views marked checks_token_live look at the set, others at the hash.
            with client.pipeline(transaction=True) as pipe:
                pipe.srem(keys.tokens_of(event), digest)
                pipe.delete(keys.token(digest))
                pipe.execute()
            return True
    return False


_SALT = "podium-delegate-access"


@functools.cache  # one per secret: built once per process, not on every request
def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def delegate_token(secret_key: str, event: str, delegate_id: str) -> str:
    """A signed personal access token for one delegate of one meeting."""
    return _serializer(secret_key).dumps({"e": event, "d": delegate_id})


@functools.cache
def _mac(secret_key: str) -> hmac.HMAC:
    """The HMAC itsdangerous uses for our salt, keyed once: each check copies it (a copy is
    cheaper than ``hmac.digest``, which sets OpenSSL up again on every call)."""
    # itsdangerous's default key derivation ("django-concat") and digest, both SHA-1.
    key = hashlib.sha1(_SALT.encode() + b"signer" + secret_key.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha1)


# URL-safe base64 is standard base64 with two letters swapped: binascii does the rest in C.
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _b64decode(text: bytes) -> bytes:
    # As base64.urlsafe_b64decode (lenient: characters outside the alphabet are skipped).
    return binascii.a2b_base64(text.translate(_FROM_URLSAFE) + b"=" * (-len(text) % 4))


def unsign(secret_key: str, raw: str) -> tuple[object, int] | None:
    """(payload, signed at) of a token :func:`delegate_token` made, or None if not genuine.

    Tokens are made by itsdangerous (``payload.timestamp.signature``, URL-safe base64 without
    padding, HMAC-SHA1 over ``payload.timestamp``). Checking one through itsdangerous builds a
    signer and some sixty Python calls, a tenth of a sign-up's CPU when every delegate of a
    rush brings a token this process has not seen; this is the same check in a few C calls
    (a copy of a keyed HMAC, ``binascii`` for base64). A test holds it to itsdangerous's
    answers on genuine, forged, tampered and malformed tokens. It is stricter in one way:
    the signature must be exactly the one itsdangerous writes, where itsdangerous's lenient
    base64 also accepts a trailing extra character.
    """
    try:
        value, sig = raw.encode("ascii").rsplit(b".", 1)
        mac = _mac(secret_key).copy()
        mac.update(value)
        digest = mac.digest()
        expected = binascii.b2a_base64(digest, newline=False).translate(_TO_URLSAFE)
        if not hmac.compare_digest(expected.rstrip(b"="), sig):
            return None
        payload, stamp = value.rsplit(b".", 1)
        signed_at = int.from_bytes(_b64decode(stamp), "big")
        data = _b64decode(payload.removeprefix(b"."))
        if payload.startswith(b"."):  # itsdangerous compresses payloads zlib makes shorter
            data = zlib.decompress(data)
        return json.loads(data.decode("utf-8")), signed_at  # itsdangerous reads UTF-8 only
    except (ValueError, zlib.error):  # binascii.Error and UnicodeError are ValueErrors
        return None


_principals: dict[str, Principal] = {}
_PRINCIPAL_CACHE = 10_000


def resolve(client: redis.Redis, secret_key: str, raw: str, *,
            cached: bool = False) -> Principal | None:
    """Return who a bearer token belongs to, or None when it is not valid.

    ``cached`` only for views that check liveness themselves (:func:`checks_token_live`):
    a known opaque token is then answered from this process's memory.
    """
    if raw.startswith("pod_"):
        digest = hash_secret(raw)
        if cached and (hit := _principals.get(digest)) is not None:
            return hit
        data = client.hgetall(keys.token(digest))
        if not data:
            return None  # never cached: a token created a moment later must work
        rooms = tuple(r for r in data.get("rooms", "").split(",") if r)
        found = Principal(data["role"], data["event"], data.get("subject") or None, rooms,
                          data.get("id"), digest)
        if cached:
            if len(_principals) >= _PRINCIPAL_CACHE:
                _principals.clear()
            _principals[digest] = found
        return found
    verified = _verified_delegate(secret_key, raw)
    if verified is None or time.time() - verified[1] > DELEGATE_TOKEN_MAX_AGE:
        return None
    return verified[0]


@functools.lru_cache(maxsize=65_536)
def _verified_delegate(secret_key: str, raw: str) -> tuple[Principal, float] | None:
    """(delegate principal, signed at) of a signed delegate token, or None if not genuine.

    Kept per process by the exact token text: a delegate's app sends the same token on every
    request, and the HMAC check is a tenth of a sign-up's cost. Expiry is checked on every
    use from the signing time, so caching never extends a token's life. (A Principal is
    frozen: the cached one is safe to hand out again.)
    """
    verified = unsign(secret_key, raw)
    if verified is None:
        return None
    payload, signed_at = verified
    if not isinstance(payload, dict) or not {"e", "d"} <= payload.keys():
        return None
    return Principal("delegate", str(payload["e"]), str(payload["d"])), float(signed_at)


# -- enforcement ------------------------------------------------------------------------

def handler_for(app: Flask, endpoint: str, method: str) -> Callable | None:
    """The function that answers ``method`` on ``endpoint`` (a MethodView's method too)."""
    view = app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class, "get" if method == "HEAD" else method.lower(), None)
    return view


def rule_for(app: Flask, endpoint: str, method: str) -> tuple[str, ...] | None:
    """The declared roles of one endpoint and method, or None when nothing is declared."""
    if endpoint in _PUBLIC_ENDPOINTS or endpoint.startswith(_PUBLIC_PREFIXES):
        return (PUBLIC,)
    return getattr(handler_for(app, endpoint, method), RULE_ATTR, None)


def _bearer(req: Request | None = None) -> str | None:
    req = req or request
    header = req.environ.get("HTTP_AUTHORIZATION", "")  # as req.headers.get, in one call
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    # Personal links and calendar subscriptions cannot send headers. Only a delegate's signed
    # token may travel in a URL: an organiser's or a door's token would end up in browser
    # history, proxy logs and Referer headers.
    query = req.args.get("token") or None
    if query and query.startswith("pod_"):
        raise Problem(401, "token_in_url",
                      "Send organiser and gatekeeper tokens in the Authorization header.",
                      headers={"WWW-Authenticate": "Bearer"})
    return query


def current() -> Principal | None:
    return g.get("principal")


def check(app: Flask, req: Request) -> None:
    """Enforce the route's declared roles (run before every view by shared.web).

    Takes the app and request objects rather than reading Flask's context proxies again and
    again: this runs on every request, the sign-up rush included."""
    rule_obj, method = req.url_rule, req.method
    if rule_obj is None or method == "OPTIONS":
        return  # routing will answer 404/405
    endpoint = req.endpoint or ""
    if endpoint in _PUBLIC_ENDPOINTS or endpoint.startswith(_PUBLIC_PREFIXES):
        handler, rule = None, (PUBLIC,)
    else:
        handler = handler_for(app, endpoint, method)
        rule = getattr(handler, RULE_ATTR, None)
    if rule is None:
        raise Problem(403, "no_access_rule", "This route declares no access rule, so it is closed.")
    raw = _bearer(req)
    live = bool(raw) and getattr(handler, LIVE_ATTR, False)
    principal = resolve(app.extensions["redis"], app.config["SECRET_KEY"],
                        raw, cached=live) if raw else None
    g.principal = principal
    if PUBLIC in rule:
        return
    if raw is None:
        raise Problem(401, "unauthenticated", "Send a bearer token.",
                      headers={"WWW-Authenticate": "Bearer"})
    if principal is None:
        raise Problem(401, "invalid_token", "The token is unknown, expired or revoked.",
                      headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    if principal.role not in rule:
        raise Problem(403, "forbidden_role",
                      f"This action is for: {', '.join(rule)}; your token is {principal.role}.")
    args = req.view_args or {}
    if "event" in args and args["event"] != principal.event:
        raise Problem(403, "wrong_event", "Your token belongs to another meeting.")
    if principal.role == "delegate" and "delegate_id" in args \
            and args["delegate_id"] != principal.subject:
        # 404, not 403: a guessed id must not reveal that the delegate exists.
        raise Problem(404, "not_found", "No such delegate.")


def require_subject(principal: Principal | None, delegate_id: str) -> None:
    """For views that take a delegate id from the body: delegates act only for themselves."""
    if principal and principal.role == "delegate" and principal.subject != delegate_id:
        raise Problem(404, "not_found", "No such delegate.")
