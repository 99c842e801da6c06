"""The lines before the first day heading: title, theme, host, place, dates, status."""

from __future__ import annotations

import re
from typing import Any

from .lexicon import HOST_RE, MONTH_RE, MONTHS, fold
from .lines import Line, artefact_message
from .places import country_timezone, is_country

_YEAR_RE = re.compile(r"\b(19\d\d|20\d\d|21\d\d)\b")
_MONTH_WORD_RE = re.compile(rf"\b({MONTH_RE})\b")
_PLACE_RE = re.compile(r"^(?P<city>[^,\d]+),\s*(?P<country>[^,\d]+)$")


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
    for index, line in enumerate(lines):
        if line.kind in ("blank",):
            continue
        claimed = True
        if index == place_index:
            city, country = _split_place(line.text)
            event["city"], event["country"] = city, country
        elif line.kind == "columns":
            pass  # a table's header row above the first day: the body reads the roles
        elif line.kind == "theme" and event["theme"] is None:
            event["theme"] = line.data["value"]
        elif line.kind == "status" and event["status_label"] is None:
            event["status_label"] = line.text
        elif event["header_dates"] is None and _is_dates(line.text):
            event["header_dates"] = line.text
            event["year"] = int(_YEAR_RE.search(line.text)[1])
        elif (
            event["host"] is None
            and line.kind == "text"
            # The host is named like one, or is the line right above "City, Country".
            and (HOST_RE.match(fold(line.text)) or place_index == index + 1)
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
    if event["year"] is None:
        # No dated line: a year anywhere in the header (e.g. "RCM 2021") still dates the days.
        found = next(
            (_YEAR_RE.search(line.text) for line in lines if _YEAR_RE.search(line.text)), None
        )
        event["year"] = int(found[1]) if found else None
    return event, warnings


def _above(index: int, place_index: int | None) -> bool:
    return place_index is None or index < place_index


def _is_dates(text: str) -> bool:
    return bool(_YEAR_RE.search(text) and _MONTH_WORD_RE.search(fold(text)))


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
        match = _PLACE_RE.match(line.text)
        if (match and is_country(match["country"])) or is_country(line.text):
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


def timezone_for(event: dict[str, Any]) -> str | None:
    return country_timezone(event["country"], event["city"])
