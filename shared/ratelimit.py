"""Rate limits in Redis: a fixed-window counter, one round trip per request.

Applied to the public and login-like routes (registration, access-link requests, door scans
per device), so a script cannot flood a meeting with sign-ups or guess links at speed::

    @public
    @limit("register", "300/60", by=per_ip)
    @blp.arguments(RegisterSchema)
    def post(...): ...

A limit is "COUNT/SECONDS" and can be changed per bucket with the ``RATE_LIMIT_<BUCKET>``
setting (environment or app config; "off" disables it). A refusal is a 429 in the problem
format with Retry-After. Fixed windows allow up to twice the count across a window edge,
which is acceptable here: the aim is to stop floods, not to meter precisely.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from flask import current_app, request

from shared import auth, keys, store
from shared.errors import Problem

# INCR and arm the window in the same step, so a crash between them cannot leave a counter
# that never expires. Returns {count, milliseconds left in the window}.
_LUA = """
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
"""


def per_ip() -> str:
    """The caller's address (behind a proxy, deploy ProxyFix so this is the client's)."""
    return request.remote_addr or "unknown"


def per_token() -> str:
    """The caller's token subject (a device for gatekeepers), else their address."""
    principal = auth.current()
    if principal is not None:
        return f"{principal.role}:{principal.subject or principal.token_id or '-'}"
    return per_ip()


def parse(spec: str) -> tuple[int, int] | None:
    """'30/60' -> (30, 60); 'off' -> None."""
    if spec.strip().lower() in {"off", "none", "0"}:
        return None
    count, _, seconds = spec.partition("/")
    return int(count), int(seconds or 60)


def hit(client, bucket: str, who: str, count: int, seconds: int) -> tuple[bool, int]:
    """Count one request; return (allowed, seconds until the window resets)."""
    n, ttl_ms = store.script(client, _LUA)(keys=[keys.rate(bucket, who)],
                                           args=[seconds * 1000])
    return int(n) <= count, max(1, math.ceil(int(ttl_ms) / 1000))


def configured(bucket: str, default: str) -> tuple[int, int] | None:
    """The bucket's (count, seconds) from the app's settings, or None when it is off."""
    return parse(str(current_app.config.get(f"RATE_LIMIT_{bucket.upper()}", default)))


def refusal(retry_after: int) -> Problem:
    """The 429 every limit answers (also limits counted inside a service's own script)."""
    return Problem(429, "rate_limited", f"Too many requests; try again in {retry_after} seconds.",
                   headers={"Retry-After": str(retry_after)}, extra={"retry_after": retry_after})


def check(bucket: str, default: str, who: str) -> None:
    """Raise 429 when ``who`` has used up the bucket's window."""
    limit = configured(bucket, default)
    if limit is None:
        return
    allowed, retry_after = hit(current_app.extensions["redis"], bucket, who, *limit)
    if not allowed:
        raise refusal(retry_after)


def limit(bucket: str, default: str, by: Callable[[], str] = per_ip) -> Callable:
    """Decorate a view: count each call under ``bucket`` per meeting and per ``by()``."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def limited(*args, **kwargs):
            event = kwargs.get("event") or (request.view_args or {}).get("event", "-")
            check(bucket, default, f"{event}:{by()}")
            return fn(*args, **kwargs)

        return limited

    return wrap
