"""Change notices end to end: agenda publish over HTTP -> bus -> notify consumer process ->
Celery worker process -> the test's SMTP server."""

from __future__ import annotations

from icalendar import Calendar

from conftest import wait_until
from services.notify.tests.conftest import notice_settled
from shared.calendar import uid
from tests import flows


def _session(agenda, org, eid, sid, day, start, end, title, capacity=None, room="honor"):
    resp = agenda.post(f"/api/v1/events/{eid}/sessions", org, json={
        "id": sid, "day": day, "start": start, "end": end, "title": title,
        "kind": "meeting", "room": room, "capacity": capacity})
    assert resp.status_code == 201, resp.text


def _calendars(mail) -> list[Calendar]:
    return [Calendar.from_ical(part.get_content()) for part in mail.iter_attachments()
            if part.get_content_type() == "text/calendar"]


def _change_mails(mailbox, email, wait=True):
    """The change notices an address received ("sent" is recorded as the message is handed
    over, a moment before the server has it: wait for it to arrive)."""
    def mails():
        return [m for m in mailbox.to(email) if str(m["Podium-Notice"]).endswith("/chg-v2")]

    return wait_until(mails) if wait else mails()


def test_two_moved_sessions_make_one_mail_per_affected_delegate(
        suite, meeting_id, make_token, mailbox):
    agenda, registration, notify = suite["agenda"], suite["registration"], suite["notify"]
    org, eid = make_token(meeting_id), meeting_id
    flows.create_meeting(agenda, org, eid)  # "opening" 2030-06-19 14:00 in the Room of Honor
    assert agenda.post(f"/api/v1/events/{eid}/rooms", org,
                       json={"id": "b", "name": "Room B"}).status_code == 201
    _session(agenda, org, eid, "panel", "2030-06-20", "10:00", "11:00", "Panel", 1, room="b")
    _session(agenda, org, eid, "lunch", "2030-06-21", "12:00", "13:00", "Lunch")
    flows.publish(agenda, org, eid, "First version")

    people = {}
    for key, lang in (("ana", "en"), ("ben", "en"), ("eva", "es"), ("carl", "en")):
        email = f"{key}.{eid}@example.org"
        people[key] = (email, *flows.register(registration, mailbox, eid, email,
                                              name=key.title(), language=lang))
    joins = {"ana": ["opening", "panel"], "ben": ["opening"], "eva": ["panel"],
             "carl": ["lunch"]}
    for key, sessions in joins.items():
        _email, did, token = people[key]
        for sid in sessions:
            assert flows.sign_up(registration, eid, did, token, sid).status_code == 201
    # The panel has one seat: Ana has it, Eva waits (and is told of changes all the same).
    wait_until(lambda: any("lista de espera" in str(m["Subject"]) or "espera" in str(
        m["Subject"]) for m in mailbox.to(people["eva"][0])))

    assert flows.edit_session(agenda, org, f"/api/v1/events/{eid}/sessions/opening",
                              {"start": "15:00", "end": "15:15"}).status_code == 200
    assert flows.edit_session(agenda, org, f"/api/v1/events/{eid}/sessions/panel",
                              {"room": "honor"}).status_code == 200
    flows.publish(agenda, org, eid, "Two moves")

    status = notice_settled(notify, org, eid, "chg-v2", 3)
    assert status["counts"] == {"sent": 3}
    assert set(status["recipients"]) == {people[k][1] for k in ("ana", "ben", "eva")}

    ana = _change_mails(mailbox, people["ana"][0])
    assert len(ana) == 1, "both changes in ONE e-mail"
    text = ana[0].get_body(("plain",)).get_content()
    assert "Opening remarks" in text and ("moved from Wednesday 19 June 2030, 14:00–14:15 to "
                                          "Wednesday 19 June 2030, 15:00–15:15") in text
    assert "Panel" in text and "moved to Room of Honor (was: Room B)" in text
    html = ana[0].get_body(("html",)).get_content()
    assert "Opening remarks" in html and "Room of Honor" in html
    calendars = _calendars(ana[0])
    assert len(calendars) == 2
    for cal in calendars:
        assert cal["METHOD"] == "REQUEST"
        event = cal.walk("VEVENT")[0]
        assert int(event["SEQUENCE"]) == 1, "SEQUENCE went up from 0"
        assert str(event["UID"]) in {uid(eid, "opening"), uid(eid, "panel")}
        assert people["ana"][0] in str(event["ATTENDEE"])

    ben = _change_mails(mailbox, people["ben"][0])
    assert len(ben) == 1
    ben_text = ben[0].get_body(("plain",)).get_content()
    assert "Opening remarks" in ben_text and "Panel" not in ben_text

    eva = _change_mails(mailbox, people["eva"][0])
    assert len(eva) == 1
    assert eva[0]["Subject"] == "Cambios en la agenda de Test meeting"
    eva_text = eva[0].get_body(("plain",)).get_content()
    assert "Estimado/a Eva" in eva_text and "pasa a Room of Honor" in eva_text
    assert "lista de espera" in eva_text

    assert _change_mails(mailbox, people["carl"][0], wait=False) == [], "unaffected: nothing"


def test_a_cancelled_session_sends_a_calendar_cancel(suite, meeting_id, make_token, mailbox):
    agenda, registration, notify = suite["agenda"], suite["registration"], suite["notify"]
    org, eid = make_token(meeting_id), meeting_id
    session = flows.create_meeting(agenda, org, eid)
    flows.publish(agenda, org, eid)
    email = f"dora.{eid}@example.org"
    did, token = flows.register(registration, mailbox, eid, email, "Dora")
    assert flows.sign_up(registration, eid, did, token, session).status_code == 201
    assert flows.edit_session(agenda, org, f"/api/v1/events/{eid}/sessions/{session}",
                              {"status": "cancelled"}).status_code == 200
    flows.publish(agenda, org, eid, "Cancelled")
    notice_settled(notify, org, eid, "chg-v2", 1)
    mail = _change_mails(mailbox, email)
    assert len(mail) == 1
    assert "CANCELLED" in mail[0].get_body(("plain",)).get_content()
    (cal,) = _calendars(mail[0])
    assert cal["METHOD"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    # The delegate's outbox shows it; another delegate's token cannot read it.
    outbox = notify.get(f"/api/v1/events/{eid}/delegates/{did}/notices", token)
    assert outbox.status_code == 200
    assert "chg-v2" in [n["id"] for n in outbox.json()]
    assert notify.get(f"/api/v1/events/{eid}/delegates/someone-else/notices",
                      token).status_code == 404
