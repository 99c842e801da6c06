"""A draft that cannot be published is refused by POST /publish with a 422 naming each session
and what it lacks, never a 500; what it would lack the API refuses at input.

The drafts here are written to Redis directly, as an import writes them and as a draft
stored before a check existed still is (services/agenda/readiness.py)."""

from __future__ import annotations

import json

import pytest

from services.agenda import keys
from services.agenda.tests.helpers import API, add_session, draft, make_meeting, publish
from tests import flows

GOOD = {"day": "2030-06-19", "start": "09:00", "end": "10:00", "part_of_day": None,
        "title": "Good", "kind": "plenary_item", "room": "honor", "leads": [], "items": [],
        "notes": [], "access": "open", "accreditation": None, "capacity": None,
        "parallel_group": None, "status": "scheduled", "requires_signup": False}

BROKEN = [
    ("start, no end", {"end": None}, "Has a start (no end): give its end, or a part of the "
     "day."),
    ("end, no start", {"start": None}, "Has an end (no start): give its start, or a part of "
     "the day."),
    ("no times", {"start": None, "end": None}, "Has no times: give its start and end, or a "
     "part of the day."),
    ("times and a part of day", {"part_of_day": "morning"}, "Has both times and a part of "
     "the day: keep one."),
    ("unknown part of day", {"start": None, "end": None, "part_of_day": "evening"},
     "Its part of the day 'evening' is not one of all_day, morning, afternoon."),
    ("not a time", {"start": "9:00"}, "Its start '9:00' is not a time (HH:MM, 24-hour)."),
    ("digits of another script", {"end": "1\u0be6:00"},
     "Its end '1\u0be6:00' is not a time (HH:MM, 24-hour)."),
    ("ends before it starts", {"start": "10:00", "end": "09:30"},
     "Ends (09:30) no later than it starts (10:00)."),
    ("day outside the meeting", {"day": "2030-07-01"}, "Its day 2030-07-01 is outside the "
     "meeting's days (2030-06-19 to 2030-06-21)."),
    ("day not a date", {"day": "21 June"}, "Its day '21 June' is not a date (YYYY-MM-DD)."),
    ("room deleted", {"room": "gone"}, "Its room 'gone' is not one of the meeting's rooms "
     "(any more): pick one, or none."),
    ("no title", {"title": ""}, "Has no title."),
]


def _store(r, eid: str, sid: str, session: dict) -> None:
    r.hset(keys.draft(eid), sid, json.dumps({**session, "id": sid}))


@pytest.fixture
def org(agenda, meeting_id, make_token):
    token = make_token(meeting_id)
    make_meeting(agenda, token, meeting_id)
    return token


@pytest.mark.parametrize(("name", "change", "lacks"), BROKEN, ids=[b[0] for b in BROKEN])
def test_an_unpublishable_session_is_named_with_what_it_lacks(agenda, r, meeting_id, org,
                                                              name, change, lacks):
    add_session(agenda, org, meeting_id, id="fine")
    publish(agenda, org, meeting_id, "First")
    _store(r, meeting_id, "broken", {**GOOD, **change})
    # Another session in the broken one's room still saves (its clash check skips it).
    assert agenda.post(f"{API}/{meeting_id}/sessions", org, json={
        "id": "other", "day": "2030-06-19", "start": "09:00", "end": "09:30",
        "title": "Other", "room": "honor"}).status_code == 201
    resp = agenda.post(f"{API}/{meeting_id}/publish", org, json={"note": "Second"})
    assert resp.status_code == 422, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.json()
    assert (body["reason"], body["status"]) == ("draft_incomplete", 422)
    assert body["errors"] == {"sessions": {"broken": [lacks]}}
    assert f"broken: {lacks}" in body["detail"]
    versions = agenda.get(f"{API}/{meeting_id}/versions").json()
    assert [v["version"] for v in versions] == [1]  # nothing published, nothing lost
    assert {s["id"] for s in draft(agenda, org, meeting_id)} == {"fine", "other", "broken"}


def test_each_session_is_named_and_an_edit_makes_the_draft_publish(agenda, r, meeting_id,
                                                                   org):
    for i in range(25):
        _store(r, meeting_id, f"open-{i:02d}", {**GOOD, "start": "12:00", "end": None})
    resp = agenda.post(f"{API}/{meeting_id}/publish", org, json={})
    assert resp.status_code == 422
    assert sorted(resp.json()["errors"]["sessions"]) == [f"open-{i:02d}" for i in range(25)]
    assert resp.json()["detail"].endswith("(and 5 more)")
    for i in range(25):
        fixed = flows.edit_session(agenda, org, f"{API}/{meeting_id}/sessions/open-{i:02d}",
                                   {"end": "12:30"} if i % 2 else {"part_of_day": "morning"})
        assert fixed.status_code == 200, fixed.text
    assert publish(agenda, org, meeting_id)["version"] == 1


def test_a_meeting_stored_with_an_unknown_timezone_is_named(agenda, r, meeting_id, org):
    add_session(agenda, org, meeting_id, id="fine")
    event = json.loads(r.get(keys.event(meeting_id)))
    r.set(keys.event(meeting_id), json.dumps({**event, "timezone": "Mars/Olympus"}))
    resp = agenda.post(f"{API}/{meeting_id}/publish", org, json={})
    assert resp.status_code == 422 and resp.json()["errors"] == {
        "meeting": ["Its timezone 'Mars/Olympus' is not an IANA timezone."]}


@pytest.mark.parametrize(("name", "change", "lacks"), BROKEN, ids=[b[0] for b in BROKEN])
def test_the_api_refuses_the_same_at_input(agenda, meeting_id, org, name, change, lacks):
    body = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    resp = agenda.post(f"{API}/{meeting_id}/sessions", org, json=body)
    assert resp.status_code == 422 and resp.json()["reason"] == "invalid_input", resp.text
    assert draft(agenda, org, meeting_id) == []
