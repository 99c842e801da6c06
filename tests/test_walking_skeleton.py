"""The skeleton's promise, end to end through real processes: agenda -> bus -> registration
-> bus -> notify consumer -> Celery worker -> SMTP, and exactly one e-mail."""

from __future__ import annotations

import json

from conftest import consumer_args, wait_until
from tests import flows


def _change_mails(mailbox, email):
    return [m for m in mailbox.to(email) if "Agenda changes" in str(m["Subject"])]


def _suppressed(r, event_id, notice_id="chg-v2"):
    from services.notify import keys

    return int(r.hget(keys.suppressed(event_id), notice_id) or 0)


def test_a_time_change_reaches_the_delegate_once(suite, r, meeting_id, make_token, mailbox):
    agenda, registration, notify = suite["agenda"], suite["registration"], suite["notify"]
    org = make_token(meeting_id)
    session = flows.create_meeting(agenda, org, meeting_id)
    flows.publish(agenda, org, meeting_id, "First version")

    email = f"ana.{meeting_id}@example.org"
    delegate_id, delegate_token = flows.register(registration, mailbox, meeting_id, email)
    resp = flows.sign_up(registration, meeting_id, delegate_id, delegate_token, session)
    assert resp.status_code == 201 and resp.json()["state"] == "confirmed"

    resp = flows.edit_session(agenda, org, f"/api/v1/events/{meeting_id}/sessions/{session}",
                              {"start": "15:00", "end": "15:30"})
    assert resp.status_code == 200, resp.text
    version = flows.publish(agenda, org, meeting_id, "Opening moved")
    assert version["changes"][0]["labels"] == ["moved_time"]

    mail = mailbox.wait_for(lambda m: email in str(m["To"]) and "Agenda changes" in str(
        m["Subject"]))[0]
    text = mail.get_body(("plain",)).get_content()
    assert "Opening remarks" in text and "15:00" in text and "14:00" in text
    # The organiser sees it delivered; nothing more is queued for it.
    status = wait_until(lambda: (lambda b: b if b["counts"] == {"sent": 1} else None)(
        notify.get(f"/api/v1/events/{meeting_id}/notices/chg-v2", org).json()))
    assert status["recipients"][delegate_id]["status"] == "sent"
    assert len(_change_mails(mailbox, email)) == 1


def test_consumer_killed_before_ack_still_sends_exactly_once(
        suite, r, meeting_id, make_token, mailbox, notify_consumer, process_factory, tmp_path):
    agenda, registration = suite["agenda"], suite["registration"]
    org = make_token(meeting_id)
    session = flows.create_meeting(agenda, org, meeting_id)
    flows.publish(agenda, org, meeting_id)
    email = f"luis.{meeting_id}@example.org"
    delegate_id, token = flows.register(registration, mailbox, meeting_id, email, "Luis")
    assert flows.sign_up(registration, meeting_id, delegate_id, token,
                         session).status_code == 201
    # Let the shared consumer see the sign-up, then hand the group to a crashing one.
    from services.notify import keys

    wait_until(lambda: r.hget(keys.participants(meeting_id, session), delegate_id))
    notify_consumer.stop()
    crashing = process_factory("notify-consumer-crash", *consumer_args("notify", "test"))
    crashing.start(PODIUM_FAULT="crash_before_ack:agenda.published",
                   PODIUM_FAULT_MARKER=str(tmp_path / "crashed"))
    try:
        flows.edit_session(agenda, org, f"/api/v1/events/{meeting_id}/sessions/{session}",
                           {"room": None})
        flows.publish(agenda, org, meeting_id, "Room to be announced")
        assert crashing.wait_exit(60) != 0, "the consumer died between handling and acking"
        assert (tmp_path / "crashed").exists()
        stream = f"podium:{{{meeting_id}}}:bus"
        assert r.xpending(stream, "notify")["pending"] >= 1, "the entry was left unacked"
    finally:
        notify_consumer.start()  # same consumer name: it picks up its pending entry
    wait_until(lambda: r.xpending(f"podium:{{{meeting_id}}}:bus", "notify")["pending"] == 0)
    wait_until(lambda: _suppressed(r, meeting_id) >= 1)
    assert len(_change_mails(mailbox, email)) == 1
    deliveries = r.hgetall(keys.deliveries(meeting_id, "chg-v2"))
    assert json.loads(deliveries[delegate_id])["status"] == "sent"
