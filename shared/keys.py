"""Redis key names shared by every service.

Every key that belongs to one meeting carries the meeting id as a hash tag (``{rcm-2017}``),
so a Lua script or MULTI that touches a meeting's state and its bus stream stays on one
Redis Cluster slot. Service-specific keys live in each service's own ``keys`` module and are
built with :func:`meeting`.
"""

from __future__ import annotations

PREFIX = "podium"


def meeting(event_id: str, *parts: str) -> str:
    """Key ``podium:{event}:part:part`` for state of one meeting."""
    return ":".join((PREFIX, "{" + event_id + "}", *parts))


def bus_stream(event_id: str) -> str:
    """The meeting's domain-event stream, written by every service, read by consumer groups."""
    return meeting(event_id, "bus")


def bus_dead_letters(event_id: str, group: str) -> str:
    """Entries a consumer group gave up on after repeated failures, kept for inspection."""
    return meeting(event_id, "bus", "dead", group)


def meetings() -> str:
    """Set of meeting ids that have a bus stream (consumers discover streams here)."""
    return f"{PREFIX}:meetings"


def meetings_added() -> str:
    """Stream with one entry per newly registered meeting: wakes blocked consumers."""
    return f"{PREFIX}:meetings:added"


def token(token_hash: str) -> str:
    """Hash describing an API token, found by the SHA-256 of the secret."""
    return f"{PREFIX}:token:{token_hash}"


def tokens_of(event_id: str) -> str:
    """Set of token hashes issued for one meeting (for listing and revoking)."""
    return meeting(event_id, "tokens")


def idempotency(service: str, event_id: str, key_hash: str) -> str:
    """Stored answer to a write made with an ``Idempotency-Key`` header."""
    return meeting(event_id, service, "idem", key_hash)


def handled(group: str, event_id: str) -> str:
    """Set of bus entry ids a consumer group has fully handled (idempotent handlers)."""
    return meeting(event_id, "handled", group)


def rate(bucket: str, who: str) -> str:
    """Fixed-window rate-limit counter."""
    return f"{PREFIX}:rate:{bucket}:{who}"
