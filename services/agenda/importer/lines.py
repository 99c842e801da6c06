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
    MONTH_RE,
    MONTHS,
    NOTE_RE,
    PARALLEL_RE,
    PART_OF_DAY,
    PART_RE,
    STATUS_RE,
    THEME_RE,
    VENUE_RE,
    WEEKDAY_RE,
    WEEKDAYS,
    fold,
)
from .text import clean, split_leads

# Bullet glyphs of Word's text export: first level, then the deeper levels.
_BULLET_RE = re.compile(
    r"^(?P<glyph>[\u00b7\u2022\u25cf*\u2023\u2043]|o|\u25e6|\u25aa|\u25a0|\u00a7|\u2013|-|\uf0b7|\uf0a7|\d{1,2}[.)]|[a-z][.)])\s+(?P<rest>\S.*)$"
)
_DEEP_GLYPHS = frozenset({"o", "\u25e6", "\u25aa", "\u25a0", "\u00a7", "\uf0a7"})

_ORD = r"(?:st|nd|rd|th|\u00ba|\u00b0|ro|er|o)?"
_YEAR = r"(?:,?\s*(?:de\s+|del\s+|of\s+)?(?P<year>\d{4}))?"
_DAY_PREFIX = r"^(?:(?:day|dia)\s+\d{1,2}\s*[:,\-\u2013\u2014]?\s*)?"
_DAY_FORMS = (
    # MONDAY, 19 JUNE / miércoles 21 de junio de 2017 / Wednesday the 21st of June
    rf"(?P<wd>{WEEKDAY_RE})\.?,?\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:de\s+|of\s+)?"
    rf"(?P<m>{MONTH_RE})\.?{_YEAR}",
    # Wednesday, June 21 / Wednesday, June 21st, 2017
    rf"(?P<wd>{WEEKDAY_RE})\.?,?\s+(?P<m>{MONTH_RE})\.?\s+(?P<d>\d{{1,2}}){_ORD}{_YEAR}",
    # 21 June / 21 de junio / June 21 (no weekday: no year either, so a header date
    # such as "21 June 2017" is never mistaken for the first day)
    rf"(?P<d>\d{{1,2}}){_ORD}\s+(?:de\s+|of\s+)?(?P<m>{MONTH_RE})",
    rf"(?P<m>{MONTH_RE})\.?\s+(?P<d>\d{{1,2}}){_ORD}",
)
_DAY_RES = tuple(re.compile(_DAY_PREFIX + form + r"\s*:?$") for form in _DAY_FORMS)

_CLOCK = r"(?P<{0}h>\d{{1,2}})[:.hH](?P<{0}m>\d{{2}})\s*(?P<{0}x>[ap]\.?\s?m\.?|hrs?\.?|h\b)?"
_DASH = r"\s*(?:[-\u2010\u2011\u2012\u2013\u2014\u2212]|to|a|al|hasta)\s*"
_RANGE_RE = re.compile(
    r"^"
    + _CLOCK.format("s")
    + _DASH
    + _CLOCK.format("e")
    + r"(?:\s*[:|\-\u2013\u2014]?\s+(?P<rest>\S.*))?$"
)
# A start time alone needs a colon: "2.10 Review" is more likely a numbered item.
_START_RE = re.compile(
    r"^(?P<sh>\d{1,2}):(?P<sm>\d{2})\s*(?P<sx>[ap]\.?\s?m\.?|hrs?\.?|h\b)?"
    r"(?:\s*[:|\-\u2013\u2014]?\s+(?P<rest>\S.*))?$"
)


@dataclass
class Line:
    number: int  # 1-based, as an editor shows it
    raw: str
    text: str  # cleaned
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


def split_lines(text: str) -> list[str]:
    # Only real line breaks count, so numbers match what an editor shows
    # (str.splitlines would also split on form feeds from Word page breaks).
    return re.split(r"\r\n|\r|\n", text)


def _clock(match: re.Match[str], prefix: str) -> str | None:
    hour, minute = int(match[prefix + "h"]), int(match[prefix + "m"])
    suffix = fold(match[prefix + "x"] or "").replace(".", "").replace(" ", "")
    if suffix in ("pm",) and hour < 12:
        hour += 12
    elif suffix == "am" and hour == 12:
        hour = 0
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return None
    return f"{hour % 24:02d}:{minute:02d}" if hour < 24 else "24:00"


def parse_day(text: str) -> dict[str, Any] | None:
    folded = fold(text).strip(" *_")
    for pattern in _DAY_RES:
        match = pattern.match(folded)
        if match:
            groups = match.groupdict()
            return {
                "day": int(groups["d"]),
                "month": MONTHS[groups["m"]],
                "year": int(groups["year"]) if groups.get("year") else None,
                "weekday": WEEKDAYS[groups["wd"]] if groups.get("wd") else None,
            }
    return None


def parse_time(text: str) -> dict[str, Any] | None:
    match = _RANGE_RE.match(text)
    if match:
        start, end = _clock(match, "s"), _clock(match, "e")
        if start and end:
            return {"start": start, "end": end, "rest": match["rest"] or ""}
    match = _START_RE.match(text)
    if match:
        start = _clock(match, "s")
        if start:
            return {"start": start, "end": None, "rest": match["rest"] or ""}
    return None


def classify(number: int, raw: str) -> Line:
    if not raw.strip():
        return Line(number, raw, "", "blank")
    text = clean(raw)
    if not text:
        return Line(number, raw, "", "artefact")
    folded = fold(text)
    if END_RE.match(folded):
        return Line(number, raw, text, "end")
    day = parse_day(text)
    if day:
        return Line(number, raw, text, "day", day)
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
        value = match["value"] if match["value"] is not None else match["bare"]
        return Line(
            number,
            raw,
            text,
            "lead",
            {"leads": split_leads(_tail(body.rstrip("] "), value.rstrip("] ")))},
        )
    if ACCESS_LINE_RE.match(folded_body):
        return Line(number, raw, text, "access")
    if bullet:
        deep = bullet["glyph"] in _DEEP_GLYPHS
        return Line(number, raw, text, "bullet", {"title": body, "deep": deep})
    match = PARALLEL_RE.match(folded)
    if match:
        return Line(number, raw, text, "parallel", {"rest": _tail(text, match["rest"])})
    match = THEME_RE.match(folded)
    if match:
        return Line(number, raw, text, "theme", {"value": _tail(text, match["value"])})
    if STATUS_RE.match(folded):
        return Line(number, raw, text, "status")
    return Line(number, raw, text, "text")


def _tail(original: str, folded_tail: str) -> str:
    """The end of `original` matching a tail found in its folded form, with original accents."""
    if not folded_tail:
        return ""
    # fold() keeps length for the Latin text of the genre; fall back to a search otherwise.
    if len(fold(original)) == len(original):
        return original[len(original) - len(folded_tail) :].strip()
    return folded_tail.strip()
