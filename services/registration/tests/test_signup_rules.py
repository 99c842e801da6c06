"""Sign-up rules: refusals with reasons, part-of-day overlaps, the delegate's own agenda."""

from __future__ import annotations

from icalendar import Calendar

from services.registration.tests.helpers import (
    API,
    events,
    publish_copy,
    register,
    session,
    token_for,
)
from shared.calendar import uid


def _sign_up(registration, event_id, did, sid):
    return registration.post(f"{API}{event_id}/delegates/{did}/sessions",
                             token_for(registration, did, event_id), json={"session": sid})


def test_refusals_carry_a_reason_and_a_message(registration, r, meeting_id, make_token):
    publish_copy(r, meeting_id, [
        session("first", "09:00", "10:00"), session("parallel", "09:30", "10:30"),
        session("gone", "11:00", "12:00", status="cancelled"),
        session("restricted", "14:00", "15:00", access="accredited")])
    d = register(registration, meeting_id, "ana@example.org")
    assert _sign_up(registration, meeting_id, d["id"], "first").status_code == 201
    again = _sign_up(registration, meeting_id, d["id"], "first")
    assert again.status_code == 200 and again.json()["state"] == "confirmed"
    cases = {"parallel": (409, "conflict"), "gone": (409, "session_cancelled"),
             "restricted": (403, "not_accredited"), "nope": (404, "unknown_session")}
    for sid, (status, reason) in cases.items():
        resp = _sign_up(registration, meeting_id, d["id"], sid)
        assert (resp.status_code, resp.json()["reason"]) == (status, reason), sid
        assert resp.headers["Content-Type"] == "application/problem+json"
        assert resp.json()["detail"]
    conflict = _sign_up(registration, meeting_id, d["id"], "parallel").json()
    assert conflict["conflicting_session"] == "first" and "Session first" in conflict["detail"]
    org = make_token(meeting_id)
    registration.put(f"{API}{meeting_id}/registration-settings", org, json={"signups": "closed"})
    resp = _sign_up(registration, meeting_id, d["id"], "restricted")
    assert resp.status_code == 403 and resp.json()["reason"] == "registration_closed"
    resp = registration.delete(f"{API}{meeting_id}/delegates/{d['id']}/sessions/parallel",
                               token_for(registration, d["id"], meeting_id))
    assert resp.status_code == 404 and resp.json()["reason"] == "not_signed_up"


def test_part_of_day_sessions_overlap_timed_sessions_of_that_part(registration, r, meeting_id):
    publish_copy(r, meeting_id, [
        session("consultations", part_of_day="morning"), session("bilateral", "10:00", "11:00"),
        session("lunch-talk", "13:00", "14:00"), session("afternoon", part_of_day="afternoon"),
        session("visit", "16:30", "17:30")])
    d = register(registration, meeting_id, "ana@example.org")
    assert _sign_up(registration, meeting_id, d["id"], "consultations").status_code == 201
    resp = _sign_up(registration, meeting_id, d["id"], "bilateral")
    assert resp.json()["reason"] == "conflict"
    assert resp.json()["conflicting_session"] == "consultations"
    # 13:00 is where the morning (09:00-13:00) ends: touching is not overlapping.
    assert _sign_up(registration, meeting_id, d["id"], "lunch-talk").status_code == 201
    assert _sign_up(registration, meeting_id, d["id"], "visit").status_code == 201
    resp = _sign_up(registration, meeting_id, d["id"], "afternoon")
    assert resp.json()["reason"] == "conflict"


def test_my_agenda_and_its_calendar_use_the_agenda_uids(registration, r, meeting_id):
    publish_copy(r, meeting_id, [session("a", "09:00", "10:00", capacity=1, sequence=2),
                                 session("b", "11:00", "12:00", capacity=1)])
    ana = register(registration, meeting_id, "ana@example.org")
    luis = register(registration, meeting_id, "luis@example.org")
    for sid in ("a", "b"):
        _sign_up(registration, meeting_id, ana["id"], sid)
    _sign_up(registration, meeting_id, luis["id"], "a")
    token = token_for(registration, luis["id"], meeting_id)
    mine = registration.get(f"{API}{meeting_id}/delegates/{luis['id']}/agenda", token).json()
    assert [(s["session"], s["state"], s["position"]) for s in mine] == [("a", "waitlisted", 1)]
    token = token_for(registration, ana["id"], meeting_id)
    resp = registration.get(f"{API}{meeting_id}/delegates/{ana['id']}/agenda.ics?token={token}")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(resp.content)
    entries = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(entries) == {uid(meeting_id, "a"), uid(meeting_id, "b")}
    assert int(entries[uid(meeting_id, "a")]["sequence"]) == 2
    assert str(entries[uid(meeting_id, "b")]["summary"]) == "Session b"


def test_sign_up_events_say_who_where_and_what(registration, r, meeting_id):
    # The sign-up and cancel scripts write these events' data by hand (no cjson): exactly
    # these fields, the same types, and a replay sends none.
    publish_copy(r, meeting_id, [session("a", capacity=1)])
    ana = register(registration, meeting_id, "ana@example.org")
    luis = register(registration, meeting_id, "luis@example.org")
    for d in (ana, luis, ana, luis):
        _sign_up(registration, meeting_id, d["id"], "a")
    for d in (ana, luis):
        resp = registration.delete(f"{API}{meeting_id}/delegates/{d['id']}/sessions/a",
                                   token_for(registration, d["id"], meeting_id))
        assert resp.status_code == 204
    said = [(t.rsplit(".", 1)[1], d) for t, d in events(r, meeting_id, "registration.signup.")]
    assert said == [
        ("confirmed", {"delegate": ana["id"], "session": "a", "state": "confirmed",
                       "position": 0}),
        ("waitlisted", {"delegate": luis["id"], "session": "a", "state": "waitlisted",
                        "position": 1}),
        ("cancelled", {"delegate": ana["id"], "session": "a", "state": "confirmed"}),
        ("promoted", {"delegate": luis["id"], "session": "a", "state": "confirmed"}),
        ("cancelled", {"delegate": luis["id"], "session": "a", "state": "confirmed"})]
