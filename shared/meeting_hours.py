"""A meeting's working hours: what "During the morning", "During the afternoon" and "All day"
mean on the clock, and how long before a session its door opens.

Each meeting may set its own (``morning``, ``afternoon``, ``door_opens_minutes`` in its
description); these are the values it has when it does not. Every service reads them from
here (the agenda's schema and import, its calendar times, registration's door checks and
offline bundles), so no copy of them can drift.
"""

from __future__ import annotations

MORNING = "09:00-13:00"
AFTERNOON = "14:00-18:00"
DOOR_OPENS_MINUTES = 30

DEFAULTS = {"morning": MORNING, "afternoon": AFTERNOON, "door_opens_minutes": DOOR_OPENS_MINUTES}
PARTS = ("all_day", "morning", "afternoon")


def with_defaults(event: dict) -> dict:
    """The meeting's description with every hour it leaves out (or leaves empty) filled in."""
    return {**event, **{k: v for k, v in DEFAULTS.items() if event.get(k) in (None, "")}}


def part_hours(event: dict, part: str) -> tuple[str, str]:
    """("HH:MM", "HH:MM") of a part of the day; all day runs from morning to afternoon's end.

    Raises KeyError for a part that is not one of :data:`PARTS`."""
    morning = (event.get("morning") or MORNING).split("-")
    afternoon = (event.get("afternoon") or AFTERNOON).split("-")
    start, end = {"morning": morning, "afternoon": afternoon,
                  "all_day": [morning[0], afternoon[1]]}[part]
    return start, end


def door_opens_minutes(event: dict) -> int:
    value = event.get("door_opens_minutes")
    return DOOR_OPENS_MINUTES if value in (None, "") else int(value)
