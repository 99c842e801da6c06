"""The meeting-hour defaults (morning, afternoon, door opening) live in shared/meeting_hours.py
and every service reads them from there: no copy of them in product code, and a meeting that
sets none gets them everywhere (its description, calendar times, registration's copy)."""

from __future__ import annotations

import json
import re

from conftest import ROOT, wait_until
from services.registration import keys as reg_keys
from shared import meeting_hours
from tests import flows

PRODUCT = ("services", "shared", "podium")
COPIES = [re.escape(meeting_hours.MORNING), re.escape(meeting_hours.AFTERNOON),
          # the door's default written in place as a fallback (or 30, || 30)
          rf"door_opens_minutes\W{{0,3}}\)?\s*(or|\|\|)\s*{meeting_hours.DOOR_OPENS_MINUTES}\b",
          r"load_default=\d+,\s*validate=validate\.Range\(0,\s*240\)"]


def test_no_service_keeps_its_own_copy_of_the_defaults():
    found = []
    for top in PRODUCT:
        for path in (ROOT / top).rglob("*"):
            if path.suffix not in (".py", ".lua", ".js", ".html") or "tests" in path.parts:
                continue
            if path == ROOT / "shared" / "meeting_hours.py":
                continue
            text = path.read_text(encoding="utf-8")
            found += [f"{path.relative_to(ROOT)}: {p}" for p in COPIES if re.search(p, text)]
    assert found == []


def test_a_meeting_without_hours_gets_the_shared_defaults_everywhere(
        agenda, r, meeting_id, make_token, registration_consumer):
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    event = agenda.get(f"/api/v1/events/{meeting_id}").json()
    assert (event["morning"], event["afternoon"], event["door_opens_minutes"]) == (
        meeting_hours.MORNING, meeting_hours.AFTERNOON, meeting_hours.DOOR_OPENS_MINUTES)
    resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "visit", "day": "2030-06-20", "part_of_day": "all_day", "title": "Visit"})
    assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, meeting_id)
    (visit,) = [s for d in agenda.get(f"/api/v1/events/{meeting_id}/agenda").json()["days"]
                for s in d["sessions"] if s["id"] == "visit"]
    first, last = meeting_hours.MORNING[:5], meeting_hours.AFTERNOON[-5:]
    assert (visit["starts_at"][11:16], visit["ends_at"][11:16]) == (first, last)
    copy = wait_until(lambda: r.get(reg_keys.event(meeting_id)))
    assert json.loads(copy)["door_opens_minutes"] == meeting_hours.DOOR_OPENS_MINUTES


def test_the_readme_states_the_defaults_there_are():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Calendar times for sessions without times", 1)[1].split("\n## ")[0]
    assert f"`morning` (default `{meeting_hours.MORNING}`)" in section
    assert f"`afternoon` (default `{meeting_hours.AFTERNOON}`)" in section
    assert f"{meeting_hours.DOOR_OPENS_MINUTES} minutes" in section
    assert "shared/meeting_hours.py" in section
