"""Registration notices from the real flows: a delegate registers, asks for their link, signs
up, waits, is promoted, is accredited, revoked and rejected through the registration API; the
registration service's own events reach notify over the bus and each one becomes exactly one
e-mail in the delegate's language (consumer and worker processes, real SMTP server)."""

from __future__ import annotations

import json

import pytest

from conftest import wait_until
from services.notify import keys, planner
from services.notify.tests.conftest import notice_settled
from shared import bus
from shared.keys import bus_stream
from tests import flows

API = "/api/v1/events/"


def _meeting(agenda, org, eid) -> None:
    """Opening (one seat), a session for ministers only (one seat), and lunch."""
    flows.create_meeting(agenda, org, eid, capacity=1)
    for body in ({"id": "closed", "day": "2030-06-20", "start": "10:00", "end": "11:00",
                  "title": "Closed session", "kind": "meeting", "room": "honor", "capacity": 1,
                  "access": "accredited", "accreditation": "ministers"},
                 {"id": "lunch", "day": "2030-06-21", "start": "12:00", "end": "13:00",
                  "title": "Lunch", "kind": "meeting", "room": "honor"}):
        resp = agenda.post(f"{API}{eid}/sessions", org, json=body)
        assert resp.status_code == 201, resp.text
    flows.publish(agenda, org, eid)


def _decide(registration, org, eid, did, decision, reason="Checked", scopes=None):
    body = {"decision": decision, "reason": reason, **({"scopes": scopes} if scopes else {})}
    resp = registration.post(f"{API}{eid}/delegates/{did}/accreditation", org, json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


class Inbox:
    """One address's mail, step by step: each step must bring exactly the e-mails expected."""

    def __init__(self, mailbox, email: str) -> None:
        self.mailbox, self.email, self.seen = mailbox, email, 0

    def expect(self, count: int) -> list:
        want = self.seen + count
        mails = wait_until(lambda: (lambda ms: ms if len(ms) >= want else None)(
            self.mailbox.to(self.email)))
        assert len(mails) == want, f"exactly {count} new e-mail(s)"
        self.seen = want
        return mails[want - count:]


def _text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def _one_saying(mails, *words) -> object:
    found = [m for m in mails if all(w in _text(m) for w in words)]
    assert len(found) == 1, (words, [_text(m) for m in mails])
    return found[0]


WORDS = {  # step -> (English, Spanish)
    "link": (["personal link"], ["enlace personal"]),
    "waitlisted": (["waitlist, in position 1"], ["lista de espera, en el puesto 1"]),
    "promoted": (["you now have a seat in “Opening remarks”"],
                 ["ahora tiene plaza en «Opening remarks»"]),
    # The scope "ministers" is named by the session it opens, not by its slug.
    "approved": (["has been approved: it covers “Closed session”."],
                 ["ha sido aprobada: le da acceso a «Closed session»."]),
    "confirmed": (["You have a seat in “Closed session”"], ["Tiene plaza en «Closed session»"]),
    "revoked": (["has been revoked", "Reason: Left the delegation"],
                ["ha sido revocada", "Motivo: Left the delegation"]),
    "removed": (["no longer signed up for “Closed session”"],
                ["ya no está inscrito/a en «Closed session»"]),
    "rejected": (["not been approved", "Reason: Letter missing"],
                 ["no ha sido aprobada", "Motivo: Letter missing"]),
    "conflict": (["now overlaps with “Opening remarks”"],
                 ["coincide ahora con «Opening remarks»"]),
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_registration_notice_comes_from_the_real_flow_once_in_the_delegates_language(
        suite, meeting_id, make_token, mailbox, language):
    agenda, registration, notify = suite["agenda"], suite["registration"], suite["notify"]
    org, eid = make_token(meeting_id), meeting_id
    _meeting(agenda, org, eid)
    ana_email, ben_email = f"ana.{eid}@example.org", f"ben.{eid}@example.org"
    ana, ana_token = flows.register(registration, mailbox, eid, ana_email, "Ana",
                                    language=language)
    inbox = Inbox(mailbox, ana_email)
    (welcome,) = inbox.expect(1)
    assert str(welcome["Subject"]).startswith(
        "Your registration" if language == "en" else "Su inscripción")
    words = {step: pair[0 if language == "en" else 1] for step, pair in WORDS.items()}

    assert registration.post(f"{API}{eid}/access-link",
                             json={"email": ana_email}).status_code == 202
    (link,) = inbox.expect(1)
    assert "token=" in _one_saying([link], *words["link"]).get_body(("plain",)).get_content()

    ben, ben_token = flows.register(registration, mailbox, eid, ben_email, "Ben")
    assert flows.sign_up(registration, eid, ben, ben_token, "opening").json()["state"] \
        == "confirmed"
    assert flows.sign_up(registration, eid, ana, ana_token, "opening").json()["state"] \
        == "waitlisted"
    _one_saying(inbox.expect(1), *words["waitlisted"])
    assert registration.delete(f"{API}{eid}/delegates/{ben}/sessions/opening",
                               ben_token).status_code == 204
    _one_saying(inbox.expect(1), *words["promoted"])

    _decide(registration, org, eid, ana, "approve", scopes=["ministers"])
    _one_saying(inbox.expect(1), *words["approved"])
    assert flows.sign_up(registration, eid, ana, ana_token, "closed").status_code == 201
    _one_saying(inbox.expect(1), *words["confirmed"])
    _decide(registration, org, eid, ana, "revoke", "Left the delegation")
    both = inbox.expect(2)  # one event each, possibly sent by different workers in any order
    _one_saying(both, *words["revoked"])
    _one_saying(both, *words["removed"])
    _decide(registration, org, eid, ana, "reject", "Letter missing")
    _one_saying(inbox.expect(1), *words["rejected"])

    # Lunch moves on top of the opening: registration reports the clash, and the change notice
    # tells Ana of the move (two notices, two e-mails).
    assert flows.sign_up(registration, eid, ana, ana_token, "lunch").status_code == 201
    inbox.expect(1)
    assert flows.edit_session(agenda, org, f"{API}{eid}/sessions/lunch", {
        "day": "2030-06-19", "start": "14:00", "end": "14:15"}).status_code == 200
    flows.publish(agenda, org, eid, "Lunch moved")
    both = inbox.expect(2)
    _one_saying(both, *words["conflict"])
    assert [m for m in both if str(m["Podium-Notice"]).endswith("/chg-v2")]

    mails = mailbox.to(ana_email)
    for mail in mails:
        assert ("Dear Ana" if language == "en" else "Estimado/a Ana") in _text(mail)
        assert f'lang="{language}"' in mail.get_body(("html",)).get_content()
    assert len({m["Message-ID"] for m in mails}) == len(mails) == 12
    outbox = notify.get(f"{API}{eid}/delegates/{ana}/notices", ana_token).json()
    assert len(outbox) == 12 and all(n["status"] == "sent" for n in outbox)


def test_approval_and_revocation_tell_the_removed_and_the_promoted(suite, meeting_id,
                                                                   make_token, mailbox):
    """The organiser approves through the registration API: exactly one e-mail, in the
    language the delegate chose afterwards. A revocation that takes a delegate out of a
    restricted session tells them, and the next on that session's waitlist is promoted."""
    agenda, registration = suite["agenda"], suite["registration"]
    org, eid = make_token(meeting_id), meeting_id
    _meeting(agenda, org, eid)
    eva_email, ben_email = f"eva.{eid}@example.org", f"ben.{eid}@example.org"
    eva, eva_token = flows.register(registration, mailbox, eid, eva_email, "Eva")
    ben, ben_token = flows.register(registration, mailbox, eid, ben_email, "Ben")
    eva_inbox, ben_inbox = Inbox(mailbox, eva_email), Inbox(mailbox, ben_email)
    eva_inbox.expect(1)
    ben_inbox.expect(1)
    # Eva now prefers Spanish (registration.delegate.updated): later e-mails follow.
    assert registration.patch(f"{API}{eid}/delegates/{eva}", eva_token,
                              json={"language": "es"}).status_code == 200

    _decide(registration, org, eid, eva, "approve", "Pasaporte verificado")
    (approved,) = eva_inbox.expect(1)
    assert str(approved["Subject"]).startswith("Acreditación aprobada")
    assert "ha sido aprobada: le da acceso a todas las sesiones" in _text(approved)
    assert "general" not in _text(approved)
    _decide(registration, org, eid, ben, "approve")
    ben_inbox.expect(1)

    assert flows.sign_up(registration, eid, eva, eva_token, "closed").json()["state"] \
        == "confirmed"
    eva_inbox.expect(1)
    assert flows.sign_up(registration, eid, ben, ben_token, "closed").json()["state"] \
        == "waitlisted"
    ben_inbox.expect(1)

    result = _decide(registration, org, eid, eva, "revoke", "Left the delegation")
    assert result["removed_from"] == ["closed"]
    told = eva_inbox.expect(2)
    _one_saying(told, "ha sido revocada", "Motivo: Left the delegation")
    _one_saying(told, "ya no está inscrito/a en «Closed session»")
    (promoted,) = ben_inbox.expect(1)
    assert "you now have a seat in “Closed session”" in _text(promoted)
    assert str(promoted["Subject"]).startswith("A seat for you")


def _calendar(mail) -> tuple[str, dict]:
    """The method and the one VEVENT of an e-mail's one calendar attachment."""
    from icalendar import Calendar

    (part,) = list(mail.iter_attachments())
    cal = Calendar.from_ical(part.get_content())
    (event,) = cal.walk("VEVENT")
    assert part["Content-Type"].params["method"] == cal["METHOD"]
    return str(cal["METHOD"]), event


LEFT = {  # language -> (seat left, waitlist left), day, time and room as a seat's e-mail
    "en": ("You have left “Opening remarks” (Wednesday 19 June 2030, 14:00–14:15, "
           "Room of Honor).",
           "You have left the waitlist of “Opening remarks” (Wednesday 19 June 2030, "
           "14:00–14:15, Room of Honor)."),
    "es": ("Ha dejado «Opening remarks» (miércoles 19 de junio de 2030, 14:00–14:15, "
           "Room of Honor).",
           "Ha dejado la lista de espera de «Opening remarks» (miércoles 19 de junio de 2030, "
           "14:00–14:15, Room of Honor)."),
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_delegates_own_leave_is_confirmed_and_cancels_the_calendar_entry(
        suite, meeting_id, make_token, mailbox, r, language):
    """Dan leaves his seat: one e-mail says so (day, time, room) and carries a CANCEL for the
    entry his seat's REQUEST made (same UID and ORGANIZER, higher SEQUENCE). Eva, promoted
    into it, leaves too; Fay leaves the waitlist. Planned twice, the leave is one e-mail."""
    agenda, registration = suite["agenda"], suite["registration"]
    org, eid = make_token(meeting_id), meeting_id
    session = flows.create_meeting(agenda, org, eid, capacity=1)
    flows.publish(agenda, org, eid)
    people = {}
    for name in ("Dan", "Eva", "Fay"):
        email = f"{name.lower()}.{eid}@example.org"
        did, token = flows.register(registration, mailbox, eid, email, name, language=language)
        people[name] = (did, token, Inbox(mailbox, email))
        people[name][2].expect(1)
    for name, state in (("Dan", "confirmed"), ("Eva", "waitlisted"), ("Fay", "waitlisted")):
        did, token, inbox = people[name]
        assert flows.sign_up(registration, eid, did, token, session).json()["state"] == state
        inbox.expect(1)
    (dan, dan_token, dan_inbox), (eva, eva_token, eva_inbox) = people["Dan"], people["Eva"]
    (seat,) = [m for m in mailbox.to(f"dan.{eid}@example.org")
               if list(m.iter_attachments())]
    _, requested = _calendar(seat)

    assert registration.delete(f"{API}{eid}/delegates/{dan}/sessions/{session}",
                               dan_token).status_code == 204
    (left,) = dan_inbox.expect(1)
    assert LEFT[language][0] in _text(left)
    assert LEFT[language][0] in left.get_body(("html",)).get_content()
    assert str(left["Subject"]).startswith(
        "You have left a session" if language == "en" else "Ha dejado una sesión")
    method, cancel = _calendar(left)
    assert method == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    assert str(cancel["UID"]) == str(requested["UID"])
    assert str(cancel["ORGANIZER"]) == str(requested["ORGANIZER"])
    assert int(cancel["SEQUENCE"]) > int(requested["SEQUENCE"])
    assert f"dan.{eid}@example.org" in str(cancel["ATTENDEE"])

    (promoted,) = eva_inbox.expect(1)
    _, requested = _calendar(promoted)
    assert registration.delete(f"{API}{eid}/delegates/{eva}/sessions/{session}",
                               eva_token).status_code == 204
    (left,) = eva_inbox.expect(1)
    method, cancel = _calendar(left)
    assert LEFT[language][0] in _text(left) and method == "CANCEL"
    assert str(cancel["UID"]) == str(requested["UID"])
    assert int(cancel["SEQUENCE"]) > int(requested["SEQUENCE"])

    # Fay is promoted to the seat Eva left; Gus joins the waitlist, then leaves it.
    people["Fay"][2].expect(1)
    gus_email = f"gus.{eid}@example.org"
    gus, gus_token = flows.register(registration, mailbox, eid, gus_email, "Gus",
                                    language=language)
    gus_inbox = Inbox(mailbox, gus_email)
    gus_inbox.expect(1)
    assert flows.sign_up(registration, eid, gus, gus_token, session).json()["state"] \
        == "waitlisted"
    (waitlisted,) = gus_inbox.expect(1)
    assert list(waitlisted.iter_attachments()) == []
    assert registration.delete(f"{API}{eid}/delegates/{gus}/sessions/{session}",
                               gus_token).status_code == 204
    (left,) = gus_inbox.expect(1)
    assert LEFT[language][1] in _text(left)
    # A waitlisted delegate may hold the entry too (change notices send it to them): the
    # CANCEL goes, and is harmless to a calendar that never had it.
    assert _calendar(left)[0] == "CANCEL"

    # The bus delivers Dan's leave again: planning it again stores and sends nothing new.
    (nid,) = [nid for nid, raw in r.hgetall(keys.solo(eid)).items()
              if json.loads(raw)["kind"] == "signup_left" and json.loads(raw)["to"] == dan]
    again = bus.Message(bus_stream(eid), nid.removeprefix("su-"),
                        "registration.signup.cancelled", eid,
                        {"delegate": dan, "session": session, "state": "confirmed"}, "", "")
    queued = []
    for _ in range(2):
        planner.plan(r, again, lambda e, n, ids: queued.append((n, ids)))
    assert queued == [(nid, [dan])] * 2
    status = notice_settled(suite["notify"], org, eid, nid, 1)
    assert status["kind"] == "signup_left" and status["counts"] == {"sent": 1}
    assert registration.post(f"{API}{eid}/access-link",
                             json={"email": f"dan.{eid}@example.org"}).status_code == 202
    (link,) = dan_inbox.expect(1)  # the next e-mail is the link: the leave went once
    assert "link" in str(link["Subject"]) or "enlace" in str(link["Subject"])


REMOVED = {  # language -> why, then when and where (as a seat's e-mail words them)
    "en": ("“Opening remarks” is now open only to participants with an accreditation",
           "When and where: Wednesday 19 June 2030, 14:00–14:15, Room of Honor."),
    "es": ("«Opening remarks» queda reservada a participantes con una acreditación",
           "Cuándo y dónde: miércoles 19 de junio de 2030, 14:00–14:15, Room of Honor."),
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_session_closed_to_the_delegates_accreditation_tells_them_why_they_left(
        suite, meeting_id, make_token, mailbox, language):
    """The organiser restricts a session; registration drops the delegates it no longer
    admits (reason ``access_changed``): each gets the change notice and a removal e-mail,
    which names the session's day, time and room and cancels its calendar entry (SEQUENCE
    above the change notice's REQUEST, whichever e-mail arrives first)."""
    agenda, registration = suite["agenda"], suite["registration"]
    org, eid = make_token(meeting_id), meeting_id
    session = flows.create_meeting(agenda, org, eid)
    flows.publish(agenda, org, eid)
    email = f"gus.{eid}@example.org"
    did, token = flows.register(registration, mailbox, eid, email, "Gus", language=language)
    inbox = Inbox(mailbox, email)
    inbox.expect(1)
    assert flows.sign_up(registration, eid, did, token, session).status_code == 201
    (seat,) = inbox.expect(1)
    assert flows.edit_session(agenda, org, f"{API}{eid}/sessions/{session}", {
        "access": "accredited", "accreditation": "ministers"}).status_code == 200
    flows.publish(agenda, org, eid, "Ministers only")
    both = inbox.expect(2)
    removed = _one_saying(both, *REMOVED[language])
    (change,) = [m for m in both if str(m["Podium-Notice"]).endswith("/chg-v2")]
    method, cancel = _calendar(removed)
    assert method == "CANCEL" and str(cancel["STATUS"]) == "CANCELLED"
    for mail in (seat, change):
        requested = _calendar(mail)[1]
        assert str(cancel["UID"]) == str(requested["UID"])
        assert str(cancel["ORGANIZER"]) == str(requested["ORGANIZER"])
        assert int(cancel["SEQUENCE"]) > int(requested["SEQUENCE"])
    mine = registration.get(f"{API}{eid}/delegates/{did}/sessions", token).json()
    assert mine == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_promotion_to_a_part_of_day_session_gives_its_day_room_and_calendar(
        suite, meeting_id, make_token, mailbox, language):
    """A morning workshop (no clock time) with one seat: the waitlisted delegate who is
    promoted reads the day, the part of day and the room, and gets the session's calendar
    entry under the agenda's UID, as a confirmed sign-up does."""
    from icalendar import Calendar

    from shared.calendar import uid

    agenda, registration = suite["agenda"], suite["registration"]
    org, eid = make_token(meeting_id), meeting_id
    flows.create_meeting(agenda, org, eid)
    assert agenda.post(f"{API}{eid}/rooms", org, json={
        "id": "minero", "name": "Room Camilo Minero"}).status_code == 201
    assert agenda.post(f"{API}{eid}/sessions", org, json={
        "id": "workshop", "day": "2030-06-20", "part_of_day": "morning", "title": "Workshop",
        "kind": "meeting", "room": "minero", "capacity": 1}).status_code == 201
    flows.publish(agenda, org, eid)
    says = {"en": "“Workshop” (Thursday 20 June 2030, morning, Room Camilo Minero)",
            "es": "«Workshop» (jueves 20 de junio de 2030, mañana, Room Camilo Minero)"}
    ana_email, ben_email = f"ana.{eid}@example.org", f"ben.{eid}@example.org"
    ana, ana_token = flows.register(registration, mailbox, eid, ana_email, "Ana",
                                    language=language)
    ben, ben_token = flows.register(registration, mailbox, eid, ben_email, "Ben",
                                    language=language)
    ana_inbox, ben_inbox = Inbox(mailbox, ana_email), Inbox(mailbox, ben_email)
    ana_inbox.expect(1)
    ben_inbox.expect(1)
    assert flows.sign_up(registration, eid, ben, ben_token, "workshop").json()["state"] \
        == "confirmed"
    (confirmed,) = ben_inbox.expect(1)
    assert flows.sign_up(registration, eid, ana, ana_token, "workshop").json()["state"] \
        == "waitlisted"
    (waitlisted,) = ana_inbox.expect(1)
    assert registration.delete(f"{API}{eid}/delegates/{ben}/sessions/workshop",
                               ben_token).status_code == 204
    (promoted,) = ana_inbox.expect(1)
    for mail in (confirmed, waitlisted, promoted):
        assert says[language] in _text(mail), _text(mail)
    for mail, email in ((confirmed, ben_email), (promoted, ana_email)):
        (part,) = list(mail.iter_attachments())
        cal = Calendar.from_ical(part.get_content())
        assert cal["METHOD"] == "REQUEST"
        (event,) = cal.walk("VEVENT")
        assert str(event["UID"]) == uid(eid, "workshop")
        assert str(event["LOCATION"]) == "Room Camilo Minero"
        assert email in str(event["ATTENDEE"])
