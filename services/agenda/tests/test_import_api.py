"""Importing agenda documents through the HTTP API: the seed, .docx uploads, bad documents."""

from __future__ import annotations

import pytest

from services.agenda.tests.helpers import API, docx_bytes, draft, make_meeting, seed_text

TEXT = {"Content-Type": "text/plain; charset=utf-8"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _import(agenda, token, eid, body, headers=TEXT, **kw):
    return agenda.post(f"{API}/{eid}/import", token, data=body, headers=dict(headers), **kw)


def test_the_seed_imports_as_text_with_a_report(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    resp = _import(agenda, org, meeting_id, seed_text().encode())
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["days"] == [f"2017-06-{d}" for d in range(19, 24)]
    assert report["sessions"] == 31 and report["warnings"] == []
    assert {room["name"] for room in report["rooms"]} == {"Room Camilo Minero", "Room of Honor"}
    event = agenda.get(f"{API}/{meeting_id}").json()
    assert (event["first_day"], event["last_day"]) == ("2017-06-19", "2017-06-23")
    assert event["timezone"] == "America/El_Salvador"
    assert len(draft(agenda, org, meeting_id)) == 31


@pytest.mark.parametrize("how", ["multipart", "raw"])
def test_a_docx_upload_imports_like_the_text(agenda, meeting_id, make_token, how):
    org = make_token(meeting_id)
    data = docx_bytes(seed_text())
    if how == "multipart":
        resp = agenda.post(f"{API}/{meeting_id}/import", org,
                           files={"document": ("agenda.docx", data, DOCX)})
    else:
        resp = _import(agenda, org, meeting_id, data, {"Content-Type": DOCX})
    assert resp.status_code == 200, resp.text
    assert resp.json()["days"] == [f"2017-06-{d}" for d in range(19, 24)]
    titles = {s["title"] for s in draft(agenda, org, meeting_id)}
    assert "DEPARTURE OF DELEGATIONS" in titles and "Lunch" in titles


BAD = [
    ("empty", b"", TEXT, 422, "empty_document"),
    ("blank", b"  \n\n\t ", TEXT, 422, "empty_document"),
    ("binary", bytes(range(256)) * 40, TEXT, 422, "not_text"),
    ("no days", b"Agenda of a meeting\nVenue: somewhere\nNothing else.\n", TEXT, 422, "no_days"),
    ("corrupt docx", b"PK\x03\x04 this is no zip", {"Content-Type": DOCX}, 422, "not_docx"),
    ("20 MB", b"MONDAY, 19 JUNE 2017\n" + b"x" * (20 * 1024 * 1024), TEXT, 413,
     "document_too_large"),
    ("json", b'{"text": "x"}', {"Content-Type": "application/json"}, 422, None),
    ("pdf", b"%PDF-1.4", {"Content-Type": "application/pdf"}, 415, "unsupported_media_type"),
]


@pytest.mark.parametrize(("name", "body", "headers", "status", "reason"), BAD,
                         ids=[b[0] for b in BAD])
def test_a_bad_document_is_refused_and_the_draft_is_untouched(
        agenda, meeting_id, make_token, name, body, headers, status, reason):
    org = make_token(meeting_id)
    assert _import(agenda, org, meeting_id, seed_text().encode()).status_code == 200
    before = draft(agenda, org, meeting_id)
    event_before = agenda.get(f"{API}/{meeting_id}").json()
    resp = _import(agenda, org, meeting_id, body, headers)
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    if reason:
        assert resp.json()["reason"] == reason
    assert draft(agenda, org, meeting_id) == before
    assert agenda.get(f"{API}/{meeting_id}").json() == event_before


def test_a_multipart_upload_without_the_document_field_is_refused(agenda, meeting_id,
                                                                   make_token):
    org = make_token(meeting_id)
    resp = agenda.post(f"{API}/{meeting_id}/import", org,
                       files={"file": ("a.txt", b"MONDAY, 19 JUNE 2017", "text/plain")})
    assert resp.status_code == 422 and resp.json()["reason"] == "missing_document"


def test_importing_needs_an_organiser_of_that_meeting(agenda, meeting_id, make_token):
    body = seed_text().encode()
    assert _import(agenda, None, meeting_id, body).status_code == 401
    other = make_token("another-meeting")
    assert _import(agenda, other, meeting_id, body).status_code == 403
    gate = make_token(meeting_id, "gatekeeper")
    assert _import(agenda, gate, meeting_id, body).status_code == 403


def test_importing_replaces_the_draft_but_not_the_published_agenda(agenda, meeting_id,
                                                                    make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id, first_day="2017-06-19", last_day="2017-06-23")
    resp = agenda.post(f"{API}/{meeting_id}/sessions", org, json={
        "id": "old", "day": "2017-06-19", "start": "08:00", "end": "08:30", "title": "Old"})
    assert resp.status_code == 201
    assert agenda.post(f"{API}/{meeting_id}/publish", org, json={}).status_code == 201
    assert _import(agenda, org, meeting_id, seed_text().encode()).status_code == 200
    assert "old" not in {s["id"] for s in draft(agenda, org, meeting_id)}
    published = agenda.get(f"{API}/{meeting_id}/agenda").json()
    assert [s["id"] for d in published["days"] for s in d["sessions"]] == ["old"]
    # The organiser's own meeting description survives the import.
    assert agenda.get(f"{API}/{meeting_id}").json()["title"] == "Test meeting"


GENRE = ["rcm-2019-guatemala-en.txt", "crm-2019-honduras-es.txt", "seminar-2018-table-crlf.txt",
         "rcm-2017-bilingual-odd.txt", "rcm-2018-quito-vm-en.txt",
         "crm-2018-panama-viceministerial-es.txt", "taller-2019-costa-rica-es.docx",
         "network-2019-belize-en.docx"]


@pytest.mark.parametrize("name", GENRE)
def test_agendas_of_the_genre_import_over_http_like_the_parser_reads_them(
        agenda, meeting_id, make_token, name):
    """The customer's other agendas (importer/test_genre.py) through the real endpoint."""
    from services.agenda.importer import docx_to_text, parse_agenda
    from services.agenda.tests.importer.helpers import FIXTURES

    body = (FIXTURES / name).read_bytes()  # CRLF, tabs and non-breaking spaces as stored
    org = make_token(meeting_id)
    if name.endswith(".docx"):  # uploaded as a browser form sends a Word file
        resp = agenda.post(f"{API}/{meeting_id}/import", org,
                           files={"document": (name, body, DOCX)})
        text = docx_to_text(body)
    else:
        resp = _import(agenda, org, meeting_id, body)
        text = body.decode("utf-8")
    assert resp.status_code == 200, resp.text
    report, parsed = resp.json(), parse_agenda(text)
    # The parser's warnings, then one per session publishing would refuse (test_readiness).
    refused = [w for w in report["warnings"] if w["message"].startswith("Cannot be published")]
    assert report["warnings"] == parsed["warnings"] + refused
    assert report["days"] == sorted({s["day"] for s in parsed["sessions"]})
    sessions = {s["id"]: s for s in draft(agenda, org, meeting_id)}
    assert sorted(sessions) == sorted(s["key"] for s in parsed["sessions"])
    for expected in parsed["sessions"]:
        stored = sessions[expected["key"]]
        for field in ("day", "start", "end", "part_of_day", "title", "kind", "leads", "access",
                      "accreditation", "notes", "parallel_group"):
            assert stored[field] == expected[field], (expected["key"], field)
        room = next((r for r in report["rooms"] if r["name"] == expected["room"]), None)
        assert stored["room"] == (room["id"] if room else None)
