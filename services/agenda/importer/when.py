"""Day headings and clock times as the genre writes them, in English and Spanish.

Days: "MONDAY, 19 JUNE", "Day 1 – Monday, 19 June", "DÍA 2: MARTES 20 DE JUNIO",
"June 21st", and "Miércoles 21" (no month: the parser takes it from the day before).
Times: "14:00 – 14:15", "9.00-9.30", "09h00 - 10h30", "9:00 a.m. – 10:30 a.m.",
"2:00 pm-3:30 pm", "de 9:00 a 10:30", "14:00 hrs.", "10:45 a 12:00 m." (m. = noon),
a start alone ("15:00"), each optionally followed by the title on the same line.
"""

from __future__ import annotations

import re
from typing import Any

from .lexicon import MONTH_RE, MONTHS, ORDINAL_DAYS, PART_OF_DAY, WEEKDAY_RE, WEEKDAYS, fold

_ORD = r"(?:st|nd|rd|th|\u00ba|\u00b0|ro|er|o)?"
_YEAR = r"(?:,?\s*(?:de\s+|del\s+|of\s+)?(?P<year>\d{4}))?"
_WD_AFTER = rf"\s*(?:,\s*|\(\s*|[\-\u2013\u2014]\s*)(?P<wd>{WEEKDAY_RE})\.?\s*\)?"
_DAY_PREFIX = r"^(?:(?:day|dia)\s+\d{1,2}\s*[:,.\-\u2013\u2014]?\s*)?"
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
    # Miércoles 21 / Thursday 22nd: the month is the previous day's (the parser decides)
    rf"(?P<wd>{WEEKDAY_RE})\.?,?\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}",
    # 19 June (Tuesday) / 19 de junio, martes / June 19 (Tue.) 2018: the weekday after
    rf"(?P<d>\d{{1,2}}){_ORD}\s+(?:de\s+|of\s+)?(?P<m>{MONTH_RE})\.?{_YEAR}{_WD_AFTER}",
    rf"(?P<m>{MONTH_RE})\.?\s+(?P<d>\d{{1,2}}){_ORD}{_YEAR}{_WD_AFTER}",
)
# "Day 2" / "DÍA 2" / "Second day" alone: the date comes from the header or the day before.
_ORDINALS = "|".join(ORDINAL_DAYS)
_INDEX_RE = re.compile(
    rf"^(?:(?:day|dia|jornada)\s+(?P<n>\d{{1,2}})|(?P<word>{_ORDINALS})\s+(?:day|dia|jornada)"
    rf"|(?:day|dia|jornada)\s+(?P<tail>{_ORDINALS}))\s*[:.]?$"
)
_DAY_RES = tuple(re.compile(_DAY_PREFIX + form + r"\s*[:.]?$") for form in _DAY_FORMS)
_PARTS = "|".join(sorted(map(re.escape, PART_OF_DAY), key=len, reverse=True))
_DAY_TAIL_RE = re.compile(
    rf"\s*(?:[,\-\u2013\u2014:]\s*|\()\s*(?:(?P<part>{_PARTS})|continued|cont\.|continuacion)"
    r"\s*\)?\s*$"
)

# Suffixes: a.m./p.m., "hrs."/"horas"/"h", and the Latin American "m." (meridiano: noon).
_SUFFIX = r"[ap]\.?\s?m\b\.?|hrs?\b\.?|horas?\b|hs\b\.?|h\b|m\b\.?|noon\b|mediod[i\u00ed]a\b"
_CLOCK = (
    r"(?P<{0}h>\d{{1,2}})(?:(?P<{0}sep>[:.hH])(?P<{0}m>\d{{2}}))?"
    r"(?:\s*(?P<{0}x>" + _SUFFIX + r"))?"
)
_FROM = r"^(?:(?:de|desde|from|between)\s+(?:las?\s+)?)?"
_DASH = r"\s*(?:[-\u2010\u2011\u2012\u2013\u2014\u2212]+|to|a|al|hasta|and|y)\s*(?:las?\s+)?"
_REST = r"(?:\s*[:|\-\u2013\u2014]?\s+(?P<rest>\S.*))?$"
_RANGE_RE = re.compile(_FROM + _CLOCK.format("s") + _DASH + _CLOCK.format("e") + _REST, re.I)
_START_RE = re.compile(_FROM + _CLOCK.format("s") + _REST, re.I)


def parse_day(text: str) -> dict[str, Any] | None:
    folded = fold(text).strip(" *_")
    part = None
    tail = _DAY_TAIL_RE.search(folded)
    if tail:  # "Tuesday 20 June – Morning", "Miércoles 21 (continuación)"
        part = PART_OF_DAY.get(tail["part"] or "")
        folded = folded[: tail.start()]
    # A bilingual heading names the day twice: "MONDAY 19 JUNE / LUNES 19 DE JUNIO".
    index = _INDEX_RE.match(folded.strip())
    if index:  # "Day 2": no date at all
        number = int(index["n"]) if index["n"] else ORDINAL_DAYS[index["word"] or index["tail"]]
        return {
            "day": None,
            "month": None,
            "year": None,
            "weekday": None,
            "index": number,
            "part": part,
        }
    halves = [_one_day(half.strip()) for half in folded.split(" / ")]
    if not halves or None in halves or any(half != halves[0] for half in halves[1:]):
        return None
    return {**halves[0], "part": part}


def _one_day(folded: str) -> dict[str, Any] | None:
    for pattern in _DAY_RES:
        match = pattern.match(folded)
        if match:
            groups = match.groupdict()
            return {
                "day": int(groups["d"]),
                "month": MONTHS[groups["m"]] if groups.get("m") else None,
                "year": int(groups["year"]) if groups.get("year") else None,
                "weekday": WEEKDAYS[groups["wd"]] if groups.get("wd") else None,
                "index": None,
            }
    return None


def _suffix(match: re.Match[str], prefix: str) -> str:
    suffix = fold(match[prefix + "x"] or "").replace(".", "").replace(" ", "")
    return "m" if suffix in ("noon", "mediodia") else suffix


def _minutes(match: re.Match[str], prefix: str, suffix: str) -> int | None:
    """Minutes after midnight of one clock, or None when it is not a time."""
    hour, minute = int(match[prefix + "h"]), int(match[prefix + "m"] or 0)
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return None
    if suffix in ("am", "pm", "m"):
        if not 1 <= hour <= 12 or (suffix == "m" and hour != 12):
            return None  # "13:00 pm" or "10:00 m." is not a time the genre writes
        hour = hour % 12 + (12 if suffix in ("pm", "m") else 0)
    return hour * 60 + minute


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}" if minutes < 24 * 60 else "24:00"


def _bare(match: re.Match[str], prefix: str) -> bool:
    """A clock written without minutes, e.g. the "9" of "9 a.m.": it needs a suffix."""
    return match[prefix + "m"] is None


def parse_time(text: str) -> dict[str, Any] | None:
    match = _RANGE_RE.match(text)
    if match:
        found = _range(match)
        if found:
            return found
    match = _START_RE.match(text)
    # A start time alone needs a colon, an "h", a suffix, or a quarter hour after a dot:
    # "19.30 Dinner" is a time, "2.10 Review" is a numbered item.
    if match and (match["ssep"] in (":", "h", "H") or match["sx"] or _quarter(match)):
        if _bare(match, "s") and not match["sx"]:
            return None
        start = _minutes(match, "s", _suffix(match, "s"))
        if start is not None and start < 24 * 60:
            twelve = not match["sx"] and _twelve_hour(match, "s")
            return {
                "start": _hhmm(start),
                "end": None,
                "rest": match["rest"] or "",
                "ambiguous": twelve,
            }
    return None


def _quarter(match: re.Match[str]) -> bool:
    return match["ssep"] == "." and int(match["sm"]) % 15 == 0


def _twelve_hour(match: re.Match[str], prefix: str) -> bool:
    """ "2.00" (not "02.00" or "14.00") may mean 2 p.m. in a document without a.m./p.m."""
    return 1 <= int(match[prefix + "h"]) <= 11 and not match[prefix + "h"].startswith("0")


def _range(match: re.Match[str]) -> dict[str, Any] | None:
    start_x, end_x = _suffix(match, "s"), _suffix(match, "e")
    if (_bare(match, "s") or _bare(match, "e")) and not (start_x or end_x):
        return None  # "1 - 2 Something" is a numbered list, not a time
    if _bare(match, "e") and not end_x:
        return None
    end = _minutes(match, "e", end_x)
    if end is None:
        return None
    if not start_x and end_x in ("am", "pm", "m"):
        # "9:00 – 10:30 a.m.": the start shares the end's half of the day when that fits.
        start_x = end_x if end_x != "m" else "am"
        start = _minutes(match, "s", start_x)
        if start is None or start > end:
            start = _minutes(match, "s", "am")
    else:
        start = _minutes(match, "s", start_x)
    if start is None:
        return None
    ambiguous = not (start_x or end_x) and _twelve_hour(match, "s")
    if end < start and not (start_x or end_x) and end < 12 * 60 <= end + 12 * 60:
        end += 12 * 60  # "12.30 – 2.00": lunch ends at two in the afternoon
    if start >= 24 * 60:
        return None
    return {
        "start": _hhmm(start),
        "end": _hhmm(end),
        "rest": match["rest"] or "",
        "ambiguous": ambiguous,
    }
