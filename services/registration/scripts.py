"""The registration service's Lua scripts, loaded once per Redis client."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import redis

_DIR = Path(__file__).parent / "lua"
_PRELUDE = (_DIR / "prelude.lua").read_text(encoding="utf-8")
_cache: dict[int, dict[str, object]] = {}


@cache
def _source(name: str) -> str:
    return _PRELUDE + "\n" + (_DIR / f"{name}.lua").read_text(encoding="utf-8")


def script(client: redis.Redis, name: str):
    """The registered script ``name`` for this client (EVALSHA, reloaded after a flush)."""
    scripts = _cache.setdefault(id(client), {})
    if name not in scripts:
        scripts[name] = client.register_script(_source(name))
    return scripts[name]
