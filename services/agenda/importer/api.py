"""parse_agenda: the importer's entry point."""

from __future__ import annotations

import re
from typing import Any

from .build import build_sessions, settle_shared_lines
from .errors import AgendaImportError
from .footnotes import mark_footnotes
from .header import first_date, first_month, parse_header, timezone_for
from .lexicon import ENGLISH_MARKERS, SPANISH_MARKERS, fold
from .lines import classify, split_lines
from .parser import BodyParser

_WORD_RE = re.compile(r"[a-z]+")


def parse_agenda(text: str | bytes, *, default_year: int | None = None) -> dict[str, Any]:
    """Read an agenda exported from Word as text into event, rooms, sessions, warnings."""
    text = _as_text(text)
    raw_lines = split_lines(text)
    if raw_lines and raw_lines[-1] == "" and len(raw_lines) > 1:
        raw_lines.pop()  # a final newline ends the last line, it does not start a new one
    lines = [classify(number, raw) for number, raw in enumerate(raw_lines, start=1)]
    first_day = next((i for i, line in enumerate(lines) if line.kind == "day"), None)
    if first_day is None:
        raise AgendaImportError("no_days", "No day heading such as 'MONDAY, 19 JUNE' was found.")
    event, warnings = parse_header(lines[:first_day])
    year = event.pop("year") or lines[first_day].data["year"] or default_year
    if year is None:
        raise AgendaImportError(
            "no_year", "The header gives no year (e.g. '20-22 June, 2017'); pass default_year."
        )
    if not 1 <= year <= 9998:
        raise AgendaImportError("no_year", f"The year {year} is not a usable calendar year.")
    known = [event["subtitle"]] if event["subtitle"] else []
    dates = event["header_dates"]
    body = BodyParser(lines, first_day, year, known, first_month(dates), first_date(dates, year))
    body.footnote_marks = mark_footnotes(lines, first_day)
    body.run()
    event_lines = event["source_lines"] + body.event_lines
    raw = {line.number: line.raw.strip() for line in lines}
    warnings += body.warnings + settle_shared_lines(body.shared, event_lines, raw)
    sessions = build_sessions(body.drafts)
    days = sorted({session["day"] for session in sessions})
    zone = timezone_for(event)
    if zone is None:
        zone = "UTC"
        place_line = next(iter(event["source_lines"]), 1)
        warnings.append(
            {
                "line": place_line,
                "text": raw.get(place_line, ""),
                "message": f"unknown host country {event['country']!r}; times are read as UTC",
            }
        )
    event.update(
        title=event["title"] or "",
        timezone=zone,
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        languages=[_language(text)],
        source_lines=sorted(event_lines),
    )
    warnings.sort(key=lambda warning: warning["line"])
    return {
        "event": event,
        "rooms": list(body.rooms),
        "sessions": sessions,
        "warnings": warnings,
        "stats": {
            "lines": len(raw_lines),
            "non_empty_lines": sum(1 for raw_line in raw_lines if raw_line.strip()),
            "days": len(days),
            "sessions": len(sessions),
        },
    }


def _as_text(text: str | bytes) -> str:
    if isinstance(text, bytes):
        if b"\x00" in text:
            raise AgendaImportError("not_text", "The file is binary, not a text export.")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = text.decode("cp1252", errors="replace")  # Word's "Plain text" on Windows
    if not text.strip():
        raise AgendaImportError("empty_document", "The document is empty.")
    if "\x00" in text:
        raise AgendaImportError("not_text", "The file is binary, not a text export.")
    controls = sum(1 for c in text if not c.isprintable() and c not in "\t\n\r\x0b\x0c")
    if controls * 10 > len(text):
        raise AgendaImportError("not_text", "The file is mostly unprintable: not a text export.")
    return text


def _language(text: str) -> str:
    words = _WORD_RE.findall(fold(text))
    spanish = sum(1 for word in words if word in SPANISH_MARKERS)
    english = sum(1 for word in words if word in ENGLISH_MARKERS)
    return "es" if spanish > english else "en"
