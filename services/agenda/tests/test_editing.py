"""Editing the draft: schema validation, room-clash warnings, ETags and If-Match races."""

from __future__ import annotations

import threading

import pytest
import requests

from services.agenda.tests.helpers import API, add_session, draft, make_meeting
from tests import flows


@pytest.fixture
def org(agenda, meeting_id, make_token):
    token = make_token(meeting_id)
    make_meeting(agenda, token, meeting_id)
    return token


INVALID = [
    ("end before start", {"start": "10:00", "end": "09:00"}, "end"),
    ("end equals start", {"start": "10:00", "end": "10:00"}, "end"),
    ("day before meeting", {"day": "2030-06-18"}, "day"),
    ("day after meeting", {"day": "2030-06-22"}, "day"),
    ("unknown room", {"room": "ballroom"}, "room"),
    ("a room's name for its id", {"room": "Room Camilo Minero"}, "room"),
    ("unknown field", {"colour": "red"}, "colour"),
    ("times and part of day", {"part_of_day": "morning", "start": "09:00"}, "part_of_day"),
    ("bad time", {"start": "9am"}, "start"),
    ("digits of another script", {"start": "0\u0be6:30"}, "start"),
    ("bad kind", {"kind": "party"}, "kind"),
]


@pytest.mark.parametrize(("name", "change", "field"), INVALID, ids=[i[0] for i in INVALID])
def test_an_invalid_session_is_refused_with_the_field_named(agenda, meeting_id, org, name,
                                                            change, field):
    body = {"day": "2030-06-19", "start": "09:00", "end": "10:00", "title": "Item",
            "room": "honor", **change}
    resp = agenda.post(f"{API}/{meeting_id}/sessions", org, json=body)
    assert resp.status_code == 422, resp.text
    assert resp.json()["reason"] == "invalid_input" and field in resp.json()["errors"]
    assert draft(agenda, org, meeting_id) == []


@pytest.mark.parametrize(("name", "change", "field"), INVALID, ids=[i[0] for i in INVALID])
def test_an_invalid_patch_is_refused_and_nothing_changes(agenda, meeting_id, org, name,
                                                         change, field):
    session = add_session(agenda, org, meeting_id, id="item")
    resp = flows.edit_session(agenda, org, f"{API}/{meeting_id}/sessions/item", change)
    assert resp.status_code == 422, resp.text
    assert field in resp.json()["errors"]
    assert agenda.get(f"{API}/{meeting_id}/sessions/item", org).json()["etag"] == session["etag"]


def test_a_room_given_by_name_gets_the_list_of_rooms_back(agenda, meeting_id, org):
    add_session(agenda, org, meeting_id, id="item")
    resp = flows.edit_session(agenda, org, f"{API}/{meeting_id}/sessions/item",
                              {"room": "Room Camilo Minero"})
    assert resp.status_code == 422
    assert resp.json()["errors"]["room"] == [
        "No room 'Room Camilo Minero'; rooms are: honor (Room of Honor), "
        "minero (Room Camilo Minero)."]


def _clashes(resp) -> list[str]:
    return [w["session"] for w in resp.json()["warnings"] if w["reason"] == "room_clash"]


def test_a_room_clash_is_a_warning_not_an_error(agenda, meeting_id, org):
    add_session(agenda, org, meeting_id, id="a", start="09:00", end="10:00")
    resp = agenda.post(f"{API}/{meeting_id}/sessions", org, json={
        "id": "b", "day": "2030-06-19", "start": "09:30", "end": "10:30", "title": "B",
        "room": "honor"})
    assert resp.status_code == 201 and _clashes(resp) == ["a"]
    (warning,) = resp.json()["warnings"]
    assert warning["message"] == "Room honor is also used by a (Item) at that time."
    # A part-of-day session clashes with timed ones inside the meeting's morning hours.
    resp = agenda.post(f"{API}/{meeting_id}/sessions", org, json={
        "id": "c", "day": "2030-06-19", "part_of_day": "morning", "title": "C",
        "room": "honor"})
    assert resp.status_code == 201 and _clashes(resp) == ["a", "b"]
    # Another room, or later the same day after the morning: no warning.
    for body in ({"id": "d", "room": "minero"}, {"id": "e", "start": "13:00", "end": "13:30"}):
        resp = agenda.post(f"{API}/{meeting_id}/sessions", org, json={
            "day": "2030-06-19", "start": "09:00", "end": "10:00", "title": "D",
            "room": "honor", **body})
        assert resp.status_code == 201 and resp.json()["warnings"] == []


def test_a_clash_naming_any_title_is_answered_in_the_body(agenda, r, meeting_id, org):
    """A warning names the other session's title, which no header can carry: typographic
    quotes answered 500 (after saving the edit) when warnings went in a header."""
    title = "Panel “Migración segura” — 移民 \U0001f30e"
    add_session(agenda, org, meeting_id, id="a", title=title)
    add_session(agenda, org, meeting_id, id="b", start="11:00", end="12:00", title="B")
    resp = flows.edit_session(agenda, org, f"{API}/{meeting_id}/sessions/b",
                              {"start": "09:30", "end": "10:30"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["start"] == "09:30" and _clashes(resp) == ["a"]
    assert resp.json()["warnings"][0]["title"] == title
    assert not any(title[:8] in value for value in resp.headers.values())
    assert resp.headers["ETag"] == f'"{resp.json()["etag"]}"'  # a retry is not told 412


def test_a_declared_parallel_group_does_not_warn(agenda, meeting_id, org):
    add_session(agenda, org, meeting_id, id="a", parallel_group="liaison")
    resp = agenda.post(f"{API}/{meeting_id}/sessions", org, json={
        "id": "b", "day": "2030-06-19", "start": "09:00", "end": "10:00", "title": "B",
        "room": "honor", "parallel_group": "liaison"})
    assert resp.status_code == 201 and resp.json()["warnings"] == []
    resp = flows.edit_session(agenda, org, f"{API}/{meeting_id}/sessions/b",
                              {"parallel_group": None})
    assert resp.status_code == 200 and _clashes(resp) == ["a"]


def test_a_room_in_use_cannot_be_deleted(agenda, meeting_id, org):
    add_session(agenda, org, meeting_id, id="a")
    resp = agenda.delete(f"{API}/{meeting_id}/rooms/honor", org)
    assert resp.status_code == 409 and resp.json()["reason"] == "room_in_use"
    assert agenda.delete(f"{API}/{meeting_id}/rooms/minero", org).status_code == 204


def test_meeting_days_and_timezone_are_checked(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    resp = agenda.put(f"{API}/{meeting_id}", org, json={
        "title": "T", "timezone": "America/El_Salvador", "first_day": "2030-06-21",
        "last_day": "2030-06-19"})
    assert resp.status_code == 422 and "last_day" in resp.json()["errors"]
    resp = agenda.put(f"{API}/{meeting_id}", org, json={
        "title": "T", "timezone": "Mars/Olympus", "first_day": "2030-06-19",
        "last_day": "2030-06-19"})
    assert resp.status_code == 422 and "timezone" in resp.json()["errors"]


def test_patch_and_delete_with_a_stale_etag_get_412(agenda, meeting_id, org):
    first = add_session(agenda, org, meeting_id, id="item")
    path = f"{API}/{meeting_id}/sessions/item"
    resp = agenda.patch(path, org, json={"title": "Renamed"},
                        headers={"If-Match": f'"{first["etag"]}"'})
    assert resp.status_code == 200 and resp.headers["ETag"] == f'"{resp.json()["etag"]}"'
    for method, kw in (("PATCH", {"json": {"title": "Late"}}), ("DELETE", {})):
        resp = agenda.request(method, path, org, headers={"If-Match": f'"{first["etag"]}"'},
                              **kw)
        assert resp.status_code == 412 and resp.json()["reason"] == "stale_etag"
    assert agenda.get(path, org).json()["title"] == "Renamed"


def test_two_organisers_racing_one_wins_the_other_gets_412(agenda, meeting_id, org,
                                                           make_token):
    # Invariant: of N edits made against the same ETag, exactly one is applied; every other
    # is refused with 412 and the stored session is the winner's, never a loser's.
    add_session(agenda, org, meeting_id, id="item")
    path = agenda.url + f"{API}/{meeting_id}/sessions/item"
    tokens = [org] + [make_token(meeting_id) for _ in range(7)]
    etag = agenda.get(f"{API}/{meeting_id}/sessions/item", org).headers["ETag"]
    barrier = threading.Barrier(len(tokens))
    results: dict[str, int] = {}

    def edit(i: int, token: str) -> None:
        barrier.wait()
        resp = requests.patch(path, json={"title": f"Edit {i}"}, timeout=30, headers={
            "Authorization": f"Bearer {token}", "If-Match": etag})
        results[f"Edit {i}"] = resp.status_code

    threads = [threading.Thread(target=edit, args=(i, t)) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [title for title, status in results.items() if status == 200]
    assert len(winners) == 1, results
    assert sorted(results.values()) == [200] + [412] * (len(tokens) - 1)
    assert agenda.get(f"{API}/{meeting_id}/sessions/item", org).json()["title"] == winners[0]


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_an_edit_without_if_match_is_refused_with_428(agenda, meeting_id, org, method):
    session = add_session(agenda, org, meeting_id, id="item")
    path = f"{API}/{meeting_id}/sessions/item"
    resp = agenda.request(method, path, org, json={"title": "Blind"} if method == "PATCH"
                          else None)
    assert resp.status_code == 428, resp.text
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.json()
    assert (body["reason"], body["status"], body["title"]) == (
        "if_match_required", 428, "Precondition Required")
    assert "If-Match" in body["detail"]
    assert agenda.get(path, org).json()["etag"] == session["etag"]  # nothing changed
    # The same edit with the session's ETag goes through.
    resp = agenda.request(method, path, org, headers=flows.if_match(agenda, org, path),
                          json={"title": "Seen"} if method == "PATCH" else None)
    assert resp.status_code == (200 if method == "PATCH" else 204), resp.text


def test_replacing_a_meeting_needs_if_match_creating_one_does_not(agenda, meeting_id, org):
    path = f"{API}/{meeting_id}"
    body = {"title": "Renamed", "timezone": "America/El_Salvador",
            "first_day": "2030-06-19", "last_day": "2030-06-21"}
    resp = agenda.put(path, org, json=body)
    assert resp.status_code == 428 and resp.json()["reason"] == "if_match_required"
    resp = agenda.put(path, org, json=body, headers={"If-Match": '"stale"'})
    assert resp.status_code == 412 and resp.json()["reason"] == "stale_etag"
    assert agenda.get(path).json()["title"] == "Test meeting"
    resp = agenda.put(path, org, json=body, headers=flows.if_match(agenda, org, path))
    assert resp.status_code == 200 and resp.json()["title"] == "Renamed"
    assert resp.headers["ETag"] == agenda.get(path).headers["ETag"]


def test_the_api_documents_428_and_412_on_every_conditional_edit(agenda):
    paths = agenda.get("/openapi.json").json()["paths"]
    edits = [("/api/v1/events/{event}/sessions/{session_id}", "patch"),
             ("/api/v1/events/{event}/sessions/{session_id}", "delete"),
             ("/api/v1/events/{event}", "put")]
    for path, method in edits:
        responses = paths[path][method]["responses"]
        assert {"412", "428"} <= set(responses), (path, method, sorted(responses))
