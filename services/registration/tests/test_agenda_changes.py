"""Agenda versions published through the agenda service reach sign-ups via the consumer:
capacity raised promotes as many as fit, lowered never evicts; a move reports conflicts."""

from __future__ import annotations

from conftest import wait_until
from services.registration.tests.helpers import API, events, register, seats, token_for
from tests import flows


def _meeting(agenda, org, event_id, sessions):
    resp = agenda.put(f"{API}{event_id}", org, json={
        "title": "Test meeting", "timezone": "America/El_Salvador",
        "first_day": "2030-06-19", "last_day": "2030-06-21"})
    assert resp.status_code == 200, resp.text
    for body in sessions:
        resp = agenda.post(f"{API}{event_id}/sessions", org, json={
            "day": "2030-06-21", "kind": "workshop", "requires_signup": True, **body})
        assert resp.status_code == 201, resp.text


def _publish(agenda, org, event_id):
    resp = agenda.post(f"{API}{event_id}/publish", org, json={"note": ""})
    assert resp.status_code == 201, resp.text
    return resp.json()["version"]


def _copied(r, event_id, version):
    from services.registration import keys

    wait_until(lambda: int(r.get(keys.agenda_version(event_id)) or 0) >= version)


def test_capacity_raised_promotes_and_lowered_never_evicts(
        agenda, registration, registration_consumer, r, meeting_id, make_token):
    org = make_token(meeting_id)
    _meeting(agenda, org, meeting_id, [{"id": "ws", "start": "09:00", "end": "10:00",
                                        "title": "Workshop", "capacity": 2}])
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    people = [register(registration, meeting_id, f"p{i}@example.org")["id"] for i in range(6)]
    for did in people:
        resp = registration.post(f"{API}{meeting_id}/delegates/{did}/sessions",
                                 token_for(registration, did, meeting_id), json={"session": "ws"})
        assert resp.status_code == 201
    assert seats(r, meeting_id, "ws") == (people[:2], people[2:])

    flows.edit_session(agenda, org, f"{API}{meeting_id}/sessions/ws", {"capacity": 4})
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    assert seats(r, meeting_id, "ws") == (people[:4], people[4:])
    promoted = [d["delegate"] for t, d in events(r, meeting_id)
                if t == "registration.signup.promoted"]
    assert promoted == people[2:4]

    flows.edit_session(agenda, org, f"{API}{meeting_id}/sessions/ws", {"capacity": 1})
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    assert seats(r, meeting_id, "ws") == (people[:4], people[4:])
    # Leaving a seat while over the new capacity frees nothing for the waitlist.
    registration.delete(f"{API}{meeting_id}/delegates/{people[0]}/sessions/ws",
                        token_for(registration, people[0], meeting_id))
    assert seats(r, meeting_id, "ws") == (people[1:4], people[4:])


def test_a_moved_session_reports_new_conflicts_and_drops_nobody(
        agenda, registration, registration_consumer, r, meeting_id, make_token):
    org = make_token(meeting_id)
    _meeting(agenda, org, meeting_id, [
        {"id": "early", "start": "09:00", "end": "10:00", "title": "Early talk"},
        {"id": "late", "start": "11:00", "end": "12:00", "title": "Late talk"}])
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    did = register(registration, meeting_id, "ana@example.org")["id"]
    token = token_for(registration, did, meeting_id)
    for sid in ("early", "late"):
        assert registration.post(f"{API}{meeting_id}/delegates/{did}/sessions", token,
                                 json={"session": sid}).status_code == 201
    flows.edit_session(agenda, org, f"{API}{meeting_id}/sessions/late",
                       {"start": "09:30", "end": "10:30"})
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    conflicts = wait_until(lambda: [d for t, d in events(r, meeting_id)
                                    if t == "registration.signup.conflict"])
    assert conflicts == [{"delegate": did, "session": "late", "conflicting_session": "early",
                          "conflicting_title": "Early talk"}]
    mine = registration.get(f"{API}{meeting_id}/delegates/{did}/agenda", token).json()
    assert sorted(s["session"] for s in mine) == ["early", "late"]


def test_a_session_made_restricted_keeps_only_covered_delegates_and_promotes_no_one_else(
        agenda, registration, registration_consumer, r, meeting_id, make_token):
    """Review finding: promotion once ignored accreditation, so a waitlisted delegate whose
    accreditation did not cover a session made restricted later got a seat in it."""
    org = make_token(meeting_id)
    # A later session already carries the 'child' scope, so approving for it is accepted.
    _meeting(agenda, org, meeting_id, [{"id": "ws", "start": "09:00", "end": "10:00",
                                        "title": "Workshop", "capacity": 1},
                                       {"id": "child-2", "start": "15:00", "end": "16:00",
                                        "title": "Follow-up", "access": "accredited",
                                        "accreditation": "child"}])
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    seated, waiting, covered = (register(registration, meeting_id, f"{n}@example.org")["id"]
                                for n in ("seated", "waiting", "covered"))
    for did in (seated, waiting, covered):
        registration.post(f"{API}{meeting_id}/delegates/{did}/sessions",
                          token_for(registration, did, meeting_id), json={"session": "ws"})
    resp = registration.post(f"{API}{meeting_id}/delegates/{covered}/accreditation", org,
                             json={"decision": "approve", "scopes": ["child"], "reason": "ok"})
    assert resp.status_code in (200, 201), resp.text
    assert seats(r, meeting_id, "ws") == ([seated], [waiting, covered])

    flows.edit_session(agenda, org, f"{API}{meeting_id}/sessions/ws",
                       {"access": "accredited", "accreditation": "child", "capacity": 3})
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    assert seats(r, meeting_id, "ws") == ([covered], [])
    dropped = {d["delegate"]: d["reason"] for t, d in events(r, meeting_id)
               if t == "registration.signup.cancelled"}
    assert dropped == {seated: "access_changed", waiting: "access_changed"}


def test_a_reinstated_session_reports_the_double_booking_it_creates(
        agenda, registration, registration_consumer, r, meeting_id, make_token):
    """Review finding: sign-ups ignore cancelled sessions, so reinstating one could leave a
    delegate in two overlapping sessions without a word."""
    org = make_token(meeting_id)
    _meeting(agenda, org, meeting_id, [
        {"id": "a", "start": "09:00", "end": "10:00", "title": "Talk A"},
        {"id": "b", "start": "09:30", "end": "10:30", "title": "Talk B"}])
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    did = register(registration, meeting_id, "ana@example.org")["id"]
    token = token_for(registration, did, meeting_id)
    path = f"{API}{meeting_id}/delegates/{did}/sessions"
    assert registration.post(path, token, json={"session": "a"}).status_code == 201
    flows.edit_session(agenda, org, f"{API}{meeting_id}/sessions/a", {"status": "cancelled"})
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    assert registration.post(path, token, json={"session": "b"}).status_code == 201
    flows.edit_session(agenda, org, f"{API}{meeting_id}/sessions/a", {"status": "scheduled"})
    _copied(r, meeting_id, _publish(agenda, org, meeting_id))
    conflicts = wait_until(lambda: [d for t, d in events(r, meeting_id)
                                    if t == "registration.signup.conflict"])
    assert conflicts == [{"delegate": did, "session": "a", "conflicting_session": "b",
                          "conflicting_title": "Talk B"}]
