"""Footnotes: "Closed session of Vice-Ministers²" ... "² Only open to accredited participants".

A line is a footnote only when its mark ends some other line, so "* Welcome" stays a
bullet in a document where no title ends with "*". Found in one pass over the lines.
"""

from __future__ import annotations

import re

from .lines import Line

_MARK = r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+|\*{1,3}|\(\d{1,2}\)|\[\d{1,2}\]"
FOOTNOTE_RE = re.compile(rf"^(?P<mark>{_MARK})\s*(?P<text>\S.*)$")
_ENDING_RE = re.compile(rf"\S(?P<mark>{_MARK})$")


def mark_footnotes(lines: list[Line], start: int) -> frozenset[str]:
    """Turn the footnote lines after `start` into kind "footnote"; return the marks in use."""
    used = set()
    for line in lines[start:]:
        ending = _ENDING_RE.search(line.text)
        if ending:
            used.add(ending["mark"])
    if not used:
        return frozenset()
    for line in lines[start:]:
        match = FOOTNOTE_RE.match(line.text) if line.kind in ("text", "bullet") else None
        if match and match["mark"] in used:
            line.kind = "footnote"
            line.data = {"mark": match["mark"], "text": match["text"]}
    return frozenset(used)
