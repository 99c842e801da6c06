"""The registration bus consumer killed between doing its work and acknowledging it: on
restart it handles the entry again, and each effect still happens exactly once."""

from __future__ import annotations

from conftest import consumer_args, wait_until
from tests import flows


def _conflicts(r, event: str) -> list[dict]:
    return [f for _id, f in r.xrange(f"podium:{{{event}}}:bus")
            if f["type"] == "registration.signup.conflict"]


def test_registration_consumer_killed_before_ack_reports_a_conflict_once(
        suite, r, meeting_id, make_token, mailbox, registration_consumer, process_factory,
        tmp_path):
    agenda, registration = suite["agenda"], suite["registration"]
    org = make_token(meeting_id)
    opening = flows.create_meeting(agenda, org, meeting_id)
    resp = agenda.post(f"/api/v1/events/{meeting_id}/sessions", org, json={
        "id": "later", "day": "2030-06-19", "start": "16:00", "end": "16:30",
        "title": "Later talk", "kind": "meeting", "room": None, "capacity": 10})
    assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, meeting_id)
    email = f"eva.{meeting_id}@example.org"
    did, token = flows.register(registration, mailbox, meeting_id, email, "Eva")
    for sid in (opening, "later"):
        assert flows.sign_up(registration, meeting_id, did, token, sid).status_code == 201

    registration_consumer.stop()
    crashing = process_factory("registration-consumer-crash",
                               *consumer_args("registration", "test"))
    crashing.start(PODIUM_FAULT="crash_before_ack:agenda.published",
                   PODIUM_FAULT_MARKER=str(tmp_path / "crashed"))
    try:
        # "Later talk" moves onto the opening's time: Eva is now in two sessions at once.
        resp = flows.edit_session(agenda, org, f"/api/v1/events/{meeting_id}/sessions/later",
                                  {"start": "14:00", "end": "14:15"})
        assert resp.status_code == 200, resp.text
        flows.publish(agenda, org, meeting_id, "Later talk moved")
        assert crashing.wait_exit(60) != 0, "the consumer died between handling and acking"
        assert (tmp_path / "crashed").exists()
        assert len(_conflicts(r, meeting_id)) == 1  # done once before the crash...
        assert r.xpending(f"podium:{{{meeting_id}}}:bus", "registration")["pending"] >= 1
    finally:
        registration_consumer.start()
    wait_until(lambda: r.xpending(f"podium:{{{meeting_id}}}:bus",
                                  "registration")["pending"] == 0)
    (conflict,) = _conflicts(r, meeting_id)  # ...and not again after the restart
    assert did in conflict["data"]
