"""The Redis connection: one client per app, created in ``init_app``, never at import time."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import redis
from flask import Flask, current_app
from redis.backoff import NoBackoff
from redis.client import Pipeline
from redis.retry import Retry

from shared.config import ConfigError

log = logging.getLogger("podium.store")


def connect(url: str, **overrides: Any) -> redis.Redis:
    """A client that reconnects by itself on the next call, but never resends a command.

    redis-py would otherwise retry a command after a timeout or a dropped connection, and a
    write script that did run (its reply was only late or lost) would run twice: two audit
    entries, two e-mails. The caller sees the error instead (a 503) and may retry with an
    Idempotency-Key.
    """
    options: dict[str, Any] = dict(
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=10,
        health_check_interval=30,
        retry=Retry(NoBackoff(), 0),
    )
    options.update(overrides)
    return redis.Redis.from_url(url, **options)


def check_server(client: redis.Redis) -> None:
    """Refuse a server that would silently drop the suite's data (eviction), saying why."""
    info = client.info("memory")
    policy = info.get("maxmemory_policy", "noeviction")
    if policy != "noeviction":
        raise ConfigError(
            f"Redis maxmemory-policy is {policy!r}: it may evict registrations, seats and "
            "door entries without telling anyone. Set maxmemory-policy to noeviction."
        )


def check_durable(client: redis.Redis) -> None:
    """Durable mode needs an AOF to wait for: refuse a server without one, saying why."""
    if not int(client.info("persistence").get("aof_enabled", 0)):
        raise ConfigError("DURABLE_WRITES=true needs Redis with appendonly yes: without an "
                          "append-only file there is nothing to confirm writes against.")
    if not supports_waitaof(client):
        raise ConfigError("DURABLE_WRITES=true needs WAITAOF (Redis 7.2+, Valkey 8+).")


def supports_waitaof(client: redis.Redis) -> bool:
    """WAITAOF exists from Redis 7.2 and Valkey 8; older servers cannot confirm fsync."""
    try:
        client.execute_command("WAITAOF", 0, 0, 1)
    except redis.ResponseError as exc:
        return "unknown command" not in str(exc).lower()
    return True


def wait_durable(client: redis.Redis, timeout_ms: int = 1000) -> bool:
    """Block until the last write of this connection is fsynced to the local AOF."""
    local, _replicas = client.execute_command("WAITAOF", 1, 0, timeout_ms)
    return int(local) >= 1


def durably(client: redis.Redis, write: Callable[[Pipeline], Any],
            timeout_ms: int = 2000) -> Any:
    """Run ``write`` then ``WAITAOF 1 0`` on ONE connection; return the write's result.

    WAITAOF waits for the offset of the last write of the connection it is sent on, so it
    must follow the write on the same connection: a pooled ``wait_durable(client)`` could
    land on another, idle connection and confirm nothing. A pipeline pins one connection and
    costs one round trip. Raises :class:`NotDurable` when the fsync was not confirmed in time
    (the write may still reach the disk; callers answer 503 and the client retries, which
    every durable write here tolerates because they are idempotent).
    """
    with client.pipeline(transaction=False) as pipe:
        write(pipe)
        pipe.execute_command("WAITAOF", 1, 0, timeout_ms)
        *results, (local, _replicas) = pipe.execute()
    if int(local) < 1:
        raise NotDurable("the write was not confirmed on disk in time")
    return results[0]


class NotDurable(redis.RedisError):
    """WAITAOF did not confirm the write on disk within its timeout."""


def init_app(app: Flask) -> None:
    client = connect(app.config["REDIS_URL"])
    app.extensions["redis"] = client
    try:
        check_server(client)
        if app.config.get("DURABLE_WRITES"):
            check_durable(client)
    except redis.ConnectionError:
        # Not fatal: the service answers 503 until Redis is back.
        log.warning("redis not reachable at startup; requests will get 503 until it is")


def get_redis() -> redis.Redis:
    # The app object, not an attribute through the proxy: a missing attribute on a context
    # proxy costs a formatted AttributeError before the proxy's __getattr__ (Python 3.11).
    return current_app._get_current_object().extensions["redis"]  # type: ignore[attr-defined]


def script(client: redis.Redis, source: str):
    """The registered script for ``source`` on this client, made once and kept on the client.

    Callers then pay one EVALSHA per call (redis-py reloads the script after a flush).
    """
    scripts = client.__dict__.setdefault("_podium_scripts", {})
    found = scripts.get(source)
    if found is None:
        found = scripts[source] = client.register_script(source)
    return found
