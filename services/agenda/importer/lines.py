"""Split a document into numbered lines and say what each line is.

Classification looks at one line only; what a line means in context (title,
meeting heading, item...) is the parser's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .lexicon import (
    ACCESS_LINE_RE,
    ANNEX_RE,
    CLOSED_LINE_RE,
    END_RE,
    HEADS_RE,
    LEAD_RE,
    NOTE_RE,
    PAGE_RE,
    PARALLEL_RE,
    PART_OF_DAY,
    PART_RE,
    STATUS_RE,
    TBC_TIME_RE,
    THEME_RE,
    VENUE_RE,
    fold,
)
from .table import column_roles, split_cells
from .text import clean, lead_names
from .when import parse_day, parse_time

# Bullet glyphs of Word's text export: first level, then the deeper levels.
_BULLET_RE = re.compile(
    r"^(?P<glyph>[\u00b7\u2022\u25cf*\u2023\u2043\u27a2\u25ba\u2714\u2713\u2756\u25c6\u2192]|o"
    r"|\u25e6|\u25aa|\u25a0|\u00a7|\u2013|-|[\uf0b7\uf0a7\uf0d8\uf076\uf0fc\uf0a8\uf0e0\uf06c]"
    r"|\d{1,2}[.)]|[a-z][.)])\s+(?P<rest>\S.*)$"
)
# Word's Symbol/Wingdings glyphs come out in the private use area: , , ,  ...
_DEEP_GLYPHS = frozenset({"o", "\u25e6", "\u25aa", "\u25a0", "\u00a7", "\uf0a7"})


@dataclass
class Line:
    number: int  # 1-based, as an editor shows it
    raw: str
    text: str  # cleaned
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


def artefact_message(line: Line) -> str:
    return "page number or header; ignored" if line.text else "Word artefact only; ignored"


def split_lines(text: str) -> list[str]:
    # Only real line breaks count, so numbers match what an editor shows
    # (str.splitlines would also split on form feeds from Word page breaks).
    return re.split(r"\r\n|\r|\n", text)


def classify(number: int, raw: str) -> Line:
    if not raw.strip():
        return Line(number, raw, "", "blank")
    text = clean(raw)
    if not text:
        return Line(number, raw, "", "artefact")
    folded = fold(text)
    if END_RE.match(folded):
        return Line(number, raw, text, "end")
    if PAGE_RE.match(folded):
        return Line(number, raw, text, "artefact")
    day = parse_day(text)
    if day:
        return Line(number, raw, text, "day", day)
    cells = split_cells(raw)
    if len(cells) > 1:
        roles = column_roles(cells)
        if roles:
            return Line(number, raw, text, "columns", {"roles": roles})
        time = parse_time(cells[0][1]) or _tbc(cells[0][1], tail=False)
        if time:
            # A Word table row "time<TAB>item<TAB>lead": the cells keep their meaning.
            extras = cells[1:]
            if not time["rest"]:
                time["rest"], extras = extras[0][1], extras[1:]
            return Line(number, raw, text, "time", {**time, "cells": extras})
    time = parse_time(text) or _tbc(text)
    if time:
        return Line(number, raw, text, "time", time)
    part = PART_RE.match(folded)
    if part:
        rest = _tail(text, part["rest"] or "")
        return Line(number, raw, text, "part", {"part": PART_OF_DAY[part[1]], "rest": rest})
    bullet = _BULLET_RE.match(text)
    body = bullet["rest"] if bullet else text
    if bullet and not bullet["glyph"][0].isdigit():
        # A Word list of times: "· 09:00-10:30h Report of the groups", "· TBC Visit".
        time = parse_time(body) or _tbc(body)
        if time and (time["end"] or time["rest"]):
            return Line(number, raw, text, "time", time)
    folded_body = fold(body)
    for kind, pattern in (("venue", VENUE_RE), ("note", NOTE_RE)):
        match = pattern.match(folded_body)
        if match:
            return Line(number, raw, text, kind, {"value": _tail(body, match["value"])})
    match = LEAD_RE.match(folded_body)
    if match:
        label = match["label"] or match["bare_label"]
        value = match["value"] if match["value"] is not None else match["bare"]
        value = _tail(body.rstrip("]) "), value.rstrip("]) "))
        return Line(number, raw, text, "lead", {"leads": lead_names(label, value)})
    if ACCESS_LINE_RE.match(folded_body):
        return Line(number, raw, text, "access", {"heads": False})
    if CLOSED_LINE_RE.match(folded_body):  # "Closed session: heads of delegation only"
        return Line(number, raw, text, "access", {"heads": bool(HEADS_RE.search(folded_body))})
    if bullet:
        deep = bullet["glyph"] in _DEEP_GLYPHS
        return Line(number, raw, text, "bullet", {"title": body, "deep": deep, "cells": cells})
    match = PARALLEL_RE.match(folded)
    if match:
        return Line(number, raw, text, "parallel", {"rest": _tail(text, match["rest"])})
    match = THEME_RE.match(folded)
    if match:
        return Line(number, raw, text, "theme", {"value": _tail(text, match["value"])})
    if STATUS_RE.match(folded):
        return Line(number, raw, text, "status")
    if ANNEX_RE.match(folded):
        return Line(number, raw, text, "annex")
    return Line(number, raw, text, "text", {"cells": cells})


def is_time_cell(text: str) -> bool:
    """A table cell holding a time, or "TBC" / "Por confirmar" in its place."""
    return bool(parse_time(text) or _tbc(text, tail=False))


def _tbc(text: str, tail: bool = True) -> dict[str, Any] | None:
    """ "TBC Press conference", "Por confirmar": a session whose time is not known yet."""
    match = TBC_TIME_RE.match(fold(text))
    if match is None or (match["rest"] and not tail):
        return None
    rest = _tail(text, match["rest"] or "")
    tbc = text[: len(text) - len(rest)].strip(" :|-\u2013\u2014") if rest else text
    return {"start": None, "end": None, "rest": rest, "ambiguous": False, "tbc": tbc}


def _tail(original: str, folded_tail: str) -> str:
    """The end of `original` matching a tail found in its folded form, with original accents."""
    if not folded_tail:
        return ""
    # fold() keeps length for the Latin text of the genre; fall back to a search otherwise.
    if len(fold(original)) == len(original):
        return original[len(original) - len(folded_tail) :].strip()
    return folded_tail.strip()
