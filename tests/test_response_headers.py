"""No response header carries user text: titles, names and warnings go in bodies.

A header can hold only Latin-1 (HTTP/1.1 wants ASCII) and no line break: a room-clash
warning naming a title in typographic quotes went into a header and answered 500 after the
edit was saved. Every header a route sets is checked here with hostile text in every field
a user writes: ETags are hashes, file names are fixed, redirects are percent-encoded."""

from __future__ import annotations

from tests import flows

HOSTILE = "“Sesión” — 移民 \U0001f30e"
HTML = {"Accept": "text/html"}


def _assert_clean(resp, *texts: str) -> None:
    for name, value in resp.headers.items():
        assert value.isascii() and "\r" not in value and "\n" not in value, (name, value)
        for text in texts:
            assert text[:6] not in value, (name, value)


def test_agenda_headers_carry_no_titles(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    path = f"/api/v1/events/{meeting_id}"
    resp = agenda.put(path, org, json={
        "title": f"Meeting {HOSTILE}", "timezone": "America/El_Salvador",
        "first_day": "2030-06-19", "last_day": "2030-06-21", "city": HOSTILE})
    _assert_clean(resp, HOSTILE)
    for room, name in (("honor", f"Room {HOSTILE}"), ("b", "B")):
        _assert_clean(agenda.post(f"{path}/rooms", org, json={"id": room, "name": name}),
                      HOSTILE)
    for sid in ("a", "b"):
        resp = agenda.post(f"{path}/sessions", org, json={
            "id": sid, "day": "2030-06-19", "start": "09:00", "end": "10:00", "room": "honor",
            "title": f"{sid} {HOSTILE}", "leads": [HOSTILE], "notes": [HOSTILE],
            "items": [{"title": HOSTILE, "leads": [HOSTILE]}]})
        assert resp.status_code == 201, resp.text
        _assert_clean(resp, HOSTILE)
    assert [w["reason"] for w in resp.json()["warnings"]] == ["room_clash"]  # in the body
    resp = flows.edit_session(agenda, org, f"{path}/sessions/a",
                              {"start": "09:15", "end": "10:15"})
    assert resp.status_code == 200 and resp.json()["warnings"], resp.text
    _assert_clean(resp, HOSTILE)
    _assert_clean(agenda.post(f"{path}/publish", org, json={"note": HOSTILE}), HOSTILE)
    for read in ("", "/rooms", "/sessions", "/sessions/a", "/versions", "/versions/1",
                 "/agenda", "/agenda.ics", "/schedule.xml", "/schedule.json"):
        resp = agenda.get(path + read, org)
        assert resp.status_code == 200, (read, resp.text)
        _assert_clean(resp, HOSTILE)
    for page in (f"/events/{meeting_id}", f"/events/{meeting_id}/organise", "/"):
        resp = agenda.get(page, headers=HTML)
        assert resp.status_code == 200 and HOSTILE in resp.text
        _assert_clean(resp, HOSTILE)


def test_registration_redirects_and_downloads_carry_no_user_text(suite, meeting_id,
                                                                 make_token, mailbox):
    agenda, registration = suite["agenda"], suite["registration"]
    org = make_token(meeting_id)
    flows.create_meeting(agenda, org, meeting_id)
    flows.publish(agenda, org, meeting_id)
    did, token = flows.register(registration, mailbox, meeting_id,
                                f"ana.{meeting_id}@example.org", f"Ana {HOSTILE}")
    # A form's Post/Redirect/Get: the query as typed (line breaks, quotes) comes back
    # percent-encoded in Location.
    resp = registration.post(f"/events/{meeting_id}/me/signup?token={token}"
                             "&lang=es%0d%0aSet-Cookie:%20x%E2%80%9C", headers=HTML,
                             data={"session": "opening"}, allow_redirects=False)
    assert resp.status_code == 303, resp.text
    _assert_clean(resp, HOSTILE)
    assert "Set-Cookie" not in resp.headers and "/me?" in resp.headers["Location"]
    calendar = registration.get(f"/api/v1/events/{meeting_id}/delegates/{did}/agenda.ics",
                                token)
    assert calendar.status_code == 200, calendar.text
    _assert_clean(calendar, HOSTILE)
    assert calendar.headers["Content-Disposition"] == 'attachment; filename="my-agenda.ics"'
