"""Steps shared by the agenda service's tests, taken as an organiser would over HTTP."""

from __future__ import annotations

import functools
import io
import json
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


# -- the frab/C3VOC schedule schemas (fixtures/SOURCES.md says where each comes from) ------

IMPORTER_FIXTURES = Path(__file__).parent / "importer" / "fixtures"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fixture_agendas() -> list[Path]:
    """Every agenda document the importer is checked against (text and Word)."""
    return sorted(p for p in IMPORTER_FIXTURES.iterdir() if p.suffix in (".txt", ".docx"))


def import_document(agenda, token: str, eid: str, path: Path) -> dict:
    content_type = DOCX if path.suffix == ".docx" else "text/plain; charset=utf-8"
    resp = agenda.post(f"{API}/{eid}/import", token, data=path.read_bytes(),
                       headers={"Content-Type": content_type})
    assert resp.status_code == 200, resp.text
    return resp.json()


@functools.cache
def _xsd(name: str):
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(FIXTURES / name)))


@functools.cache
def _json_schema():
    import jsonschema

    schema = json.loads((FIXTURES / "schedule.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schedule_errors(agenda, eid: str) -> dict[str, list[str]]:
    """What today's apps (voc/schedule master) and older ones (the 2020 XSD) would refuse in
    the meeting's schedule.xml and schedule.json; empty lists when both are valid."""
    from lxml import etree

    xml = agenda.get(f"{API}/{eid}/schedule.xml")
    assert xml.status_code == 200, xml.text
    doc = etree.fromstring(xml.content)
    out = {}
    for name in ("schedule.xml.xsd", "schedule-2020.xml.xsd"):
        schema = _xsd(name)
        schema.validate(doc)
        out[name] = [f"line {e.line}: {e.message}" for e in schema.error_log]
    body = agenda.get(f"{API}/{eid}/schedule.json")
    assert body.status_code == 200, body.text
    out["schedule.schema.json"] = sorted(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in _json_schema().iter_errors(body.json()))
    return out


def assert_valid_schedules(agenda, eid: str) -> None:
    errors = schedule_errors(agenda, eid)
    assert errors == {name: [] for name in errors}, errors
