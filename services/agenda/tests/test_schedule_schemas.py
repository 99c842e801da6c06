"""schedule.xml and schedule.json against the C3VOC schemas conference apps read: today's
(voc/schedule master: the XSD and the JSON schema) and, for the XML, the 2020 XSD that older
apps were written against. The seed and every fixture agenda are imported, published and
exported over HTTP."""

from __future__ import annotations

import pytest
from lxml import etree

from services.agenda.tests.helpers import (
    API,
    add_session,
    assert_valid_schedules,
    fixture_agendas,
    import_document,
    make_meeting,
    publish,
    schedule_errors,
    seed_text,
)


def _publish_imported(agenda, org: str, eid: str, report: dict) -> None:
    """Publish an imported draft; a session the import left without an end is refused by
    name (422), as the import report warned, and the organiser gives it one, as the agenda
    desk would have them do."""
    resp = agenda.post(f"{API}/{eid}/publish", org, json={"note": "imported"})
    warned = [w for w in report["warnings"] if w["message"].startswith("Cannot be published")]
    if resp.status_code == 422:
        problem = resp.json()
        assert problem["reason"] == "draft_incomplete", problem
        assert len(problem["errors"]["sessions"]) == len(warned), (problem, warned)
        for sid, lacks in problem["errors"]["sessions"].items():
            assert lacks == ["Has a start (no end): give its end, or a part of the day."], sid
            current = agenda.get(f"{API}/{eid}/sessions/{sid}", org)
            hour = int(current.json()["start"][:2])
            end = f"{hour:02d}:59" if hour < 23 else "23:59"
            done = agenda.patch(f"{API}/{eid}/sessions/{sid}", org, json={"end": end},
                                headers={"If-Match": current.headers["ETag"]})
            assert done.status_code == 200, done.text
        resp = agenda.post(f"{API}/{eid}/publish", org, json={"note": "imported"})
    else:
        assert warned == []
    assert resp.status_code == 201, resp.text


def test_the_seed_validates_against_todays_and_the_2020_schemas(agenda, meeting_id,
                                                                 make_token):
    org = make_token(meeting_id)
    resp = agenda.post(f"{API}/{meeting_id}/import", org, data=seed_text().encode(),
                       headers={"Content-Type": "text/plain"})
    assert resp.status_code == 200, resp.text
    publish(agenda, org, meeting_id)
    assert_valid_schedules(agenda, meeting_id)


@pytest.mark.parametrize("path", fixture_agendas(), ids=lambda p: p.name)
def test_every_fixture_agenda_validates(agenda, meeting_id, make_token, path):
    org = make_token(meeting_id)
    report = import_document(agenda, org, meeting_id, path)
    _publish_imported(agenda, org, meeting_id, report)
    assert_valid_schedules(agenda, meeting_id)
    xml = agenda.get(f"{API}/{meeting_id}/schedule.xml").text
    assert xml.count("<event ") == report["sessions"]


def test_a_meeting_with_every_kind_of_session_validates(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id, morning="08:30-12:30")
    add_session(agenda, org, meeting_id, id="opening", title="Opening", leads=["PPT", "IOM"])
    add_session(agenda, org, meeting_id, id="w", title="Workshop", start=None, end=None,
                part_of_day="morning", room="minero", access="accredited")
    add_session(agenda, org, meeting_id, id="x-", title="Visit", start=None, end=None,
                part_of_day="all_day", room=None, day="2030-06-21", status="cancelled")
    add_session(agenda, org, meeting_id, id="late", title="Dinner", start="21:00", end="23:59",
                items=[{"title": "Toast", "leads": ["Host"],
                        "items": [{"title": "Reply"}]}])
    publish(agenda, org, meeting_id)
    assert_valid_schedules(agenda, meeting_id)


@pytest.mark.parametrize(("eid_prefix", "timezone"), [("a", "Etc/GMT+6"), ("Z.Q", "UTC"),
                                                      ("x-y", "EST5EDT")])
def test_odd_meeting_ids_and_zones_still_validate(agenda, make_token, meeting_id, eid_prefix,
                                                   timezone):
    # The schemas want an acronym of 4+ of [a-z0-9_] and a zone name like Area/City.
    eid = eid_prefix + meeting_id[-2:]
    org = make_token(eid)
    make_meeting(agenda, org, eid, timezone=timezone)
    add_session(agenda, org, eid, id="a", title="\ufffeOdd \U0001f600 title\uffff")
    publish(agenda, org, eid)
    assert_valid_schedules(agenda, eid)
    # XML 1.0 cannot carry U+FFFE/U+FFFF: the XML shows U+FFFD; JSON keeps the title.
    xml = etree.fromstring(agenda.get(f"{API}/{eid}/schedule.xml").content)
    assert xml.findtext("day/room/event/title") == "\ufffdOdd \U0001f600 title\ufffd"
    body = agenda.get(f"{API}/{eid}/schedule.json").json()
    (event,) = body["schedule"]["conference"]["days"][0]["rooms"]["Room of Honor"]
    assert event["title"] == "\ufffeOdd \U0001f600 title\uffff"


def test_the_schemas_catch_what_older_exports_got_wrong(agenda, meeting_id, make_token):
    """The check itself can fail: an export as it was before (a day without start and end,
    a hyphenated acronym) is refused by today's schemas and passed by the 2020 XSD."""
    from services.agenda.tests import helpers

    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)
    add_session(agenda, org, meeting_id, id="opening")
    publish(agenda, org, meeting_id)
    assert schedule_errors(agenda, meeting_id)["schedule.xml.xsd"] == []
    doc = etree.fromstring(agenda.get(f"{API}/{meeting_id}/schedule.xml").content)
    for day in doc.iter("day"):
        del day.attrib["start"]
    assert not helpers._xsd("schedule.xml.xsd").validate(doc)
    assert helpers._xsd("schedule-2020.xml.xsd").validate(doc)
    body = agenda.get(f"{API}/{meeting_id}/schedule.json").json()
    body["schedule"]["conference"]["acronym"] = meeting_id  # t-..., as before
    assert not helpers._json_schema().is_valid(body)
