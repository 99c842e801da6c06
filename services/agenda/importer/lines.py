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
    END_RE,
    LEAD_RE,
    NOTE_RE,
    PAGE_RE,
    PARALLEL_RE,
    PART_OF_DAY,
    PART_RE,
    STATUS_RE,
    THEME_RE,
    VENUE_RE,
    fold,
)
from .table import column_roles, split_cells
from .text import clean, lead_names
from .when import parse_day, parse_time

# Bullet glyphs of Word's text export: first level, then the deeper levels.
_BULLET_RE = re.compile(
    r"^(?P<glyph>[\u00b7\u2022\u25cf*\u2023\u2043]|o|\u25e6|\u25aa|\u25a0|\u00a7|\u2013|-|\uf0b7|\uf0a7|\d{1,2}[.)]|[a-z][.)])\s+(?P<rest>\S.*)$"
)
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
        time = parse_time(cells[0][1])
        if time:
            # A Word table row "time<TAB>item<TAB>lead": the cells keep their meaning.
            extras = cells[1:]
            if not time["rest"]:
                time["rest"], extras = extras[0][1], extras[1:]
            return Line(number, raw, text, "time", {**time, "cells": extras})
    time = parse_time(text)
    if time:
        return Line(number, raw, text, "time", time)
    part = PART_RE.match(folded)
    if part:
        rest = _tail(text, part["rest"] or "")
        return Line(number, raw, text, "part", {"part": PART_OF_DAY[part[1]], "rest": rest})
    bullet = _BULLET_RE.match(text)
    body = bullet["rest"] if bullet else text
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
        return Line(number, raw, text, "access")
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
    return Line(number, raw, text, "text", {"cells": cells})


def _tail(original: str, folded_tail: str) -> str:
    """The end of `original` matching a tail found in its folded form, with original accents."""
    if not folded_tail:
        return ""
    # fold() keeps length for the Latin text of the genre; fall back to a search otherwise.
    if len(fold(original)) == len(original):
        return original[len(original) - len(folded_tail) :].strip()
    return folded_tail.strip()
