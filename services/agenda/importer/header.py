"""The lines before the first day heading: title, theme, host, place, dates, status."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .lexicon import HOST_RE, MEETING_NAME_RE, MONTH_RE, MONTHS, fold
from .lines import Line, artefact_message
from .places import country_timezone, is_country

_YEAR_RE = re.compile(r"\b(19\d\d|20\d\d|21\d\d)\b")
_MONTH_WORD_RE = re.compile(rf"\b({MONTH_RE})\b")
_PLACE_RE = re.compile(r"^(?P<city>[^,\d]+),\s*(?P<country>[^,\d]+)$")
# "San José, Costa Rica, 3 y 4 de octubre": the place and the dates on one line.
_PLACE_DATES_RE = re.compile(
    r"^(?P<place>[^,\d]+,\s*[^,\d]+?)\s*[,\-\u2013\u2014]\s*(?P<dates>\d.*)$"
)
# The day a header's dates start on: "20-22 June", "del 4 al 7 de noviembre", "June 19-21".
_START_DAY_RE = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:[^\d]{{0,12}}\d{{1,2}})?\s+(?:de\s+|of\s+)?({MONTH_RE})\b"
    rf"|\b({MONTH_RE})\.?\s+(?P<d2>\d{{1,2}})\b(?!\d)"
)


def parse_header(lines: list[Line]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Event fields from the header lines, and warnings for header lines nobody claims."""
    event: dict[str, Any] = {
        "title": None,
        "subtitle": None,
        "theme": None,
        "host": None,
        "city": None,
        "country": None,
        "header_dates": None,
        "status_label": None,
        "year": None,
        "source_lines": [],
    }
    warnings: list[dict[str, Any]] = []
    place_index = _find_place(lines)
    # Dates with a day ("21 y 22 de junio") win over a month and year ("junio 2018").
    index_dated = any(
        _START_DAY_RE.search(fold(line.text)) for line in lines if line.kind == "text"
    )
    for index, line in enumerate(lines):
        if line.kind in ("blank",):
            continue
        claimed = True
        if index == place_index:
            place, dates = _place_and_dates(line.text)
            event["city"], event["country"] = _split_place(place)
            if dates and event["header_dates"] is None and _is_dates(dates, index_dated):
                event["header_dates"] = dates
        elif line.kind == "columns":
            pass  # a table's header row above the first day: the body reads the roles
        elif line.kind == "theme" and event["theme"] is None:
            event["theme"] = line.data["value"]
        elif line.kind == "status" and event["status_label"] is None:
            event["status_label"] = line.text
        elif event["header_dates"] is None and _is_dates(line.text, index_dated):
            event["header_dates"] = line.text
            name = _meeting_before_dates(line.text)
            if name and event["title"] is not None and event["subtitle"] is None:
                event["subtitle"] = name  # "XXIII Vice-Ministerial Meeting, June 2018"
        elif (
            event["host"] is None
            and line.kind == "text"
            # The host is named like one, or is the line right above "City, Country".
            and (
                HOST_RE.match(fold(line.text))
                or (place_index == index + 1 and not MEETING_NAME_RE.match(fold(line.text)))
            )
            and event["title"] is not None
        ):
            event["host"] = line.text
        elif line.kind == "text" and event["title"] is None:
            event["title"] = line.text
        elif line.kind == "text" and event["subtitle"] is None and _above(index, place_index):
            # Below the place and dates, "(Version of 14 March)" is no subtitle.
            event["subtitle"] = line.text
        else:
            claimed = False
            message = (
                artefact_message(line)
                if line.kind == "artefact"
                else "text before the first day that is not part of the header; ignored"
            )
            warnings.append({"line": line.number, "text": line.raw.strip(), "message": message})
        if claimed:
            event["source_lines"].append(line.number)
    if event["header_dates"] and _YEAR_RE.search(event["header_dates"]):
        event["year"] = int(_YEAR_RE.search(event["header_dates"])[1])
    if event["year"] is None:
        # No dated line: a year anywhere in the header (e.g. "RCM 2021") still dates the days.
        found = next(
            (_YEAR_RE.search(line.text) for line in lines if _YEAR_RE.search(line.text)), None
        )
        event["year"] = int(found[1]) if found else None
    return event, warnings


def _above(index: int, place_index: int | None) -> bool:
    return place_index is None or index < place_index


def _is_dates(text: str, need_day: bool = False) -> bool:
    """A month with a year or a day: "20-22 June, 2017", "21 y 22 de junio", "June 2018"."""
    folded = fold(text)
    if not _MONTH_WORD_RE.search(folded):
        return False
    if need_day:
        return bool(_START_DAY_RE.search(folded))
    return bool(_YEAR_RE.search(text) or _START_DAY_RE.search(folded))


def _meeting_before_dates(text: str) -> str | None:
    """ "XXIII Vice-Ministerial Meeting" of "XXIII Vice-Ministerial Meeting, June 2018"."""
    head, _, tail = text.rpartition(",")
    if (
        head
        and len(head.split()) >= 2
        and _is_dates(tail)
        and not _MONTH_WORD_RE.search(fold(head))
    ):
        return head.strip()
    return None


def _place_and_dates(text: str) -> tuple[str, str | None]:
    match = _PLACE_DATES_RE.match(text)
    if match and _is_dates(match["dates"]):
        return match["place"], match["dates"]
    return text, None


def _split_place(text: str) -> tuple[str | None, str | None]:
    match = _PLACE_RE.match(text)
    if match:
        return match["city"].strip(), match["country"].strip().rstrip(".")
    return None, text.strip().rstrip(".")


def _find_place(lines: list[Line]) -> int | None:
    """Index of the 'City, Country' line: a known country wins, else the line above the dates."""
    for index, line in enumerate(lines):
        if line.kind != "text":
            continue
        place, _ = _place_and_dates(line.text)
        match = _PLACE_RE.match(place)
        if (match and is_country(match["country"])) or is_country(place):
            return index
    for index, line in enumerate(lines):
        if line.kind == "text" and _is_dates(line.text):
            above = [i for i in range(index) if lines[i].kind != "blank"]
            if above and lines[above[-1]].kind == "text" and _PLACE_RE.match(lines[above[-1]].text):
                return above[-1]
            break
    return None


def first_month(header_dates: str | None) -> int | None:
    """The month a header such as "del 4 al 7 de noviembre de 2019" starts in."""
    match = _MONTH_WORD_RE.search(fold(header_dates or ""))
    return MONTHS[match[1]] if match else None


def first_date(header_dates: str | None, year: int) -> date | None:
    """The first day of the header's dates ("20-22 June, 2017" -> 20 June), if it names one."""
    match = _START_DAY_RE.search(fold(header_dates or ""))
    if match is None:
        return None
    day, month = (match["d"], match[2]) if match["d"] else (match["d2"], match[3])
    try:
        return date(year, MONTHS[month], int(day))
    except ValueError:
        return None


def timezone_for(event: dict[str, Any]) -> str | None:
    return country_timezone(event["country"], event["city"])
