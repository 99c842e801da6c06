"""Configuration read from environment variables, with safe development defaults.

Every service calls :func:`load` inside its ``create_app`` and then applies test overrides,
as Flask's tutorial does. Production mode refuses the development secret.
"""

from __future__ import annotations

import os
from typing import Any

DEV_SECRET = "podium-development-secret-do-not-use-in-production"

# name -> (default, type). Types keep "PORT=abc" from surfacing later as a TypeError.
_SETTINGS: dict[str, tuple[Any, type]] = {
    "PODIUM_ENV": ("development", str),
    "REDIS_URL": ("redis://127.0.0.1:6379/0", str),
    "SECRET_KEY": (DEV_SECRET, str),
    "SMTP_HOST": ("127.0.0.1", str),
    "SMTP_PORT": (8025, int),
    "SMTP_TLS": ("none", str),  # none | starttls | ssl
    "SMTP_USER": ("", str),
    "SMTP_PASSWORD": ("", str),
    "SMTP_TIMEOUT": (10.0, float),
    "MAIL_FROM": ("Podium <noreply@podium.localhost>", str),
    "NOTIFY_BATCH": (200, int),  # recipients per delivery task (one task per batch)
    "NOTIFY_RETRY_BASE_S": (2.0, float),  # first retry delay; doubles each time, with jitter
    "NOTIFY_MAX_RETRIES": (8, int),  # then the dead-letter list
    "NOTIFY_CLAIM_S": (60, int),  # how long a worker's claim on one recipient lives
    "NOTIFY_SMTP_CONNECTIONS": (4, int),  # SMTP connections one worker process sends over
    "NOTIFY_SWEEP_S": (15.0, float),  # how often a worker looks for stranded deliveries
    "AGENDA_PORT": (8001, int),
    "REGISTRATION_PORT": (8002, int),
    "NOTIFY_PORT": (8003, int),
    "PUBLIC_AGENDA_URL": ("", str),
    "PUBLIC_REGISTRATION_URL": ("", str),
    "PUBLIC_NOTIFY_URL": ("", str),
    "MAX_CONTENT_LENGTH": (25 * 1024 * 1024, int),  # uploads (agenda documents)
    "MAX_JSON_BYTES": (1024 * 1024, int),  # JSON bodies
    # Bus entries every consumer group has acknowledged are trimmed after this many seconds
    # (0: at once). A longer window keeps recent history for inspection, at its memory cost.
    "BUS_KEEP_S": (0.0, float),
    "DURABLE_WRITES": (False, bool),  # WAITAOF before acknowledging critical writes
    "LOG_LEVEL": ("INFO", str),
    "LOG_JSON": (True, bool),
}


class ConfigError(RuntimeError):
    """The configuration cannot be used (bad value, or unsafe in production)."""


def _coerce(name: str, raw: str, kind: type) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    try:
        return kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not a valid {kind.__name__}") from exc


def load(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Return the settings, environment variables overriding the defaults."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for name, (default, kind) in _SETTINGS.items():
        config[name] = _coerce(name, env[name], kind) if name in env else default
    for name, raw in env.items():
        if name.startswith("RATE_LIMIT_"):  # per-bucket limits, see shared.ratelimit
            config[name] = raw
    for service, port_key in (("AGENDA", "AGENDA_PORT"), ("REGISTRATION", "REGISTRATION_PORT"),
                              ("NOTIFY", "NOTIFY_PORT")):
        key = f"PUBLIC_{service}_URL"
        if not config[key]:
            config[key] = f"http://127.0.0.1:{config[port_key]}"
    return config


def check_safe(config: dict[str, Any]) -> None:
    """Refuse to run in production with the development secret or an unknown TLS mode."""
    if config.get("SMTP_TLS") not in {"none", "starttls", "ssl"}:
        raise ConfigError("SMTP_TLS must be one of none, starttls, ssl")
    if config.get("PODIUM_ENV") == "production" and config.get("SECRET_KEY") in {DEV_SECRET, ""}:
        raise ConfigError(
            "PODIUM_ENV=production needs its own SECRET_KEY; the development default is public"
        )
