"""The published agenda as bytes: JSON by day, iCalendar, frab XML and JSON.

A published version never changes, so each rendering is computed once per process and kept
in memory keyed by the version's stamp (number + publication time) and the filters. Which
version is current is itself remembered (:mod:`services.agenda.stamps`), so a read is a
dictionary lookup, and a conditional read that hits the ETag never touches the body at all.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import redis

from services.agenda import frab, keys, publishing, stamps
from services.agenda import operations as ops
from shared import calendar

CACHE_SIZE = 256  # renderings kept per process (a few meetings x formats x filter sets)


@dataclass(frozen=True)
class Rendering:
    etag: str  # quoted, ready for the header
    body: bytes
    mimetype: str


_cache: OrderedDict[tuple, Rendering] = OrderedDict()
_lock = threading.Lock()


def stamp(r: redis.Redis, eid: str) -> str:
    """The current published version's stamp; 404 when nothing is published."""
    return stamps.memory(r).get(eid, lambda: _read_stamp(r, eid))


def _read_stamp(r: redis.Redis, eid: str) -> str:
    value = r.get(keys.published_stamp(eid))
    if value is None:
        version = publishing.get_version(r, eid)  # raises 404 (or gives a pre-stamp version)
        value = publishing.version_stamp(version)
    return value


def cached(eid: str, stamp_: str, fmt: str) -> Rendering | None:
    """An unfiltered rendering already in memory, or None (nothing is computed here)."""
    key = (eid, stamp_, fmt, ())
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
        return hit


def etag(stamp_: str, fmt: str, filters: tuple = ()) -> str:
    suffix = f"-{ops.etag_of(filters)[:8]}" if filters else ""
    return f'"{stamp_}-{fmt}{suffix}"'


def render(r: redis.Redis, eid: str, stamp_: str, fmt: str, filters: tuple = (),
           base_url: str = "") -> Rendering:
    """The bytes of one format of the version named by ``stamp_`` (cached). ``base_url``
    (the agenda's public URL, the same for every call of a process) makes the links to each
    session's page."""
    key = (eid, stamp_, fmt, filters)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    number = int(stamp_.split(".", 1)[0])
    version = publishing.get_version(r, eid, number)
    if publishing.version_stamp(version) != stamp_:
        # Published again between the stamp read and now: serve what we read, tagged right.
        stamp_ = publishing.version_stamp(version)
    builder, mimetype = RENDERERS[fmt]
    found = Rendering(etag(stamp_, fmt, filters), builder(version, dict(filters), base_url),
                      mimetype)
    with _lock:
        _cache[(eid, stamp_, fmt, filters)] = found
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return found


# -- renderers ---------------------------------------------------------------------------

def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def matches(session: dict, filters: dict) -> bool:
    if "day" in filters and session["day"] != filters["day"]:
        return False
    if "room" in filters and session.get("room") != filters["room"]:
        return False
    if "kind" in filters and session.get("kind") != filters["kind"]:
        return False
    return not ("meeting" in filters and filters["meeting"].lower() not in (
        session.get("meeting") or "").lower())


def agenda_json(version: dict, filters: dict, _base_url: str) -> bytes:
    days: dict[str, list] = {}
    for s in version["sessions"]:
        if matches(s, filters):
            days.setdefault(s["day"], []).append(s)
    return _json({"event": version["event"], "version": version["version"],
                  "published_at": version["published_at"], "rooms": version["rooms"],
                  "days": [{"day": d, "sessions": ss} for d, ss in days.items()]})


def agenda_ics(version: dict, _filters: dict, _base_url: str) -> bytes:
    published = datetime.fromisoformat(version["published_at"].replace("Z", "+00:00"))
    sessions = version["sessions"] + version.get("tombstones", [])
    return calendar.calendar(version["event"], sessions, stamp=published).to_ical()


def schedule_xml(version: dict, _filters: dict, base_url: str) -> bytes:
    return frab.to_xml(version, base_url)


def schedule_json(version: dict, _filters: dict, base_url: str) -> bytes:
    return _json(frab.to_json(version, base_url))


RENDERERS: dict[str, tuple[Callable[[dict, dict, str], bytes], str]] = {
    "agenda": (agenda_json, "application/json"),
    "ics": (agenda_ics, "text/calendar"),
    "xml": (schedule_xml, "application/xml"),
    "frab-json": (schedule_json, "application/json"),
}
