"""The registration service's Lua scripts, loaded once per Redis client."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import redis

from shared import store

_DIR = Path(__file__).parent / "lua"
_PRELUDE = (_DIR / "prelude.lua").read_text(encoding="utf-8")


@cache
def _source(name: str) -> str:
    return _PRELUDE + "\n" + (_DIR / f"{name}.lua").read_text(encoding="utf-8")


def script(client: redis.Redis, name: str):
    """The registered script ``name`` for this client (EVALSHA, reloaded after a flush)."""
    return store.script(client, _source(name))
