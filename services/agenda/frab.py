"""The published agenda in the frab / C3VOC schedule format (schedule.xml and schedule.json),
which conference apps and recording pipelines read.

frab wants every event in a room with a start and a duration, a positive integer id and a
UUID, so part-of-day sessions take the meeting's morning/afternoon hours (as in the ICS) and
ids are derived from the session's stable UID.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta
from xml.etree import ElementTree as ET

from shared.calendar import uid

GENERATOR = "podium"
NO_ROOM = "To be announced"
_NAMESPACE = uuid.UUID("6b5d3c1e-7a0f-4c55-9a55-5f1b7f9d2c10")  # fixed: guids must not move


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


def _events(version: dict) -> list[dict]:
    """One frab event per published session (removed sessions are not in a schedule)."""
    event = version["event"]
    sessions = version["sessions"]
    ids = _numeric_ids(event["id"], sessions)
    out = []
    for s in sessions:
        start = datetime.fromisoformat(s["starts_at"])
        notes = [*s.get("notes", []), *(_item_lines(s.get("items", [])))]
        if s.get("part_of_day"):
            notes.insert(0, f"Scheduled: {s['part_of_day'].replace('_', ' ')}.")
        out.append({
            "id": ids[s["id"]], "guid": guid(event["id"], s["id"]), "session": s["id"],
            "day": s["day"], "date": start.isoformat(), "start": start.strftime("%H:%M"),
            "duration": _duration(s), "room": s.get("room_name") or NO_ROOM,
            "slug": f"{event['id']}-{s['id']}", "title": s["title"],
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


def _days(version: dict) -> list[tuple[int, str, dict[str, list[dict]]]]:
    """(index, date, {room name: events}) for every day of the meeting."""
    event = version["event"]
    first, last = date.fromisoformat(event["first_day"]), date.fromisoformat(event["last_day"])
    by_day: dict[str, dict[str, list[dict]]] = {}
    for e in _events(version):
        by_day.setdefault(e["day"], {}).setdefault(e["room"], []).append(e)
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    return [(i + 1, day, by_day.get(day, {})) for i, day in enumerate(days)]


def _conference(version: dict) -> dict:
    event = version["event"]
    return {"title": event.get("title") or event["id"], "acronym": event["id"],
            "start": event["first_day"], "end": event["last_day"],
            "days": (date.fromisoformat(event["last_day"])
                     - date.fromisoformat(event["first_day"])).days + 1,
            "timeslot_duration": "00:15", "time_zone_name": event["timezone"]}


def to_xml(version: dict) -> bytes:
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, version="1")
    ET.SubElement(root, "version").text = f"v{version['version']}"
    conf = ET.SubElement(root, "conference")
    for name, value in _conference(version).items():
        ET.SubElement(conf, name).text = str(value)
    for index, day, rooms in _days(version):
        day_el = ET.SubElement(root, "day", index=str(index), date=day)
        for room, events in rooms.items():
            room_el = ET.SubElement(day_el, "room", name=room)
            for e in events:
                _xml_event(room_el, e)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_event(parent: ET.Element, e: dict) -> None:
    el = ET.SubElement(parent, "event", id=str(e["id"]), guid=e["guid"])
    for name in ("date", "start", "duration", "room", "slug", "title", "subtitle", "track",
                 "type", "language", "abstract", "description"):
        ET.SubElement(el, name).text = e[name]
    persons = ET.SubElement(el, "persons")
    for person in e["persons"]:
        ET.SubElement(persons, "person").text = person
    ET.SubElement(el, "links")
    ET.SubElement(el, "attachments")


def to_json(version: dict) -> dict:
    conf = _conference(version)
    rooms = sorted({e["room"] for e in _events(version)})
    days = [{"index": index, "date": day,
             "rooms": {room: [_json_event(e) for e in events] for room, events in rs.items()}}
            for index, day, rs in _days(version)]
    return {"$schema": "https://c3voc.de/schedule/schema.json",
            "generator": {"name": GENERATOR, "version": "1"},
            "schedule": {"version": f"v{version['version']}", "conference": {
                **{k: conf[k] for k in ("acronym", "title", "start", "end",
                                        "timeslot_duration", "time_zone_name")},
                "daysCount": conf["days"],
                "rooms": [{"name": room, "guid": str(uuid.uuid5(
                    _NAMESPACE, f"{version['event']['id']}/{room}"))} for room in rooms],
                "days": days}}}


def _json_event(e: dict) -> dict:
    return {**{k: e[k] for k in ("guid", "id", "date", "start", "duration", "room", "slug",
                                 "title", "subtitle", "track", "type", "language",
                                 "abstract", "description")},
            "persons": [{"public_name": p} for p in e["persons"]],
            "links": [], "attachments": []}
