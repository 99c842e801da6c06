"""Shape the published agenda for the pages: days, time slots side by side, what changed."""

from __future__ import annotations

from itertools import groupby

import redis

from services.agenda import operations as ops
from services.agenda import publishing
from shared import keys as shared_keys
from shared.errors import Problem

PART_ORDER = {"all_day": "00:00", "morning": "00:01", "afternoon": "12:59"}


def slot_key(session: dict) -> str:
    """Sessions with the same key run at the same time and are shown side by side."""
    return session.get("start") or PART_ORDER.get(session.get("part_of_day") or "", "")


def days(sessions: list[dict]) -> list[dict]:
    """[{day, slots: [{start, end, part_of_day, sessions: [...]}]}] in time order."""
    out = []
    ordered = sorted(sessions, key=ops.sort_key)
    for day, in_day in groupby(ordered, key=lambda s: str(s["day"])):
        slots = []
        for _key, group in groupby(list(in_day), key=slot_key):
            members = list(group)
            first = members[0]
            slots.append({"start": first.get("start"),
                          "end": max((m.get("end") or "") for m in members) or None,
                          "part_of_day": first.get("part_of_day"), "sessions": members})
        out.append({"day": day, "slots": slots})
    return out


def changes_since(r: redis.Redis, eid: str, since: int) -> tuple[dict[str, list[str]], list[dict]]:
    """Labels per session changed after version ``since``, and the sessions removed since."""
    changed: dict[str, list[str]] = {}
    removed: dict[str, dict] = {}
    for version in publishing.list_versions(r, eid):
        if version["version"] <= since:
            continue
        for change in version["changes"]:
            sid = change["session"]
            if change["labels"] == ["removed"]:
                removed[sid] = change
                changed.pop(sid, None)
                continue
            removed.pop(sid, None)
            labels = changed.setdefault(sid, [])
            labels.extend(label for label in change["labels"] if label not in labels)
    return changed, list(removed.values())


def meetings(r: redis.Redis, limit: int = 200) -> list[dict]:
    """Meetings that exist in the agenda, with their published version (0: none yet)."""
    found = []
    for eid in sorted(r.smembers(shared_keys.meetings()))[:limit]:
        try:
            event = ops.get_event(r, eid)
        except Problem:
            continue
        found.append({**event, "version": publishing.current_version(r, eid)})
    return sorted(found, key=lambda e: (e["first_day"], e["id"]), reverse=True)
