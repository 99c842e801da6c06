"""Lua scripts of the badge and gate packages, registered once per Redis client."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import redis

from shared import store

_PRELUDE = (Path(__file__).parent / "lua" / "prelude.lua").read_text(encoding="utf-8")


def script(client: redis.Redis, path: Path):
    """The script at ``path`` (with the shared prelude) for this client, via EVALSHA."""
    return store.script(client, _source(path))


@cache
def _source(path: Path) -> str:
    return _PRELUDE + "\n" + path.read_text(encoding="utf-8")
