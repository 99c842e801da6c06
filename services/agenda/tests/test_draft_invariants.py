"""The draft's invariants under many concurrent organisers (operations.py states them):

- every draft session's room is one of the meeting's rooms, and its day within the
  meeting's days, whatever races the edit that would break it;
- of many publishes of one draft at once, exactly one makes a new version; the others
  answer that version, unchanged;
- edits of different sessions, each with its own ETag, never refuse one another.
"""

from __future__ import annotations

import threading
from collections import Counter

import requests

from services.agenda.tests.helpers import API, add_session, draft, make_meeting
from tests import flows

CLIENTS = 12


def _at_once(calls) -> list:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _http(agenda, token: str):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return lambda method, path, **kw: session.request(method, agenda.url + path, timeout=60,
                                                      **kw)


def test_a_room_being_deleted_never_ends_up_used(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)
    for round_ in range(6):
        room = f"r{round_}"
        assert agenda.post(f"{API}/{meeting_id}/rooms", org,
                           json={"id": room, "name": f"Room {round_}"}).status_code == 201
        calls = [lambda room=room: _http(agenda, org)(
            "DELETE", f"{API}/{meeting_id}/rooms/{room}")]
        calls += [lambda i=i, room=room, n=round_: _http(agenda, org)(
            "POST", f"{API}/{meeting_id}/sessions", json={
                "id": f"s{n}-{i}", "day": "2030-06-19", "start": "09:00", "end": "10:00",
                "title": "Side event", "room": room}) for i in range(CLIENTS - 1)]
        deleted, *created = _at_once(calls)
        statuses = Counter(resp.status_code for resp in created)
        assert set(statuses) <= {201, 422}, [r.text for r in created]
        rooms = {r["id"] for r in agenda.get(f"{API}/{meeting_id}/rooms").json()}
        used = {s["room"] for s in draft(agenda, org, meeting_id) if s["room"]}
        assert used <= rooms, f"round {round_}: sessions use deleted rooms {used - rooms}"
        if deleted.status_code == 204:
            assert room not in rooms
            assert all(s["room"] != room for s in draft(agenda, org, meeting_id))
        else:
            assert deleted.status_code == 409 and deleted.json()["reason"] == "room_in_use"
            assert statuses[201] >= 1


def test_the_meetings_days_never_leave_a_session_outside(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)  # 19 to 21 June
    path = f"{API}/{meeting_id}"
    for round_ in range(6):
        narrow = {"title": "Test meeting", "timezone": "America/El_Salvador",
                  "first_day": "2030-06-19", "last_day": "2030-06-20"}
        tag = flows.if_match(agenda, org, path)
        calls = [lambda body=narrow, tag=tag: _http(agenda, org)("PUT", path, json=body,
                                                                 headers=tag)]
        calls += [lambda i=i, n=round_: _http(agenda, org)("POST", f"{path}/sessions", json={
            "id": f"last-{n}-{i}", "day": "2030-06-21", "start": "09:00",
            "end": "10:00", "title": "Closing", "room": "honor"}) for i in range(CLIENTS - 1)]
        narrowed, *created = _at_once(calls)
        event = agenda.get(path).json()
        days = [s["day"] for s in draft(agenda, org, meeting_id)]
        assert all(event["first_day"] <= d <= event["last_day"] for d in days), (event, days)
        if narrowed.status_code == 200:
            assert event["last_day"] == "2030-06-20"
            assert {r.status_code for r in created} == {422}
        else:
            assert narrowed.status_code == 422 and "last_day" in narrowed.json()["errors"]
        # Make room for the next round: clear the draft, widen the days again.
        for s in draft(agenda, org, meeting_id):
            item = f"{path}/sessions/{s['id']}"
            assert agenda.delete(item, org, headers=flows.if_match(agenda, org, item)
                                 ).status_code == 204
        wide = {**narrow, "last_day": "2030-06-21"}
        assert agenda.put(path, org, json=wide,
                          headers=flows.if_match(agenda, org, path)).status_code == 200


def test_publishes_at_once_make_exactly_one_version(agenda, r, meeting_id, make_token):
    from services.agenda.tests.test_republish import _published_events

    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)
    add_session(agenda, org, meeting_id, id="opening")
    flows.publish(agenda, org, meeting_id, "First")
    add_session(agenda, org, meeting_id, id="second", start="11:00", end="12:00")
    answers = _at_once([lambda i=i: _http(agenda, org)(
        "POST", f"{API}/{meeting_id}/publish", json={"note": f"client {i}"})
        for i in range(CLIENTS)])
    assert sorted(a.status_code for a in answers) == [200] * (CLIENTS - 1) + [201]
    bodies = [a.json() for a in answers]
    assert {b["version"] for b in bodies} == {2}
    (winner,) = [b for b in bodies if b["new"]]
    assert all(b == {**winner, "new": False} for b in bodies if not b["new"])
    versions = agenda.get(f"{API}/{meeting_id}/versions").json()
    assert [v["version"] for v in versions] == [1, 2]
    assert [e["version"] for e in _published_events(r, meeting_id)] == [1, 2]


def test_edits_of_different_sessions_never_refuse_each_other(agenda, meeting_id, make_token):
    org = make_token(meeting_id)
    make_meeting(agenda, org, meeting_id)
    for i in range(CLIENTS):
        add_session(agenda, org, meeting_id, id=f"s{i}", start=f"{8 + i % 10:02d}:00",
                    end=f"{8 + i % 10:02d}:30", room=None)
    tags = {i: flows.if_match(agenda, org, f"{API}/{meeting_id}/sessions/s{i}")
            for i in range(CLIENTS)}
    answers = _at_once([lambda i=i: _http(agenda, org)(
        "PATCH", f"{API}/{meeting_id}/sessions/s{i}", json={"title": f"Edited {i}"},
        headers=tags[i]) for i in range(CLIENTS)])
    assert [a.status_code for a in answers] == [200] * CLIENTS, [a.text for a in answers]
    titles = {s["id"]: s["title"] for s in draft(agenda, org, meeting_id)}
    assert titles == {f"s{i}": f"Edited {i}" for i in range(CLIENTS)}
