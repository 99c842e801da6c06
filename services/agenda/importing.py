"""Import an agenda document into a meeting's draft (API and CLI share this).

Everything that can fail (decoding, parsing) runs before the first write, so a bad document
leaves the meeting and its draft exactly as they were.
"""

from __future__ import annotations

import redis

from services.agenda import operations as ops
from services.agenda import readiness
from services.agenda.schemas import slugify
from shared import meeting_hours
from shared.errors import Problem

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_SESSION_FIELDS = ("day", "start", "end", "part_of_day", "title", "kind", "meeting", "leads",
                   "items", "notes", "access", "accreditation", "parallel_group")


def too_large() -> Problem:
    return Problem(413, "document_too_large",
                   f"Agenda documents are limited to {MAX_DOCUMENT_BYTES // 1024 // 1024} MB.")


def document_text(data: bytes, filename: str = "", mimetype: str = "") -> str:
    """Text of an uploaded document: .docx through python-docx, otherwise UTF-8 text."""
    # Imported here: the parser is a separate package and only this path needs it.
    from services.agenda.importer import AgendaImportError, docx_to_text

    if len(data) > MAX_DOCUMENT_BYTES:
        raise too_large()
    if not data.strip():
        raise Problem(422, "empty_document", "The document is empty.")
    if data[:2] == b"PK" or filename.lower().endswith(".docx") or "wordprocessingml" in mimetype:
        try:
            return docx_to_text(data)
        except AgendaImportError as exc:
            raise Problem(422, exc.reason, str(exc.message)) from exc
    if b"\x00" in data:
        raise Problem(422, "not_text", "The file is binary: send a text export or a .docx.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Problem(422, "not_text", "The document is neither text nor a .docx file.")


def _unpublishable(parsed: list[dict], event: dict) -> list[dict]:
    """A warning per imported session that publishing would refuse, saying what it lacks."""
    out = []
    for s in parsed:
        lacks = readiness.lacks({**s, "id": s["key"]}, event, None)
        if lacks:
            out.append({"line": (s.get("source_lines") or [0])[0], "text": s.get("title"),
                        "message": f"Cannot be published until edited: {' '.join(lacks)}"})
    return out


def import_text(r: redis.Redis, event_id: str, text: str) -> dict:
    """Parse ``text`` and replace the draft with it; the published agenda is untouched."""
    from services.agenda.importer import AgendaImportError, parse_agenda

    try:
        parsed = parse_agenda(text)
    except AgendaImportError as exc:
        raise Problem(422, exc.reason, str(exc.message)) from exc
    if not parsed["sessions"]:
        raise Problem(422, "no_sessions", "The document has day headings but no sessions.",
                      extra={"warnings": parsed["warnings"]})
    info = parsed["event"]
    try:
        event = ops.get_event(r, event_id)
        created = False
    except Problem:
        event = None
        created = True
    # Widen the meeting's days to the document's; keep the organiser's other edits.
    doc = dict(event or {})
    doc.update({k: info.get(k) for k in ("title", "subtitle", "theme", "host", "city",
                                          "country", "timezone", "languages")
                if not doc.get(k) and info.get(k)})
    doc.setdefault("title", event_id)
    doc.setdefault("timezone", "UTC")
    doc["first_day"] = min(filter(None, [doc.get("first_day"), info["first_day"]]))
    doc["last_day"] = max(filter(None, [doc.get("last_day"), info["last_day"]]))
    doc = meeting_hours.with_defaults(doc)
    rooms = [{"id": slugify(name, 40), "name": name, "capacity": None}
             for name in parsed["rooms"]]
    room_ids = {room["name"]: room["id"] for room in rooms}
    sessions = []
    for s in parsed["sessions"]:
        session = {k: s.get(k) for k in _SESSION_FIELDS}
        session.update(id=s["key"], room=room_ids.get(s.get("room") or ""), capacity=None,
                       status="scheduled", requires_signup=False)
        sessions.append(session)
    report = {"event_created": created, "sessions": len(sessions),
              "rooms": [{"id": room["id"], "name": room["name"]} for room in rooms],
              "days": sorted({s["day"] for s in sessions}),
              "warnings": parsed["warnings"] + _unpublishable(parsed["sessions"], doc),
              "stats": parsed["stats"]}
    ops.put_event(r, event_id, {k: v for k, v in doc.items() if k != "id"})
    ops.replace_draft(r, event_id, sessions, rooms, report)
    return report
