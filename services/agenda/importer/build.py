"""From drafts to the documented output: kinds, keys, order, line ownership."""

from __future__ import annotations

from typing import Any

from .drafts import Draft
from .lexicon import (
    BREAK_RE,
    CEREMONY_RE,
    DEPARTURE_RE,
    MEAL_RE,
    MEETING_RE,
    WORKSHOP_RE,
    fold,
)
from .text import cut_slug, slugify

# Untimed sessions sort around timed ones: a whole day first, the morning from the start
# of the day, the afternoon from 14:00 (after lunch, which the genre puts at 12:30-14:00).
_PART_MINUTES = {"all_day": -1, "morning": 0, "afternoon": 14 * 60}
KEY_LIMIT = 50  # "2017-06-21-1400-opening-remarks-by-the-presidency" fits exactly


def _minutes(draft: Draft) -> int:
    if draft.start:
        hours, minutes = draft.start.split(":")
        return int(hours) * 60 + int(minutes)
    if draft.position is not None:
        return draft.position
    return _PART_MINUTES[draft.part or "all_day"]


def kind_of(draft: Draft) -> str:
    title = fold(draft.title or "").lstrip("\"'\u201c\u2018 ")
    if DEPARTURE_RE.match(title):
        return "departure"
    if MEAL_RE.match(title):
        return "meal"
    if BREAK_RE.match(title):
        return "break"
    if CEREMONY_RE.match(title):
        return "ceremony"
    if WORKSHOP_RE.match(title):
        return "workshop"
    if draft.start and draft.meeting and not draft.parallel_group:
        return "plenary_item"  # a timed point of a meeting's agenda
    if MEETING_RE.match(title) or draft.parallel_group or not draft.start:
        return "meeting"
    return "plenary_item"


def _slot(draft: Draft) -> str:
    if draft.start:
        return draft.start.replace(":", "")
    return (draft.part or "all_day").replace("_", "-")


def build_sessions(drafts: list[Draft]) -> list[dict[str, Any]]:
    ordered = sorted(drafts, key=lambda d: (d.day, _minutes(d), d.order))
    next_suffix: dict[str, int] = {}
    seen: set[str] = set()
    sessions = []
    for draft in ordered:
        title_slug = slugify(draft.title or "", 200)
        base = cut_slug(f"{draft.day.isoformat()}-{_slot(draft)}-{title_slug}", KEY_LIMIT)
        suffix = next_suffix.get(base, 1)
        key = base if suffix == 1 else f"{base}-{suffix}"
        while key in seen:  # "x-2" may already be the plain key of another title
            suffix += 1
            key = f"{base}-{suffix}"
        next_suffix[base] = suffix + 1
        seen.add(key)
        restricted = draft.access == "accredited"
        sessions.append(
            {
                "key": key,
                "day": draft.day.isoformat(),
                "start": draft.start,
                "end": draft.end,
                "part_of_day": None if draft.start else (draft.part or "all_day"),
                "title": draft.title,
                "kind": kind_of(draft),
                "meeting": draft.meeting,
                "room": draft.room,
                "leads": draft.leads,
                "items": draft.items,
                "notes": draft.notes,
                "access": draft.access,
                # Same title, same accreditation: Monday's and Tuesday's workshop share it.
                "accreditation": (draft.audience or slugify(draft.title or "", 60))
                if restricted
                else None,
                "parallel_group": draft.parallel_group,
                "source_lines": sorted(draft.lines),
            }
        )
    return sessions


def settle_shared_lines(
    shared: list[tuple[int, list[Draft]]], event_lines: list[int], raw: dict[int, str]
) -> list[dict[str, Any]]:
    """Give each shared line to the one session it shapes, or to the event; warn if none."""
    warnings = []
    for number, owners in shared:
        kept = [draft for draft in owners if draft.kept]
        if len(kept) == 1:
            kept[0].lines.append(number)
        elif kept:
            event_lines.append(number)
        else:
            warnings.append(
                {"line": number, "text": raw[number], "message": "applies to no session; ignored"}
            )
    return warnings
