"""Reading a scan's body on the door's hot path, without webargs.

webargs builds a schema per request and marshmallow validates field by field: together about
a third of a scan's time in Python. A usual scan (token, nonce, session or room, direction)
is checked here with plain comparisons that accept only what ``ScanSchema`` accepts.
It is the ``plain`` check of ``shared.web.json_body`` on the scan route: anything else (a
missing field, a wrong type, an unknown key, ``scanned_at``, a body that is not JSON) goes to
the schema and, if refused, through the very same webargs parser, so every refusal keeps the
schema's status, reason, field errors and wording.
"""

from __future__ import annotations

import re

from services.registration.gate.schemas import MAX_SCANNED, ScanSchema

# Stricter than the schema's SLUG (re.match with '$' also takes a trailing newline): a value
# this refuses is handed to the schema, which decides.
_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_FAST_KEYS = frozenset({"token", "nonce", "session", "room", "direction"})
SCHEMA = ScanSchema()


def plain_scan(body: object) -> dict | None:
    """The loaded scan when ``body`` is plainly valid, else None (let the schema speak)."""
    if not isinstance(body, dict) or not body.keys() <= _FAST_KEYS:
        return None
    token, nonce = body.get("token"), body.get("nonce")
    direction = body.get("direction", "in")
    if type(token) is not str or len(token) > MAX_SCANNED or type(nonce) is not str \
            or not 8 <= len(nonce) <= 100 or not _SLUG.fullmatch(nonce) \
            or direction not in ("in", "out"):
        return None
    out = {"token": token, "nonce": nonce, "direction": direction}
    target = None
    for name in ("session", "room"):
        if name in body:
            value = body[name]
            if target is not None or type(value) is not str or not _SLUG.fullmatch(value):
                return None  # both given, or not an id: the schema words the error
            out[name] = target = value
    return out if target is not None else None
