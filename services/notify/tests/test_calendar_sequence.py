"""Calendar semantics of the seat/leave iMIP parts (RFC 5546), and who an e-mail says took a
delegate out of a session (from review2)."""

from __future__ import annotations

import json

import pytest

from services.notify import keys
from services.notify.tests.test_registration_notices import API, Inbox, _calendar, _text
from tests import flows


def _registered(suite, meeting_id, make_token, mailbox, name, language="en"):
    """A meeting with one 5-seat session, and a delegate registered whose registration
    e-mail has arrived: (meeting id, organiser token, session, delegate, token, inbox)."""
    agenda, registration = suite["agenda"], suite["registration"]
    org, eid = make_token(meeting_id), meeting_id
    session = flows.create_meeting(agenda, org, eid, capacity=5)
    flows.publish(agenda, org, eid)
    email = f"{name.lower()}.{eid}@example.org"
    did, token = flows.register(registration, mailbox, eid, email, name, language=language)
    inbox = Inbox(mailbox, email)
    inbox.expect(1)
    return eid, org, session, did, token, inbox


def test_a_seat_taken_again_after_leaving_outranks_the_cancel(suite, meeting_id, make_token,
                                                                 mailbox):
    """Dan takes a seat (REQUEST), leaves (CANCEL, SEQUENCE n+1), takes it again (REQUEST).
    RFC 5546 2.1.5: a CUA applies the message with the higher SEQUENCE; a REQUEST whose
    SEQUENCE is below the CANCEL's is out of date and the entry stays cancelled. The second
    REQUEST must carry a SEQUENCE above the CANCEL's."""
    registration = suite["registration"]
    eid, org, session, dan, token, inbox = _registered(suite, meeting_id, make_token, mailbox,
                                                      "Dan")
    assert flows.sign_up(registration, eid, dan, token, session).json()["state"] == "confirmed"
    (seat,) = inbox.expect(1)
    assert registration.delete(f"{API}{eid}/delegates/{dan}/sessions/{session}",
                               token).status_code == 204
    (left,) = inbox.expect(1)
    assert flows.sign_up(registration, eid, dan, token, session).json()["state"] == "confirmed"
    (again,) = inbox.expect(1)
    _, first = _calendar(seat)
    method, cancel = _calendar(left)
    method2, second = _calendar(again)
    assert method == "CANCEL" and method2 == "REQUEST"
    assert str(second["UID"]) == str(cancel["UID"])
    assert int(second["SEQUENCE"]) > int(cancel["SEQUENCE"]), (
        f"REQUEST SEQUENCE {int(second['SEQUENCE'])} after CANCEL SEQUENCE "
        f"{int(cancel['SEQUENCE'])}: calendar clients ignore it as out of date")


def test_an_organiser_taking_a_delegate_out_is_not_told_to_them_as_their_own_leave(
        suite, meeting_id, make_token, mailbox):
    """DELETE /delegates/{id}/sessions/{sid} is open to organisers (OWNER_OR_ORGANISER).
    When an organiser takes Dan out, the e-mail must not say "You have left": he did not."""
    registration = suite["registration"]
    eid, org, session, dan, token, inbox = _registered(suite, meeting_id, make_token, mailbox,
                                                      "Dan")
    assert flows.sign_up(registration, eid, dan, token, session).json()["state"] == "confirmed"
    inbox.expect(1)
    assert registration.delete(f"{API}{eid}/delegates/{dan}/sessions/{session}",
                               org).status_code == 204
    (out,) = inbox.expect(1)
    text = out.get_body(("plain",)).get_content()
    assert "You have left" not in text and "You have left" not in str(out["Subject"]), text


REMOVED_BY_ORGANISER = {  # language -> the e-mail's why
    "en": "The organisers have taken you out of “Opening remarks”: you are no longer signed up",
    "es": "La organización le ha dado de baja de «Opening remarks»: ya no está inscrito/a",
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_an_organiser_taking_a_delegate_out_tells_them_so_and_cancels_the_entry(
        suite, meeting_id, make_token, mailbox, language):
    """The removal e-mail says who took the delegate out, in their language, and cancels
    the seat's calendar entry (same UID, STATUS:CANCELLED, SEQUENCE above the seat's)."""
    registration = suite["registration"]
    eid, org, session, eva, token, inbox = _registered(suite, meeting_id, make_token, mailbox,
                                                      "Eva", language)
    assert flows.sign_up(registration, eid, eva, token, session).json()["state"] == "confirmed"
    (seat,) = inbox.expect(1)
    assert registration.delete(f"{API}{eid}/delegates/{eva}/sessions/{session}",
                               org).status_code == 204
    (out,) = inbox.expect(1)
    assert REMOVED_BY_ORGANISER[language] in _text(out), _text(out)
    _, request = _calendar(seat)
    method, cancel = _calendar(out)
    assert method == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert str(cancel["UID"]) == str(request["UID"])
    assert int(cancel["SEQUENCE"]) > int(request["SEQUENCE"])


def test_a_change_after_a_leave_and_a_new_seat_still_rises_above_both(
        suite, meeting_id, make_token, mailbox, r):
    """Seat, leave, seat again, then the agenda changes the session: each iMIP part's
    SEQUENCE is above the one before it (the change notice's REQUEST included), and a
    delivery of the removal tried again would send the number planned (stored with it)."""
    agenda, registration = suite["agenda"], suite["registration"]
    eid, org, session, fay, token, inbox = _registered(suite, meeting_id, make_token, mailbox,
                                                      "Fay")
    mails = []
    for _ in range(2):
        assert flows.sign_up(registration, eid, fay, token, session).status_code == 201
        mails += inbox.expect(1)
        assert registration.delete(f"{API}{eid}/delegates/{fay}/sessions/{session}",
                                   token).status_code == 204
        mails += inbox.expect(1)
    assert flows.sign_up(registration, eid, fay, token, session).status_code == 201
    mails += inbox.expect(1)
    assert flows.edit_session(agenda, org, f"{API}{eid}/sessions/{session}",
                              {"title": "Opening words"}).status_code == 200
    flows.publish(agenda, org, eid, "Renamed")
    mails += inbox.expect(1)
    parts = [_calendar(mail) for mail in mails]
    assert [method for method, _ in parts] == ["REQUEST", "CANCEL"] * 2 + ["REQUEST"] * 2
    assert len({str(cal["UID"]) for _, cal in parts}) == 1
    numbers = [int(cal["SEQUENCE"]) for _, cal in parts]
    assert numbers == sorted(set(numbers)), numbers
    # What was stored with the last removal is what its e-mail carried.
    stored = [json.loads(json.loads(raw)["p"]) for raw in r.hvals(keys.solo(eid))
              if json.loads(raw)["kind"] == "signup_left"]
    assert sorted(p["seq"] for p in stored) == [numbers[1], numbers[3]]
