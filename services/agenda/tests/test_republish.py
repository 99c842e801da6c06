"""Publish, change, publish again: changelog, the bus event, and calendar SEQUENCEs."""

from __future__ import annotations

import json

import icalendar

from services.agenda.tests.helpers import API, add_session, make_meeting, publish
from shared import keys
from tests import flows


def _calendar(agenda, eid) -> dict[str, icalendar.Event]:
    resp = agenda.get(f"{API}/{eid}/agenda.ics")
    assert resp.status_code == 200
    return {str(e["UID"]).split("@")[0]: e
            for e in icalendar.Calendar.from_ical(resp.content).walk("VEVENT")}


def _published_events(r, eid) -> list[dict]:
    entries = r.xrange(keys.bus_stream(eid))
    return [json.loads(f["data"]) for _id, f in entries if f["type"] == "agenda.published"]


def test_a_second_publish_lists_exactly_what_changed(agenda, r, meeting_id, make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)
    for sid, start in (("same", "08:00"), ("moved", "09:00"), ("room", "10:00"),
                       ("renamed", "11:00"), ("access", "12:00"), ("gone", "13:00")):
        add_session(agenda, org, meeting_id, id=sid, title=sid.title(), start=start,
                    end=start.replace(":00", ":45"))
    first = publish(agenda, org, meeting_id, "First")
    assert first["version"] == 1 and {c["labels"][0] for c in first["changes"]} == {"added"}
    before = _calendar(agenda, meeting_id)
    assert {int(e["SEQUENCE"]) for e in before.values()} == {0}

    s = f"{API}/{meeting_id}/sessions"
    for sid, change in (("moved", {"start": "15:00", "end": "15:45"}),
                        ("room", {"room": "minero"}), ("renamed", {"title": "New name"}),
                        ("access", {"access": "accredited", "accreditation": "vip"})):
        assert flows.edit_session(agenda, org, f"{s}/{sid}", change).status_code == 200
    assert agenda.delete(f"{s}/gone", org,
                         headers=flows.if_match(agenda, org, f"{s}/gone")).status_code == 204
    add_session(agenda, org, meeting_id, id="new", title="New", day="2030-06-20")
    second = publish(agenda, org, meeting_id, "Second")

    labels = {c["session"]: c["labels"] for c in second["changes"]}
    assert labels == {"moved": ["moved_time"], "room": ["moved_room"],
                      "renamed": ["renamed"], "access": ["access_changed"],
                      "gone": ["removed"], "new": ["added"]}
    moved = next(c for c in second["changes"] if c["session"] == "moved")
    assert moved["fields"]["start"] == ["09:00", "15:00"]
    listed = agenda.get(f"{API}/{meeting_id}/versions").json()
    assert [v["version"] for v in listed] == [1, 2]
    assert listed[1]["changes"] == second["changes"] and listed[1]["note"] == "Second"

    # The bus carries one agenda.published per version, with the same per-session changes.
    events = _published_events(r, meeting_id)
    assert [e["version"] for e in events] == [1, 2]
    assert events[1]["changes"] == second["changes"]
    assert [s["id"] for s in events[1]["removed"]] == ["gone"]
    assert "gone" not in {s["id"] for s in events[1]["sessions"]}

    after = _calendar(agenda, meeting_id)
    sequences = {sid: int(e["SEQUENCE"]) for sid, e in after.items()}
    # Calendar fields (time, room, title, removal) bump SEQUENCE; access is not one of them.
    assert sequences == {"same": 0, "moved": 1, "room": 1, "renamed": 1, "access": 0,
                         "gone": 1, "new": 0}
    assert str(after["gone"]["STATUS"]) == "CANCELLED"
    assert str(after["same"]["STATUS"]) == "CONFIRMED"

    # Publishing again without changes publishes nothing: the answer is version 2 as it is
    # (200, new: false), no version 3, nothing on the bus; the calendar stays as it was.
    ics = agenda.get(f"{API}/{meeting_id}/agenda.ics")
    resp = agenda.post(f"{API}/{meeting_id}/publish", org, json={"note": "No changes"})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {**second, "new": False}
    assert [v["version"] for v in agenda.get(f"{API}/{meeting_id}/versions").json()] == [1, 2]
    assert [e["version"] for e in _published_events(r, meeting_id)] == [1, 2]
    assert agenda.get(f"{API}/{meeting_id}/agenda.ics").content == ics.content
    again = _calendar(agenda, meeting_id)
    assert {sid: int(e["SEQUENCE"]) for sid, e in again.items()} == sequences
    assert str(again["gone"]["STATUS"]) == "CANCELLED"


def test_a_removed_session_that_comes_back_moves_on_from_its_cancellation(
        agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)
    add_session(agenda, org, meeting_id, id="item")
    publish(agenda, org, meeting_id)
    item = f"{API}/{meeting_id}/sessions/item"
    assert agenda.delete(item, org, headers=flows.if_match(agenda, org, item)).status_code == 204
    publish(agenda, org, meeting_id)
    assert int(_calendar(agenda, meeting_id)["item"]["SEQUENCE"]) == 1
    add_session(agenda, org, meeting_id, id="item")
    publish(agenda, org, meeting_id)
    item = _calendar(agenda, meeting_id)["item"]
    assert int(item["SEQUENCE"]) == 2 and str(item["STATUS"]) == "CONFIRMED"


def test_a_cancelled_status_is_a_cancelled_calendar_entry(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)
    add_session(agenda, org, meeting_id, id="item")
    publish(agenda, org, meeting_id)
    resp = flows.edit_session(agenda, org, f"{API}/{meeting_id}/sessions/item",
                              {"status": "cancelled"})
    assert resp.status_code == 200
    version = publish(agenda, org, meeting_id)
    assert version["changes"][0]["labels"][0] == "cancelled"
    item = _calendar(agenda, meeting_id)["item"]
    assert int(item["SEQUENCE"]) == 1 and str(item["STATUS"]) == "CANCELLED"
