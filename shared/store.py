"""The Redis connection: one client per app, created in ``init_app``, never at import time."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import redis
from flask import Flask, current_app
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from shared.config import ConfigError

log = logging.getLogger("podium.store")


def connect(url: str, **overrides: Any) -> redis.Redis:
    """A client that reconnects by itself: a few quick retries, then the caller sees the error."""
    options: dict[str, Any] = dict(
        decode_responses=True,
        socket_connect_timeout=2,
        socket_timeout=10,
        health_check_interval=30,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        retry_on_error=[redis.ConnectionError, redis.TimeoutError],
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


def init_app(app: Flask) -> None:
    client = connect(app.config["REDIS_URL"])
    app.extensions["redis"] = client
    try:
        check_server(client)
    except redis.ConnectionError:
        # Not fatal: the service answers 503 until Redis is back.
        log.warning("redis not reachable at startup; requests will get 503 until it is")


def get_redis() -> redis.Redis:
    return current_app.extensions["redis"]


def load_script(client: redis.Redis, path: Path):
    """Register a Lua script shipped beside the module that uses it."""
    return client.register_script(path.read_text(encoding="utf-8"))
