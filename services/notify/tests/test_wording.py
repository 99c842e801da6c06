"""What the e-mails say of a session's day, part of day and room, and of an accreditation's
scopes, in both languages: the sessions of the RCM 2017 demo meeting as notify stores them
from ``agenda.published`` (a morning workshop has a day and a part of day, no clock time)."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from services.notify import changes, directory, render
from shared.calendar import uid

EVENT = {"id": "rcm-2017", "title": "RCM 2017", "timezone": "America/El_Salvador"}
MORNING = {"id": "workshop-am", "title": "Workshop on children", "day": "2017-06-20",
           "start": None, "end": None, "part_of_day": "morning",
           "starts_at": "2017-06-20T08:00:00-06:00", "ends_at": "2017-06-20T12:00:00-06:00",
           "room": "minero", "room_name": "Room Camilo Minero", "sequence": 0,
           "status": "scheduled", "access": "accredited", "accreditation": "workshop-typo"}
TIMED = {**MORNING, "id": "opening", "title": "Opening", "part_of_day": None,
         "start": "14:00", "end": "14:15", "starts_at": "2017-06-20T14:00:00-06:00",
         "ends_at": "2017-06-20T14:15:00-06:00", "access": "open", "accreditation": None}
PERSON = {"id": "d1", "name": "Ana", "email": "ana@example.org"}
SENDER = "Podium <noreply@podium.example>"
SEAT_KINDS = ("signup_confirmed", "signup_promoted", "signup_waitlisted")
SAYS = {"en": "Tuesday 20 June 2017, morning, Room Camilo Minero",
        "es": "martes 20 de junio de 2017, mañana, Room Camilo Minero"}


def _mail(kind: str, payload, lang: str, notice: dict | None = None):
    notice = {"id": f"n-{kind}", "kind": kind, **(notice or {})}
    msg, _ = render.build(notice, {**PERSON, "language": lang}, payload, event_id="rcm-2017",
                          sender=SENDER, meeting_title="RCM 2017", meeting=EVENT)
    return msg


def _text(msg) -> str:
    return msg.get_body(("plain",)).get_content()


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("kind", SEAT_KINDS)
def test_a_part_of_day_session_is_named_by_its_day_part_and_room(kind, lang):
    msg = _mail(kind, {"session": MORNING, "position": 2, "reason": "not_accredited"}, lang)
    for body in (_text(msg), msg.get_body(("html",)).get_content()):
        assert f"({SAYS[lang]})" in body
        assert "2017-06-20" not in body and " ," not in body


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_timed_session_is_named_by_its_day_and_hours(lang):
    text = _text(_mail("signup_confirmed", {"session": TIMED}, lang))
    day = "Tuesday 20 June 2017" if lang == "en" else "martes 20 de junio de 2017"
    assert f"({day}, 14:00–14:15, Room Camilo Minero)" in text


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("kind", ["signup_confirmed", "signup_promoted"])
def test_a_seat_brings_the_sessions_calendar_under_the_agendas_uid(kind, lang):
    """Promoted from the waitlist or confirmed at once: the same details and the same
    calendar entry (UID) as the agenda export and the change notices."""
    msg = _mail(kind, {"session": MORNING}, lang)
    assert SAYS[lang] in _text(msg)
    (part,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "workshop-am.ics"
    assert part.get_content_type() == "text/calendar" and part["Content-Type"].params[
        "method"] == "REQUEST"
    cal = Calendar.from_ical(part.get_content())
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == uid("rcm-2017", "workshop-am")
    assert str(event["LOCATION"]) == "Room Camilo Minero"
    assert "ana@example.org" in str(event["ATTENDEE"])


def test_a_seat_in_a_session_without_times_has_no_calendar():
    msg = _mail("signup_promoted", {"session": {"id": "x", "title": "Unknown"}}, "en")
    assert list(msg.iter_attachments()) == []
    assert "you now have a seat in “Unknown”." in _text(msg)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_change_notice_words_old_and_new_times_as_the_pages_do(lang):
    """Moved from a morning to a clock time on the next day (planned from the stored copy)."""
    moved = {**TIMED, "day": "2017-06-21", "start": "09:00", "end": "10:00",
             "starts_at": "2017-06-21T09:00:00-06:00", "ends_at": "2017-06-21T10:00:00-06:00",
             "id": "workshop-am", "title": MORNING["title"], "sequence": 1}
    change = {"session": "workshop-am", "labels": ["moved_time"], "fields": {
        "day": ["2017-06-20", "2017-06-21"], "part_of_day": ["morning", None],
        "start": [None, "09:00"], "end": [None, "10:00"]}}
    item = changes.item(change, moved, MORNING, {})
    text = _text(_mail("change", [{**item, "state": "confirmed"}], lang,
                       {"version": 2, "note": "", "event": EVENT}))
    want = {"en": "moved from Tuesday 20 June 2017, morning to Wednesday 21 June 2017, "
                  "09:00–10:00",
            "es": "cambia de martes 20 de junio de 2017, mañana a miércoles 21 de junio de "
                  "2017, 09:00–10:00"}
    assert want[lang] in text and "2017-06-2" not in text


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_reinstated_session_gives_its_human_date(lang):
    change = {"session": "workshop-am", "labels": ["reinstated"], "fields": {}}
    item = changes.item(change, MORNING, MORNING, {})
    text = _text(_mail("change", [{**item, "state": "confirmed"}], lang,
                       {"version": 2, "note": "", "event": EVENT}))
    assert SAYS[lang].rsplit(", ", 1)[0] in text and "2017-06-20" not in text


def test_scopes_are_named_by_the_titles_of_the_sessions_they_open(r):
    directory.store_sessions(r, "rcm-2017", [TIMED, MORNING, {
        **MORNING, "id": "workshop-pm", "part_of_day": "afternoon",
        "starts_at": "2017-06-20T14:00:00-06:00"}])
    assert directory.scope_titles(r, "rcm-2017", ["workshop-typo"]) == [MORNING["title"]]
    assert directory.scope_titles(r, "rcm-2017", ["general"]) == []
    assert directory.scope_titles(r, "rcm-2017", ["opening", "nobody"]) == ["Opening",
                                                                             "nobody"]


@pytest.mark.parametrize(("lang", "scoped", "general"), [
    ("en", "has been approved: it covers “Workshop on children”.",
     "has been approved: it covers every session"),
    ("es", "ha sido aprobada: le da acceso a «Workshop on children».",
     "ha sido aprobada: le da acceso a todas las sesiones")])
def test_accreditation_mails_name_sessions_not_slugs(lang, scoped, general):
    text = _text(_mail("accreditation_approved", {
        "scopes": ["workshop-typo"], "sessions": [MORNING["title"]], "reason": ""}, lang))
    assert scoped in text and "workshop-typo" not in text
    text = _text(_mail("accreditation_approved", {"scopes": ["general"], "sessions": [],
                                                  "reason": ""}, lang))
    assert general in text and "(general)" not in text
    text = _text(_mail("accreditation_revoked", {
        "scopes": ["workshop-typo"], "sessions": [MORNING["title"]], "reason": "",
        "still_accredited": True}, lang))
    assert MORNING["title"] in text and "workshop-typo" not in text


OUT = {  # kind, payload -> what the e-mail says, in each language
    ("signup_removed", "confirmed"): {
        "en": "“Workshop on children” is now open only to participants with an accreditation",
        "es": "«Workshop on children» queda reservada a participantes con una acreditación"},
    ("signup_left", "confirmed"): {
        "en": f"You have left “Workshop on children” ({SAYS['en']}).",
        "es": f"Ha dejado «Workshop on children» ({SAYS['es']})."},
    ("signup_left", "waitlisted"): {
        "en": f"You have left the waitlist of “Workshop on children” ({SAYS['en']}).",
        "es": f"Ha dejado la lista de espera de «Workshop on children» ({SAYS['es']})."},
}


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize(("kind", "left"), sorted(OUT))
def test_out_of_a_session_gives_its_day_room_and_cancels_its_calendar_entry(kind, left, lang):
    """Removed by registration, or left by the delegate: the session's day, time and room as
    a seat's e-mail words them, and a CANCEL for the entry a seat's e-mail (or a change
    notice) put in their calendar: same UID and ORGANIZER, SEQUENCE above the last REQUEST."""
    session = {**MORNING, "sequence": 3}
    msg = _mail(kind, {"session": session, "position": None, "reason": "access_changed",
                       "left": left}, lang)
    for body in (_text(msg), msg.get_body(("html",)).get_content()):
        assert OUT[kind, left][lang] in body
        assert SAYS[lang] in body and "2017-06-20" not in body
    (part,) = list(msg.iter_attachments())
    assert part.get_filename() == "workshop-am.ics"
    assert part["Content-Type"].params["method"] == "CANCEL"
    cal = Calendar.from_ical(part.get_content())
    assert cal["METHOD"] == "CANCEL"
    (event,) = cal.walk("VEVENT")
    seat = Calendar.from_ical(next(_mail("signup_confirmed", {"session": session}, lang)
                                   .iter_attachments()).get_content())
    (requested,) = seat.walk("VEVENT")
    assert str(event["UID"]) == str(requested["UID"]) == uid("rcm-2017", "workshop-am")
    assert str(event["ORGANIZER"]) == str(requested["ORGANIZER"]) == \
        "mailto:noreply@podium.example"
    assert "ana@example.org" in str(event["ATTENDEE"])
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == int(requested["SEQUENCE"]) + 1 == 4


def test_out_of_a_session_without_times_has_no_calendar():
    msg = _mail("signup_left", {"session": {"id": "x", "title": "Unknown"},
                                "left": "confirmed"}, "en")
    assert list(msg.iter_attachments()) == []
    assert "You have left “Unknown”." in _text(msg)
