"""Lua scripts of the badge and gate packages, registered once per Redis client."""

from __future__ import annotations

from pathlib import Path

import redis

_PRELUDE = (Path(__file__).parent / "lua" / "prelude.lua").read_text(encoding="utf-8")
_cache: dict[tuple[int, str], object] = {}


def script(client: redis.Redis, path: Path):
    """The script at ``path`` (with the shared prelude) for this client, via EVALSHA."""
    found = _cache.get((id(client), str(path)))
    if found is None:
        found = client.register_script(_PRELUDE + "\n" + path.read_text(encoding="utf-8"))
        _cache[(id(client), str(path))] = found
    return found
