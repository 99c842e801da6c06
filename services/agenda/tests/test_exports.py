"""Reading the published agenda: filters, ETags and 304s, ICS, frab schedule XML and JSON."""

from __future__ import annotations

import icalendar
import pytest
from lxml import etree

from services.agenda.tests.helpers import (
    API,
    add_session,
    assert_valid_schedules,
    make_meeting,
    publish,
)
from tests import flows


@pytest.fixture
def published(agenda, meeting_id, make_token):
    """A published three-day meeting with timed, part-of-day and all-day sessions."""
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id, morning="08:30-12:30", afternoon="14:00-17:30")
    add_session(agenda, org, meeting_id, id="opening", kind="ceremony", title="Opening",
                start="14:00", end="14:15", meeting="RCGM", leads=["PPT"])
    add_session(agenda, org, meeting_id, id="workshop", kind="workshop", title="Workshop",
                start=None, end=None, part_of_day="morning", room="minero",
                access="accredited", accreditation="workshop")
    add_session(agenda, org, meeting_id, id="lunch", kind="meal", title="Lunch",
                day="2030-06-20", start="12:30", end="13:30", meeting="RCGM")
    add_session(agenda, org, meeting_id, id="departure", kind="departure", title="Departure",
                day="2030-06-21", start=None, end=None, part_of_day="all_day", room=None)
    publish(agenda, org, meeting_id, "First")
    return org


def _ids(body: dict) -> list[str]:
    return [s["id"] for d in body["days"] for s in d["sessions"]]


FILTERS = [
    ({}, ["workshop", "opening", "lunch", "departure"]),
    ({"day": "2030-06-20"}, ["lunch"]),
    ({"room": "minero"}, ["workshop"]),
    ({"kind": "meal"}, ["lunch"]),
    ({"meeting": "rcgm"}, ["opening", "lunch"]),
    ({"day": "2030-06-19", "meeting": "RCGM"}, ["opening"]),
    ({"room": "nowhere"}, []),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_the_agenda_filters_by_day_room_kind_and_meeting(agenda, meeting_id, published, query,
                                                         expected):
    resp = agenda.get(f"{API}/{meeting_id}/agenda", params=query)
    assert resp.status_code == 200, resp.text
    assert _ids(resp.json()) == expected


def test_a_bad_filter_is_a_422(agenda, meeting_id, published):
    for query in ({"kind": "party"}, {"day": "June"}):
        resp = agenda.get(f"{API}/{meeting_id}/agenda", params=query)
        assert resp.status_code == 422 and resp.json()["reason"] == "invalid_input"
    # Other query parameters (cache busters, a subscription's token=) are ignored.
    resp = agenda.get(f"{API}/{meeting_id}/agenda", params={"_": "123"})
    assert resp.status_code == 200 and len(_ids(resp.json())) == 4


EXPORTS = ["agenda", "agenda.ics", "schedule.xml", "schedule.json", "versions", "versions/1"]


@pytest.mark.parametrize("path", EXPORTS)
def test_every_read_has_an_etag_and_answers_304(agenda, meeting_id, published, path):
    url = f"{API}/{meeting_id}/{path}"
    first = agenda.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    again = agenda.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    other = agenda.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content


@pytest.mark.parametrize("path", ["sessions", "sessions/opening", "rooms", ""])
def test_organiser_reads_have_etags_too(agenda, meeting_id, published, path):
    url = f"{API}/{meeting_id}/{path}".rstrip("/")
    first = agenda.get(url, published)
    assert first.status_code == 200 and first.headers["ETag"]
    assert agenda.get(url, published, headers={
        "If-None-Match": first.headers["ETag"]}).status_code == 304


def test_a_draft_edit_is_invisible_until_published(agenda, meeting_id, published):
    reads = {p: agenda.get(f"{API}/{meeting_id}/{p}") for p in EXPORTS[:4]}
    resp = flows.edit_session(agenda, published, f"{API}/{meeting_id}/sessions/opening",
                              {"title": "Secret new title"})
    assert resp.status_code == 200
    for path, before in reads.items():
        now = agenda.get(f"{API}/{meeting_id}/{path}",
                         headers={"If-None-Match": before.headers["ETag"]})
        assert now.status_code == 304, path
        assert "Secret" not in agenda.get(f"{API}/{meeting_id}/{path}").text
    publish(agenda, published, meeting_id, "Renamed")
    for path, before in reads.items():
        now = agenda.get(f"{API}/{meeting_id}/{path}",
                         headers={"If-None-Match": before.headers["ETag"]})
        assert now.status_code == 200 and "Secret new title" in now.text, path


def test_nothing_is_readable_before_the_first_publish(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)
    add_session(agenda, org, meeting_id, id="draft-only")
    for path in EXPORTS[:4]:
        resp = agenda.get(f"{API}/{meeting_id}/{path}")
        assert resp.status_code == 404 and resp.json()["reason"] == "not_published"
    assert agenda.get(f"{API}/{meeting_id}/sessions").status_code == 401


def test_the_ics_has_a_timezone_stable_uids_and_the_meeting_hours(agenda, meeting_id,
                                                                   published):
    resp = agenda.get(f"{API}/{meeting_id}/agenda.ics")
    assert resp.headers["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(resp.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/El_Salvador"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {f"{s}@{meeting_id}.podium" for s in (
        "opening", "workshop", "lunch", "departure")}
    opening = events[f"opening@{meeting_id}.podium"]
    assert opening.decoded("DTSTART").isoformat() == "2030-06-19T14:00:00-06:00"
    assert opening["DTSTART"].params["TZID"] == "America/El_Salvador"
    morning = events[f"workshop@{meeting_id}.podium"]
    # "During the morning" uses the meeting's own morning hours.
    assert morning.decoded("DTSTART").isoformat() == "2030-06-19T08:30:00-06:00"
    assert morning.decoded("DTEND").isoformat() == "2030-06-19T12:30:00-06:00"
    assert "accredited" in str(morning["DESCRIPTION"])
    departure = events[f"departure@{meeting_id}.podium"]
    # "All day" is a DATE event, as calendar clients show whole days.
    assert departure.decoded("DTSTART").isoformat() == "2030-06-21"
    assert departure.decoded("DTEND").isoformat() == "2030-06-22"
    assert {int(e["SEQUENCE"]) for e in events.values()} == {0}
    # The same version serialises to the same bytes (DTSTAMP is the publication time).
    assert agenda.get(f"{API}/{meeting_id}/agenda.ics").content == resp.content


def _by_session(doc, sid: str):
    """The schedule.xml event of a session, found by the session's page link."""
    (found,) = [e for e in doc.iter("event") if e.findtext("url").endswith(f"#s-{sid}")]
    return found


def test_schedule_xml_is_valid_against_the_frab_schemas(agenda, meeting_id, published):
    resp = agenda.get(f"{API}/{meeting_id}/schedule.xml")
    assert resp.status_code == 200 and "xml" in resp.headers["Content-Type"]
    assert_valid_schedules(agenda, meeting_id)  # today's XSD and JSON schema, and 2020's
    doc = etree.fromstring(resp.content)
    assert [(d.get("date"), d.get("start"), d.get("end")) for d in doc.findall("day")] == [
        ("2030-06-19", "2030-06-19T08:30:00-06:00", "2030-06-19T17:30:00-06:00"),
        ("2030-06-20", "2030-06-20T08:30:00-06:00", "2030-06-20T17:30:00-06:00"),
        ("2030-06-21", "2030-06-21T08:30:00-06:00", "2030-06-21T17:30:00-06:00")]
    assert doc.findtext("conference/acronym") == meeting_id.replace("-", "_")
    opening = _by_session(doc, "opening")
    assert opening in doc.findall("day[@index='1']/room[@name='Room of Honor']/event")
    assert opening.findtext("start") == "14:00" and opening.findtext("duration") == "00:15"
    assert opening.findtext("date") == "2030-06-19T14:00:00-06:00"
    assert [p.text for p in opening.findall("persons/person")] == ["PPT"]
    acronym = meeting_id.replace("-", "_")
    assert opening.findtext("slug") == f"{acronym}-{opening.get('id')}-opening"
    site = agenda.app.config["PUBLIC_AGENDA_URL"]
    assert opening.findtext("url") == f"{site}/events/{meeting_id}#s-opening"
    page = agenda.get(f"/events/{meeting_id}", headers={"Accept": "text/html"}).text
    assert 'id="s-opening"' in page  # the link lands on the session
    workshop = _by_session(doc, "workshop")
    assert workshop.findtext("start") == "08:30" and workshop.findtext("duration") == "04:00"


def test_the_rcm_seed_schedule_xml_is_valid(agenda, meeting_id, make_token):
    from services.agenda.tests.helpers import seed_text

    org = make_token(meeting_id)
    resp = agenda.post(f"{API}/{meeting_id}/import", org, data=seed_text().encode(),
                       headers={"Content-Type": "text/plain"})
    assert resp.status_code == 200
    publish(agenda, org, meeting_id)
    assert_valid_schedules(agenda, meeting_id)
    doc = etree.fromstring(agenda.get(f"{API}/{meeting_id}/schedule.xml").content)
    assert len(doc.findall("day/room/event")) == 31


def test_schedule_json_mirrors_the_xml(agenda, meeting_id, published):
    body = agenda.get(f"{API}/{meeting_id}/schedule.json").json()
    conference = body["schedule"]["conference"]
    assert conference["acronym"] == meeting_id.replace("-", "_")
    assert conference["daysCount"] == 3
    assert conference["time_zone_name"] == "America/El_Salvador"
    day2 = conference["days"][1]
    assert (day2["date"], day2["day_start"], day2["day_end"]) == (
        "2030-06-20", "2030-06-20T08:30:00-06:00", "2030-06-20T17:30:00-06:00")
    (lunch,) = day2["rooms"]["Room of Honor"]
    assert (lunch["title"], lunch["start"], lunch["duration"], lunch["type"]) == (
        "Lunch", "12:30", "01:00", "meal")
    assert lunch["end"] == "2030-06-20T13:30:00-06:00"
    opening = conference["days"][0]["rooms"]["Room of Honor"][0]
    assert opening["persons"] == [{"name": "PPT", "public_name": "PPT"}]
    xml = etree.fromstring(agenda.get(f"{API}/{meeting_id}/schedule.xml").content)
    events = {e["guid"]: e for d in conference["days"] for r in d["rooms"].values() for e in r}
    assert {e.get("guid") for e in xml.iter("event")} == set(events)
    assert {e.findtext("slug") for e in xml.iter("event")} == {
        e["slug"] for e in events.values()}
