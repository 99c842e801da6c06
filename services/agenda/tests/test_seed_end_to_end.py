"""The customer's agenda (RCM 2017) imported by API and by CLI, then published and exported."""

from __future__ import annotations

import subprocess

import icalendar
import pytest

from conftest import BIN
from services.agenda.tests.helpers import API, SEED, draft, seed_text

RCGM = "Meeting of the Regional Consultation Group on Migration (RCGM)"


def _import_by_api(agenda, org, eid):
    resp = agenda.post(f"{API}/{eid}/import", org, data=seed_text().encode(),
                       headers={"Content-Type": "text/plain"})
    assert resp.status_code == 200, resp.text


def _import_by_cli(_agenda, _org, eid, suite_env, *extra):
    done = subprocess.run([str(BIN / "podium"), "agenda", "import", str(SEED), "--event", eid,
                           *extra], env=suite_env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("how", ["api", "cli"])
def test_the_seed_gives_the_rcm_structure(agenda, meeting_id, make_token, suite_env, how):
    org = make_token(meeting_id)
    if how == "api":
        _import_by_api(agenda, org, meeting_id)
    else:
        out = _import_by_cli(agenda, org, meeting_id, suite_env)
        assert "Imported 31 sessions over 5 days (2017-06-19 to 2017-06-23)" in out
    sessions = draft(agenda, org, meeting_id)
    rooms = {r["id"]: r["name"] for r in agenda.get(f"{API}/{meeting_id}/rooms").json()}
    assert sorted(rooms.values()) == ["Room Camilo Minero", "Room of Honor"]
    assert sorted({s["day"] for s in sessions}) == [f"2017-06-{d}" for d in range(19, 24)]

    workshops = [s for s in sessions if s["kind"] == "workshop"]
    assert [(w["day"], w["part_of_day"]) for w in workshops] == [
        ("2017-06-19", "all_day"), ("2017-06-20", "morning")]
    assert {w["access"] for w in workshops} == {"accredited"}
    assert len({w["accreditation"] for w in workshops}) == 1 and workshops[0]["accreditation"]

    liaison = [s for s in sessions if s["meeting"] == "Liaison Officers Network"]
    assert len(liaison) == 2 and len({s["room"] for s in liaison}) == 2
    assert len({s["parallel_group"] for s in liaison}) == 1 and liaison[0]["parallel_group"]
    assert {s["day"] for s in liaison} == {"2017-06-21"}

    rcgm = [s for s in sessions if s["meeting"] == RCGM]
    timed = [s for s in rcgm if s["start"]]
    assert len(timed) == len(rcgm) == 25
    assert {s["day"] for s in timed} == {"2017-06-21", "2017-06-22"}
    by_start = {(s["day"], s["start"]): s for s in timed}
    start_of_work = by_start[("2017-06-21", "14:15")]
    assert start_of_work["leads"] == ["PPT"]
    assert [i["title"] for i in start_of_work["items"]] == ["Approval of the agenda",
                                                            "Logistical information"]
    proposals = by_start[("2017-06-22", "14:30")]
    assert proposals["items"][4]["leads"] == ["El Salvador", "Mexico"]
    assert len(proposals["items"][5]["items"]) == 3
    assert [(s["day"], s["start"], s["end"]) for s in rcgm if s["kind"] == "break"] == [
        ("2017-06-21", "15:30", "15:45"), ("2017-06-22", "10:30", "10:45")]
    assert [(s["start"], s["end"]) for s in rcgm if s["kind"] == "meal"] == [("12:30", "13:30")]
    departure = [s for s in sessions if s["kind"] == "departure"]
    assert [(s["day"], s["part_of_day"]) for s in departure] == [("2017-06-23", "all_day")]


def test_the_published_rcm_agenda_exports_a_calendar_that_parses(
        agenda, meeting_id, make_token, suite_env):
    org = make_token(meeting_id)
    out = _import_by_cli(agenda, org, meeting_id, suite_env, "--publish", "--note", "First")
    assert "Published version 1" in out
    resp = agenda.get(f"{API}/{meeting_id}/agenda.ics")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(resp.content)
    events = cal.walk("VEVENT")
    assert len(events) == 31
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "America/El_Salvador"
    opening = next(e for e in events if str(e["SUMMARY"]).startswith("Opening remarks"))
    assert opening.decoded("DTSTART").isoformat() == "2017-06-21T14:00:00-06:00"
    assert str(opening["LOCATION"]) == "Room of Honor"
    resp = agenda.get(f"{API}/{meeting_id}/versions/1")
    assert resp.json()["note"] == "First"


def test_the_cli_reports_a_bad_document_and_changes_nothing(agenda, meeting_id, make_token,
                                                            suite_env, tmp_path):
    org = make_token(meeting_id)
    _import_by_api(agenda, org, meeting_id)
    before = draft(agenda, org, meeting_id)
    bad = tmp_path / "notes.txt"
    bad.write_text("Just some notes, no days at all.\n")
    done = subprocess.run([str(BIN / "podium"), "agenda", "import", str(bad), "--event",
                           meeting_id], env=suite_env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and "no_days" in done.stderr
    assert draft(agenda, org, meeting_id) == before
