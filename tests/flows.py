"""Steps shared by the cross-service tests, written as a user would take them."""

from __future__ import annotations

import re

from conftest import wait_until


def create_meeting(agenda, token: str, event_id: str, *, capacity: int | None = 10) -> str:
    """An organiser creates a one-day meeting with one room and one session; returns its id."""
    resp = agenda.put(f"/api/v1/events/{event_id}", token, json={
        "title": "Test meeting", "timezone": "America/El_Salvador",
        "first_day": "2030-06-19", "last_day": "2030-06-21"})
    assert resp.status_code == 200, resp.text
    resp = agenda.post(f"/api/v1/events/{event_id}/rooms", token,
                       json={"id": "honor", "name": "Room of Honor"})
    assert resp.status_code == 201, resp.text
    resp = agenda.post(f"/api/v1/events/{event_id}/sessions", token, json={
        "id": "opening", "day": "2030-06-19", "start": "14:00", "end": "14:15",
        "title": "Opening remarks", "kind": "ceremony", "room": "honor", "capacity": capacity})
    assert resp.status_code == 201, resp.text
    return "opening"


def if_match(server, token: str, path: str) -> dict:
    """The If-Match an edit of ``path`` needs: its current ETag, read as the pages read it
    (organisers' edits are conditional; without one they are refused with 428)."""
    resp = server.get(path, token)
    assert resp.status_code == 200, resp.text
    return {"If-Match": resp.headers["ETag"]}


def edit_session(agenda, token: str, path: str, body: dict):
    """An organiser changes a draft session as the agenda desk does: read, then PATCH."""
    return agenda.patch(path, token, json=body, headers=if_match(agenda, token, path))


def publish(agenda, token: str, event_id: str, note: str = "") -> dict:
    resp = agenda.post(f"/api/v1/events/{event_id}/publish", token, json={"note": note})
    assert resp.status_code == 201, resp.text
    return resp.json()


def register(registration, mailbox, event_id: str, email: str, name: str = "Ana Pérez",
             language: str = "en", delegation: str = "El Salvador",
             category: str = "member_country") -> tuple[str, str]:
    """A delegate registers and follows the link in the e-mail; returns (id, token)."""
    body = {"name": name, "email": email, "delegation": delegation, "category": category,
            "language": language}
    # The registration service learns of the meeting from the bus: wait until it has.
    resp = wait_until(lambda: (lambda x: x if x.status_code != 404 else None)(
        registration.post(f"/api/v1/events/{event_id}/delegates", json=body)))
    assert resp.status_code == 201, resp.text
    delegate_id = resp.json()["id"]
    mail = mailbox.wait_for(lambda m: email in str(m["To"]) and "registration" in str(
        m["Subject"]).lower() or email in str(m["To"]) and "inscripción" in str(m["Subject"]))
    link = re.search(r"https?://\S+token=([^&\s]+)&lang=(\w+)",
                     mail[0].get_body(("plain",)).get_content())
    assert link, "the registration e-mail carries a personal link"
    assert link.group(2) == language  # it opens in the delegate's language
    return delegate_id, link.group(1)


def sign_up(registration, event_id: str, delegate_id: str, token: str, session_id: str):
    path = f"/api/v1/events/{event_id}/delegates/{delegate_id}/sessions"
    # The copy of the agenda arrives from the bus; an unknown session is a 404 until then.
    return wait_until(lambda: (lambda x: x if x.status_code != 404 else None)(
        registration.post(path, token, json={"session": session_id})))
