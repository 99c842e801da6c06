"""The registration service's Lua scripts, loaded once per Redis client."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import redis

from shared import store

_DIR = Path(__file__).parent / "lua"
_HELPER = re.compile(r"^local function (\w+)", re.M)
_COMMENT = re.compile(r"--[^\n]*")


def _helpers(prelude: str) -> list[tuple[str, str]]:
    """The prelude's helpers in order, each as (name, text with the comment lines above it)."""
    starts = []
    for m in _HELPER.finditer(prelude):
        start = m.start()
        while True:  # take the helper's own comment along
            prev = prelude.rfind("\n", 0, start - 1) + 1
            if start == 0 or not prelude.startswith("--", prev):
                break
            start = prev
        starts.append((m.group(1), start))
    ends = [s for _, s in starts[1:]] + [len(prelude)]
    return [(name, prelude[s:e]) for (name, s), e in zip(starts, ends, strict=True)]


def _uses(code: str, name: str) -> bool:
    return re.search(rf"\b{name}\b", _COMMENT.sub("", code)) is not None


@cache
def _source(name: str) -> str:
    """The script with only the prelude helpers it calls (directly or through another).

    Every ``local function`` of a chunk is a new closure on every run: a sign-up paid for
    nine helpers to use three. A helper may only call helpers defined above it (Lua locals),
    so keeping the prelude's order keeps each one's upvalues right.
    """
    body = (_DIR / f"{name}.lua").read_text(encoding="utf-8")
    helpers = _helpers((_DIR / "prelude.lua").read_text(encoding="utf-8"))
    needed = {n for n, _ in helpers if _uses(body, n)}
    for n, text in reversed(helpers):  # a helper's callees come before it
        if n in needed:
            needed |= {m for m, _ in helpers if m != n and _uses(text, m)}
    return "".join(text for n, text in helpers if n in needed) + "\n" + body


def script(client: redis.Redis, name: str):
    """The registered script ``name`` for this client (EVALSHA, reloaded after a flush)."""
    return store.script(client, _source(name))
