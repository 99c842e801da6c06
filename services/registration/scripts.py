"""The registration service's Lua scripts, loaded once per Redis client."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import redis

from shared import store

_DIR = Path(__file__).parent / "lua"
_HELPER = re.compile(r"^local function (\w+)", re.M)


def _helpers(prelude: str) -> list[tuple[str, str]]:
    """The prelude's helpers in order, each as (name, text with the comment lines above it).

    The prelude may hold nothing else: a top-level value would travel with whichever helper
    it follows and be left out with it, so it is refused here rather than found missing in
    Valkey at run time."""
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
    helpers = [(name, prelude[s:e]) for (name, s), e in zip(starts, ends, strict=True)]
    outside = prelude[:starts[0][1]].splitlines() if starts else prelude.splitlines()
    for _, text in helpers:
        lines = text.splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith("local function"))
        # The function ends on its own line (a one-liner) or at the first 'end' at column 0.
        last = first if lines[first].rstrip().endswith(" end") else next(
            (i for i in range(first + 1, len(lines)) if lines[i].rstrip() == "end"), len(lines))
        outside += lines[last + 1:]
    stray = [line for line in outside if line.strip() and not line.lstrip().startswith("--")]
    if stray:
        raise ValueError(f"prelude.lua: only helper functions and comments, not {stray[0]!r}")
    return helpers


def _uses(code: str, name: str) -> bool:
    # Comments count too: a helper merely mentioned is kept (a closure more), never one
    # called after a '--' inside a string dropped.
    return re.search(rf"\b{name}\b", code) is not None


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
