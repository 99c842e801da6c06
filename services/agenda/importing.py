"""Import an agenda document into a meeting's draft (API and CLI share this)."""

from __future__ import annotations

import redis

from services.agenda import operations as ops
from services.agenda.importer import AgendaImportError, docx_to_text, parse_agenda
from services.agenda.schemas import slugify
from shared.errors import Problem

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
_SESSION_FIELDS = ("day", "start", "end", "part_of_day", "title", "kind", "meeting", "leads",
                   "items", "notes", "access", "accreditation", "parallel_group")


def document_text(data: bytes, filename: str = "", mimetype: str = "") -> str:
    """Text of an uploaded document: .docx through python-docx, otherwise UTF-8 text."""
    if not data.strip():
        raise Problem(422, "empty_document", "The document is empty.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise Problem(413, "document_too_large",
                      f"Agenda documents are limited to {MAX_DOCUMENT_BYTES // 1024 // 1024} MB.")
    if data[:2] == b"PK" or filename.lower().endswith(".docx") or "wordprocessingml" in mimetype:
        try:
            return docx_to_text(data)
        except AgendaImportError as exc:
            raise Problem(422, exc.reason, str(exc.message)) from exc
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Problem(422, "not_text", "The document is neither text nor a .docx file.")


def import_text(r: redis.Redis, event_id: str, text: str) -> dict:
    """Parse ``text`` and replace the draft with it; the published agenda is untouched."""
    try:
        parsed = parse_agenda(text)
    except AgendaImportError as exc:
        raise Problem(422, exc.reason, str(exc.message)) from exc
    info = parsed["event"]
    try:
        event = ops.get_event(r, event_id)
        created = False
    except Problem:
        event = None
        created = True
    # Widen the meeting's days to the document's; keep the organiser's other edits.
    doc = dict(event or {})
    doc.update({k: info[k] for k in ("title", "subtitle", "theme", "host", "city", "country",
                                      "timezone", "languages") if not doc.get(k)})
    doc["first_day"] = min(filter(None, [doc.get("first_day"), info["first_day"]]))
    doc["last_day"] = max(filter(None, [doc.get("last_day"), info["last_day"]]))
    doc.setdefault("morning", "09:00-13:00")
    doc.setdefault("afternoon", "14:00-18:00")
    doc.setdefault("door_opens_minutes", 30)
    ops.put_event(r, event_id, {k: v for k, v in doc.items() if k != "id"})
    rooms = [{"id": slugify(name, 40), "name": name, "capacity": None}
             for name in parsed["rooms"]]
    room_ids = {room["name"]: room["id"] for room in rooms}
    sessions = []
    for s in parsed["sessions"]:
        session = {k: s.get(k) for k in _SESSION_FIELDS}
        session.update(id=s["key"], room=room_ids.get(s.get("room") or ""), capacity=None,
                       status="scheduled", requires_signup=False)
        sessions.append(session)
    report = {"event_created": created, "sessions": len(sessions), "rooms": parsed["rooms"],
              "days": sorted({s["day"] for s in sessions}), "warnings": parsed["warnings"],
              "stats": parsed["stats"]}
    ops.replace_draft(r, event_id, sessions, rooms, report)
    return report
