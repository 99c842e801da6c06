"""Steps shared by the agenda service's tests, taken as an organiser would over HTTP."""

from __future__ import annotations

import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "data" / "rcm-2017-agenda.txt"
FIXTURES = Path(__file__).parent / "fixtures"
API = "/api/v1/events"


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def docx_bytes(text: str) -> bytes:
    """A Word document with one paragraph per line of ``text``."""
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_meeting(agenda, token: str, eid: str, **over) -> None:
    """Three days, two rooms; the meeting's morning/afternoon hours are the defaults."""
    body = {"title": "Test meeting", "timezone": "America/El_Salvador",
            "first_day": "2030-06-19", "last_day": "2030-06-21", **over}
    resp = agenda.put(f"{API}/{eid}", token, json=body)
    assert resp.status_code == 200, resp.text
    for room_id, name in (("honor", "Room of Honor"), ("minero", "Room Camilo Minero")):
        resp = agenda.post(f"{API}/{eid}/rooms", token, json={"id": room_id, "name": name})
        assert resp.status_code == 201, resp.text


def add_session(agenda, token: str, eid: str, **fields) -> dict:
    body = {"day": "2030-06-19", "start": "09:00", "end": "10:00", "title": "Item",
            "room": "honor", **fields}
    resp = agenda.post(f"{API}/{eid}/sessions", token, json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def publish(agenda, token: str, eid: str, note: str = "") -> dict:
    resp = agenda.post(f"{API}/{eid}/publish", token, json={"note": note})
    assert resp.status_code == 201, resp.text
    return resp.json()


def draft(agenda, token: str, eid: str) -> list[dict]:
    resp = agenda.get(f"{API}/{eid}/sessions", token)
    assert resp.status_code == 200, resp.text
    return resp.json()
