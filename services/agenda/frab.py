"""The published agenda in the frab / C3VOC schedule format (schedule.xml and schedule.json),
which conference apps and recording pipelines read.

Written to validate against voc/schedule's current schemas (the XSD and the JSON schema) and
against the 2020 XSD older apps were built on (the tests check all three): frab wants every
event in a room with a start and a duration, a positive integer id, a UUID, a slug and a
URL, and every day its start and end. Part-of-day sessions take the meeting's
morning/afternoon hours (as in the ICS); ids derive from the session's stable UID.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date, datetime, timedelta
from urllib.parse import quote
from xml.etree import ElementTree as ET

from services.agenda import timing
from services.agenda.schemas import slugify
from shared.calendar import uid

GENERATOR = "podium"
NO_ROOM = "To be announced"
_NAMESPACE = uuid.UUID("6b5d3c1e-7a0f-4c55-9a55-5f1b7f9d2c10")  # fixed: guids must not move
# The JSON schema's own pattern for time_zone_name (as it is written: either alternative).
_ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
# Characters XML 1.0 cannot carry at all (controls, U+FFFE/U+FFFF, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def acronym(event_id: str) -> str:
    """The meeting id as the schemas' acronym: 4+ of a-z, 0-9 and _ (rcm-2017: rcm_2017)."""
    return slugify(event_id, 60).replace("-", "_").ljust(4, "_")


def _slug(event_id: str, number: int, session_id: str) -> str:
    """C3VOC's acronym-id-name: unique by the numeric id, ending in a letter or digit."""
    name = re.sub(r"[^a-z0-9_-]+", "-", session_id.lower()).strip("-_")
    return f"{acronym(event_id)}-{number:04d}" + (f"-{name}" if name else "")


def guid(event_id: str, session_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, uid(event_id, session_id)))


def _numeric_ids(event_id: str, sessions: list[dict]) -> dict[str, int]:
    """Stable positive integers per session; a rare hash collision probes to the next free."""
    taken: dict[int, str] = {}
    out: dict[str, int] = {}
    for s in sorted(sessions, key=lambda x: x["id"]):
        n = int(hashlib.sha1(uid(event_id, s["id"]).encode()).hexdigest()[:7], 16) + 1
        while n in taken:
            n += 1
        taken[n] = s["id"]
        out[s["id"]] = n
    return out


def _duration(s: dict) -> str:
    minutes = int((datetime.fromisoformat(s["ends_at"]) - datetime.fromisoformat(
        s["starts_at"])).total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _events(version: dict, base_url: str) -> list[dict]:
    """One frab event per published session (removed sessions are not in a schedule)."""
    event = version["event"]
    sessions = version["sessions"]
    ids = _numeric_ids(event["id"], sessions)
    page = f"{base_url.rstrip('/')}/events/{quote(event['id'], safe='')}"
    out = []
    for s in sessions:
        start = datetime.fromisoformat(s["starts_at"])
        notes = [*s.get("notes", []), *(_item_lines(s.get("items", [])))]
        if s.get("part_of_day"):
            notes.insert(0, f"Scheduled: {s['part_of_day'].replace('_', ' ')}.")
        out.append({
            "id": ids[s["id"]], "guid": guid(event["id"], s["id"]), "session": s["id"],
            "day": s["day"], "date": start.isoformat(), "start": start.strftime("%H:%M"),
            "end": s["ends_at"], "duration": _duration(s),
            "room": s.get("room_name") or NO_ROOM,
            "slug": _slug(event["id"], ids[s["id"]], s["id"]), "title": s["title"],
            "url": f"{page}#s-{quote(s['id'], safe='')}",
            "subtitle": "Cancelled" if s.get("status") == "cancelled" else "",
            "track": s.get("meeting") or "", "type": s.get("kind") or "",
            "language": (event.get("languages") or ["en"])[0],
            "abstract": "Only open to accredited participants."
            if s.get("access") == "accredited" else "",
            "description": "\n".join(notes), "persons": list(s.get("leads", [])),
        })
    return out


def _item_lines(items: list[dict], depth: int = 0) -> list[str]:
    lines = []
    for item in items:
        leads = f" [{', '.join(item['leads'])}]" if item.get("leads") else ""
        lines.append("  " * depth + "- " + item["title"] + leads)
        lines += _item_lines(item.get("items", []), depth + 1)
    return lines


def _days(version: dict, base_url: str) -> list[dict]:
    """Every day of the meeting: index, date, start and end, and {room name: events}.

    A day runs over the meeting's hours, widened to its earliest and latest session."""
    event = version["event"]
    first, last = date.fromisoformat(event["first_day"]), date.fromisoformat(event["last_day"])
    by_day: dict[str, dict[str, list[dict]]] = {}
    for e in _events(version, base_url):
        by_day.setdefault(e["day"], {}).setdefault(e["room"], []).append(e)
    out = []
    for i in range((last - first).days + 1):
        day = (first + timedelta(days=i)).isoformat()
        rooms = by_day.get(day, {})
        opens, closes = timing.day_bounds(day, event)
        events = [e for es in rooms.values() for e in es]
        start = min([opens, *(datetime.fromisoformat(e["date"]) for e in events)])
        end = max([closes, *(datetime.fromisoformat(e["end"]) for e in events)])
        out.append({"index": i + 1, "date": day, "start": start.isoformat(),
                    "end": end.isoformat(), "rooms": rooms})
    return out


def _conference(version: dict) -> dict:
    event = version["event"]
    return {"title": event.get("title") or event["id"], "acronym": acronym(event["id"]),
            "start": event["first_day"], "end": event["last_day"],
            "days": (date.fromisoformat(event["last_day"])
                     - date.fromisoformat(event["first_day"])).days + 1,
            "timeslot_duration": "00:15", "time_zone_name": event["timezone"]}


def _xml_text(value: object) -> str:
    return _NOT_XML.sub("\ufffd", str(value))


def to_xml(version: dict, base_url: str) -> bytes:
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, version="1")
    ET.SubElement(root, "version").text = f"v{version['version']}"
    conf = ET.SubElement(root, "conference")
    for name, value in _conference(version).items():
        ET.SubElement(conf, name).text = _xml_text(value)
    for day in _days(version, base_url):
        day_el = ET.SubElement(root, "day", index=str(day["index"]), date=day["date"],
                               start=day["start"], end=day["end"])
        for room, events in day["rooms"].items():
            room_el = ET.SubElement(day_el, "room", name=_xml_text(room))
            for e in events:
                _xml_event(room_el, e)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_event(parent: ET.Element, e: dict) -> None:
    el = ET.SubElement(parent, "event", id=str(e["id"]), guid=e["guid"])
    # subtitle and slug are optional today, but the 2020 XSD requires them: keep both.
    for name in ("date", "start", "duration", "room", "slug", "title", "subtitle", "track",
                 "type", "language", "abstract", "description", "url"):
        ET.SubElement(el, name).text = _xml_text(e[name])
    persons = ET.SubElement(el, "persons")
    for person in e["persons"]:
        ET.SubElement(persons, "person").text = _xml_text(person)
    ET.SubElement(el, "links")
    ET.SubElement(el, "attachments")


def to_json(version: dict, base_url: str) -> dict:
    conf = _conference(version)
    days = _days(version, base_url)
    rooms = sorted({room for day in days for room in day["rooms"]})
    # The schema's zone pattern refuses some IANA names (Etc/GMT+6, EST5EDT): those are left
    # out; every date carries its UTC offset anyway.
    zone = {"time_zone_name": conf["time_zone_name"]} if _ZONE_NAME.search(
        conf["time_zone_name"]) else {}
    return {"$schema": "https://c3voc.de/schedule/schema.json",
            "generator": {"name": GENERATOR, "version": "1"},
            "schedule": {"version": f"v{version['version']}", "conference": {
                **{k: conf[k] for k in ("acronym", "title", "start", "end",
                                        "timeslot_duration")}, **zone,
                "daysCount": conf["days"],
                "rooms": [{"name": room, "guid": str(uuid.uuid5(
                    _NAMESPACE, f"{version['event']['id']}/{room}"))} for room in rooms],
                "days": [{"index": day["index"], "date": day["date"],
                          "day_start": day["start"], "day_end": day["end"],
                          "rooms": {room: [_json_event(e) for e in events]
                                    for room, events in day["rooms"].items()}}
                         for day in days]}}}


def _json_event(e: dict) -> dict:
    # A person as pretalx writes one (name), with frab's public_name for older apps.
    return {**{k: e[k] for k in ("guid", "id", "date", "start", "end", "duration", "room",
                                 "slug", "url", "title", "subtitle", "track", "type",
                                 "language", "abstract", "description")},
            "persons": [{"name": p, "public_name": p} for p in e["persons"]],
            "links": [], "attachments": []}
