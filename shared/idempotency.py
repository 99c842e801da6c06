"""``Idempotency-Key`` for every write of a service: a retried request replays the first answer.

``init_app(app, service)`` hooks the app: a POST/PUT/PATCH/DELETE carrying the header is
claimed in Redis before the view runs (SET NX), and its answer is stored for 24 hours.

* same key, same request (method, path, query, body) -> the first answer again, byte for byte,
  with its status and an ``Idempotent-Replayed: true`` header;
* same key, another request -> 422 ``idempotency_key_reused``, nothing runs;
* the same request twice at once -> only one runs; the other waits for its answer (or gets
  409 ``idempotency_in_progress`` if the first takes too long);
* a 5xx answer is not kept: the write may not have happened, so a retry runs again.

Keys are scoped by the caller's bearer token, so two callers cannot read each other's answers.
"""

from __future__ import annotations

import hashlib
import json
import time

import redis
from flask import Flask, Request, Response, current_app, g, request
from flask.ctx import _AppCtxGlobals

from shared import auth, keys
from shared.errors import Problem

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 60 * 60
PENDING_SECONDS = 60  # a claim left by a crashed process frees itself
WAIT_SECONDS = 10.0
_WRITES = {"POST", "PUT", "PATCH", "DELETE"}
_KEPT_HEADERS = ("Content-Type", "Location", "ETag")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.query_string.decode("latin-1"),
                 request.mimetype or ""):
        digest.update(part.encode() + b"\0")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def _store_key(service: str, raw_key: str) -> str:
    scope = hashlib.sha256(((auth._bearer() or "") + "\0" + raw_key).encode()).hexdigest()
    event = (request.view_args or {}).get("event") or "_"
    return keys.idempotency(service, event, scope)


def _replay(stored: dict) -> Response:
    response = Response(stored["body"], status=stored["status"])
    for name, value in stored["headers"].items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim(r: redis.Redis, key: str, fingerprint: str) -> Response | None:
    """Claim the key, or return the answer to replay (waiting for a concurrent twin)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        pending = json.dumps({"fp": fingerprint, "pending": True})
        if r.set(key, pending, nx=True, ex=PENDING_SECONDS):
            return None  # ours: the view runs
        raw = r.get(key)
        if raw is None:
            continue  # the first attempt failed and let go: claim again
        stored = json.loads(raw)
        if stored["fp"] != fingerprint:
            raise Problem(422, "idempotency_key_reused",
                          "This Idempotency-Key was used for another request; use a new key.")
        if not stored.get("pending"):
            return _replay(stored)
        if time.monotonic() > deadline:
            raise Problem(409, "idempotency_in_progress",
                          "The first request with this Idempotency-Key is still running; "
                          "retry shortly.", headers={"Retry-After": "1"})
        time.sleep(0.02)


def before(app: Flask, req: Request, service: str) -> Response | None:
    """Claim the request's key, or answer with the first answer (``shared.web`` calls this
    after its own checks, on apps that called :func:`init_app`)."""
    if req.method not in _WRITES or req.url_rule is None:
        return None
    raw_key = req.environ.get("HTTP_IDEMPOTENCY_KEY")  # the header, read in one call
    if raw_key is None:
        return None
    if not 1 <= len(raw_key) <= 255 or not raw_key.isascii() or not raw_key.isprintable():
        raise Problem(400, "invalid_idempotency_key",
                      "Idempotency-Key must be 1 to 255 printable ASCII characters.")
    r = app.extensions["redis"]
    key, fingerprint = _store_key(service, raw_key), _fingerprint()
    replay = _claim(r, key, fingerprint)
    if replay is None:
        g.idempotency = (key, fingerprint)
    return replay


_NOT_OUTCOMES = {408, 425, 429}


def after(response: Response, bag: _AppCtxGlobals) -> Response:
    """Keep the answer for replays (``shared.web`` calls this for a claimed request)."""
    claim = bag.pop("idempotency", None)
    if claim is None:
        return response
    key, fingerprint = claim
    r = current_app.extensions["redis"]
    # Answers that say "not now" (rate limited, busy, store away) are not the outcome of the
    # request: keeping them would refuse the client's retry for a day.
    if response.status_code >= 500 or response.status_code in _NOT_OUTCOMES \
            or response.is_streamed:
        r.delete(key)
        return response
    stored = {"fp": fingerprint, "status": response.status_code,
              "body": response.get_data(as_text=True),
              "headers": {h: response.headers[h] for h in _KEPT_HEADERS if h in response.headers}}
    r.set(key, json.dumps(stored), ex=TTL_SECONDS)
    return response


def teardown(bag: _AppCtxGlobals) -> None:
    # The answer was never made (the worker died mid-request): let a retry run.
    claim = bag.pop("idempotency", None)
    if claim is not None:
        current_app.extensions["redis"].delete(claim[0])


def init_app(app: Flask, service: str) -> None:
    """Honour ``Idempotency-Key`` on every write of this app (after auth and body checks).

    No hooks of its own: ``shared.web``'s one before/after/teardown hook calls
    :func:`before`, :func:`after` and :func:`teardown` (each hook costs a dispatch per
    request on every route, and this runs on every write)."""
    app.extensions["podium_idempotency"] = service
