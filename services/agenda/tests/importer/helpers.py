"""Shared helpers for the importer tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "rcm-2017-agenda.txt"  # byte-for-byte copy of /work/shared/data/


def read(name: str) -> str:
    """A fixture exactly as stored: CRLF line ends and non-breaking spaces included."""
    return (FIXTURES / name).read_bytes().decode("utf-8")


def seed_text() -> str:
    """The customer's export, exactly as received (tabs, bookmarks, final ' ' line)."""
    return SEED.read_text(encoding="utf-8")


def assert_nothing_lost(text: str, result: dict[str, Any]) -> None:
    """Every non-empty line is kept by exactly one of event/sessions, or reported in a warning."""
    owners: dict[int, list[str]] = {}
    for number in result["event"]["source_lines"]:
        owners.setdefault(number, []).append("event")
    for session in result["sessions"]:
        for number in session["source_lines"]:
            owners.setdefault(number, []).append(session["key"])
    warned = {warning["line"] for warning in result["warnings"]}
    lines = re.split(r"\r\n|\r|\n", text)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            assert number not in owners, f"blank line {number} is claimed by {owners[number]}"
            continue
        claimed = owners.get(number, [])
        assert len(claimed) <= 1, f"line {number} {line!r} is claimed twice: {claimed}"
        assert claimed or number in warned, f"line {number} {line!r} was lost"
    assert max(owners, default=0) <= len(lines), "a source line number is past the end"


def by_key(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {session["key"]: session for session in result["sessions"]}
