"""Registration notices: every registration event on the bus becomes one e-mail in the
delegate's language (events other engineers are still building are written by the test)."""

from __future__ import annotations

import pytest

from conftest import wait_until
from tests import flows

EVENTS = [  # (event type, extra data, English words expected, Spanish words expected)
    ("registration.access_link.sent", {"access_link": "http://x/me?token=abc"},
     ["personal link", "http://x/me?token=abc"], ["enlace personal", "http://x/me?token=abc"]),
    ("registration.accreditation.approved", {"scopes": ["general"], "reason": "", "by": "o"},
     ["has been approved (general)"], ["ha sido aprobada (general)"]),
    ("registration.accreditation.rejected", {"scopes": [], "reason": "Letter missing",
                                             "by": "o"},
     ["not been approved", "Reason: Letter missing"], ["no ha sido aprobada",
                                                       "Motivo: Letter missing"]),
    ("registration.accreditation.revoked", {"scopes": [], "reason": "Left the delegation",
                                            "by": "o"},
     ["revoked", "Reason: Left the delegation"], ["revocada", "Motivo: Left the delegation"]),
    ("registration.signup.confirmed", {"session": "opening", "state": "confirmed",
                                       "position": 0},
     ["You have a seat in “Opening remarks”"], ["Tiene plaza en «Opening remarks»"]),
    ("registration.signup.waitlisted", {"session": "opening", "state": "waitlisted",
                                        "position": 3},
     ["waitlist, in position 3"], ["lista de espera, en el puesto 3"]),
    ("registration.signup.promoted", {"session": "opening", "state": "confirmed",
                                      "position": 0},
     ["you now have a seat in “Opening remarks”"], ["ahora tiene plaza en «Opening remarks»"]),
    ("registration.signup.cancelled", {"session": "opening", "state": "confirmed",
                                       "reason": "accreditation_revoked"},
     ["no longer signed up for “Opening remarks”"], ["ya no está inscrito/a en «Opening"]),
    ("registration.signup.conflict", {"session": "opening", "conflicting_session": "x",
                                      "conflicting_title": "Bilateral"},
     ["now overlaps with “Bilateral”"], ["coincide ahora con «Bilateral»"]),
]


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_registration_event_sends_one_mail_in_the_delegates_language(
        suite, meeting_id, make_token, mailbox, make_delegate, emit, language):
    agenda = suite["agenda"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    flows.publish(agenda, org, meeting_id)  # notify learns the session titles from the bus
    person = make_delegate(meeting_id, "d1", language=language)
    welcome = wait_until(lambda: mailbox.to(person["email"]))
    assert len(welcome) == 1
    assert str(welcome[0]["Subject"]).startswith(
        "Your registration" if language == "en" else "Su inscripción")
    for i, (etype, extra, english, spanish) in enumerate(EVENTS, start=2):
        emit(meeting_id, etype, {"delegate": "d1", **extra})
        mails = wait_until(lambda n=i: (lambda ms: ms if len(ms) >= n else None)(
            mailbox.to(person["email"])))
        assert len(mails) == i, f"{etype}: exactly one e-mail"
        text = mails[-1].get_body(("plain",)).get_content()
        html = mails[-1].get_body(("html",)).get_content()
        for words in english if language == "en" else spanish:
            assert words in text, (etype, text)
        assert ("Dear" if language == "en" else "Estimado/a") in text
        assert "<html" in html and f'lang="{language}"' in html


def test_a_delegates_own_cancellation_sends_nothing(suite, meeting_id, mailbox, make_delegate,
                                                     emit, make_token):
    person = make_delegate(meeting_id, "d2")
    wait_until(lambda: mailbox.to(person["email"]))
    emit(meeting_id, "registration.signup.cancelled",
         {"delegate": "d2", "session": "s", "state": "confirmed"})
    emit(meeting_id, "registration.access_link.sent",
         {"delegate": "d2", "access_link": "http://x/me?token=z"})
    mails = wait_until(lambda: (lambda ms: ms if len(ms) >= 2 else None)(
        mailbox.to(person["email"])))
    assert [("link" in str(m["Subject"])) for m in mails] == [False, True]
