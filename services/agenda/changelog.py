"""What changed between two versions of an agenda, per session."""

from __future__ import annotations

from typing import Any

# Fields whose change moves the event in a delegate's calendar (SEQUENCE goes up).
CALENDAR_FIELDS = ("day", "start", "end", "part_of_day", "title", "room", "status")
# label -> fields that produce it
_LABELS = (
    ("moved_time", ("day", "start", "end", "part_of_day")),
    ("moved_room", ("room",)),
    ("renamed", ("title",)),
    ("access_changed", ("access", "accreditation")),
    ("capacity_changed", ("capacity",)),
    ("details_changed", ("leads", "items", "notes", "kind", "meeting", "parallel_group",
                         "requires_signup")),
)


def diff(before: dict[str, dict], after: dict[str, dict]) -> list[dict[str, Any]]:
    """List the changes from one {id: session} mapping to another, in a stable order."""
    changes: list[dict[str, Any]] = []
    for sid in sorted(before.keys() | after.keys(), key=lambda s: _order(before, after, s)):
        old, new = before.get(sid), after.get(sid)
        if old is None:
            changes.append({"session": sid, "labels": ["added"], "title": new["title"],
                            "fields": {}})
            continue
        if new is None:
            changes.append({"session": sid, "labels": ["removed"], "title": old["title"],
                            "fields": {}})
            continue
        changed = {f: [old.get(f), new.get(f)] for f in _all_fields(old, new)
                   if old.get(f) != new.get(f)}
        if not changed:
            continue
        labels = [label for label, names in _LABELS if any(n in changed for n in names)]
        if "status" in changed:
            labels.insert(0, "cancelled" if new.get("status") == "cancelled" else "reinstated"
                          if old.get("status") == "cancelled" else "status_changed")
        changes.append({"session": sid, "labels": labels, "title": new["title"],
                        "fields": changed})
    return changes


def calendar_changed(change: dict[str, Any]) -> bool:
    return any(f in change["fields"] for f in CALENDAR_FIELDS) or change["labels"] == ["removed"]


def _all_fields(old: dict, new: dict) -> list[str]:
    ignore = {"sequence", "etag", "starts_at", "ends_at", "room_name"}
    return [f for f in dict.fromkeys([*old, *new]) if f not in ignore]


def _order(before: dict, after: dict, sid: str) -> tuple:
    s = after.get(sid) or before.get(sid) or {}
    return (str(s.get("day", "")), s.get("start") or "", sid)
