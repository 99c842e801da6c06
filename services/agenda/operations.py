"""The agenda's logic as plain functions over Redis; views stay thin."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

import marshmallow as ma
import redis

from services.agenda import keys, readiness, timing
from services.agenda.schemas import check_session_times, session_key
from shared import bus, meeting_hours
from shared.errors import Problem


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                      default=str)


def etag_of(value: Any) -> str:
    return hashlib.sha1(dumps(value).encode()).hexdigest()[:16]


# -- meeting and rooms ------------------------------------------------------------------
#
# Invariants kept by the writes below (each a WATCH on the keys it reads, then one MULTI;
# redis-py's ``transaction`` runs the step again when a watched key changed meanwhile):
# every draft session's day lies within the meeting's days, and its room (if any) is one of
# the meeting's rooms. So a room in use cannot be deleted, nor the meeting's days narrowed
# past a session, even by a request racing the edit that would make it so.

def get_event(r: redis.Redis, eid: str) -> dict:
    raw = r.get(keys.event(eid))
    if raw is None:
        raise Problem(404, "unknown_event", f"No meeting {eid!r}.")
    return json.loads(raw)


def put_event(r: redis.Redis, eid: str, data: dict, if_match: str | None = None, *,
              conditional: bool = False) -> tuple[dict, bool]:
    """Create or replace the meeting's description; return it and whether it is new.

    ``conditional``: replacing an existing meeting needs ``if_match`` (its ETag), as an
    organiser's edit does; the import, which only widens the days, is not conditional."""
    doc = meeting_hours.with_defaults({**data, "id": eid, "first_day": str(data["first_day"]),
                                       "last_day": str(data["last_day"])})
    bus.register_meeting(r, eid)

    def step(pipe: redis.client.Pipeline) -> bool:
        raw = pipe.get(keys.event(eid))
        if raw is not None and conditional:
            check_etag(json.loads(raw), if_match, "meeting")
        outside = [s for s in (json.loads(v) for v in pipe.hvals(keys.draft(eid)))
                   if not doc["first_day"] <= str(s.get("day")) <= doc["last_day"]]
        if outside:
            listed = ", ".join(f"{s['id']} ({s.get('day')})" for s in sorted(
                outside, key=sort_key)[:5])
            message = f"Sessions of the draft fall outside these days: {listed}."
            raise Problem(422, "invalid_input", message + " Move or remove them first.",
                          errors={"first_day": [message], "last_day": [message]})
        pipe.multi()
        pipe.set(keys.event(eid), dumps(doc))
        bus.add(pipe, eid, "agenda.event.updated", doc)
        return raw is None

    created = r.transaction(step, keys.event(eid), keys.draft(eid), value_from_callable=True)
    return doc, created


def list_rooms(r: redis.Redis, eid: str) -> list[dict]:
    return sorted((json.loads(v) for v in r.hvals(keys.rooms(eid))), key=lambda x: x["id"])


def put_room(r: redis.Redis, eid: str, room: dict) -> dict:
    get_event(r, eid)
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(keys.rooms(eid), room["id"], dumps(room))
        pipe.incr(keys.draft_rev(eid))
        pipe.execute()
    return room


def delete_room(r: redis.Redis, eid: str, room_id: str) -> None:
    def step(pipe: redis.client.Pipeline) -> None:
        users = sorted(s["id"] for s in (json.loads(v) for v in pipe.hvals(keys.draft(eid)))
                       if s.get("room") == room_id)
        if users:
            raise Problem(409, "room_in_use",
                          f"Sessions use this room: {', '.join(users[:5])}.")
        if not pipe.hexists(keys.rooms(eid), room_id):
            raise Problem(404, "unknown_room", f"No room {room_id!r}.")
        pipe.multi()
        pipe.hdel(keys.rooms(eid), room_id)
        pipe.incr(keys.draft_rev(eid))

    r.transaction(step, keys.draft(eid), keys.rooms(eid))


# -- the draft --------------------------------------------------------------------------

def list_sessions(r: redis.Redis, eid: str) -> list[dict]:
    sessions = [json.loads(v) for v in r.hvals(keys.draft(eid))]
    return sorted(sessions, key=sort_key)


def sort_key(s: dict) -> tuple:
    part_order = {"all_day": "00:00", "morning": "00:01", "afternoon": "12:59"}
    return (str(s.get("day")), s.get("start") or part_order.get(s.get("part_of_day") or "", ""),
            s["id"])


def get_session(r: redis.Redis, eid: str, sid: str) -> dict:
    raw = r.hget(keys.draft(eid), sid)
    if raw is None:
        raise Problem(404, "unknown_session", f"No session {sid!r} in the draft.")
    return json.loads(raw)


def _validate(r: redis.Redis, eid: str, event: dict, session: dict) -> None:
    try:
        check_session_times(session)
    except ma.ValidationError as exc:
        raise Problem(422, "invalid_input", "The session's times are not valid.",
                      errors=exc.normalized_messages()) from exc
    day = str(session["day"])
    if not event["first_day"] <= day <= event["last_day"]:
        raise Problem(422, "invalid_input", "The day is outside the meeting's days.",
                      errors={"day": [f"Must be {event['first_day']} to {event['last_day']}."]})
    if session.get("room") and not r.hexists(keys.rooms(eid), session["room"]):
        rooms = ", ".join(f"{room['id']} ({room.get('name') or room['id']})"
                          for room in list_rooms(r, eid))
        known = f"rooms are: {rooms}" if rooms else "the meeting has no rooms yet"
        raise Problem(422, "invalid_input", f"No room {session['room']!r}: give a room's id; "
                      f"{known}.",
                      errors={"room": [f"No room {session['room']!r}; {known}."]})


def _watched(eid: str) -> tuple[str, ...]:
    """What a session's validity depends on: the draft, the rooms and the meeting's days."""
    return keys.draft(eid), keys.rooms(eid), keys.event(eid)


def room_clashes(r: redis.Redis, eid: str, session: dict) -> list[dict]:
    """Warnings (not errors): another session in the same room at the same time."""
    if not session.get("room") or session.get("status") == "cancelled":
        return []
    event = get_event(r, eid)
    start, end = timing.bounds(session, event)
    clashes = []
    for other in list_sessions(r, eid):
        if other["id"] == session["id"] or other.get("room") != session["room"]:
            continue
        if other.get("status") == "cancelled" or readiness.lacks(other, event, None):
            continue  # a session that cannot be published yet has no bounds to clash with
        if session.get("parallel_group") and other.get("parallel_group") == session[
                "parallel_group"]:
            continue
        o_start, o_end = timing.bounds(other, event)
        if o_start < end and start < o_end:
            clashes.append({
                "reason": "room_clash", "room": session["room"], "session": other["id"],
                "title": other["title"],
                "message": f"Room {session['room']} is also used by {other['id']} "
                           f"({other['title'][:60]}) at that time."})
    return clashes


def create_session(r: redis.Redis, eid: str, data: dict) -> dict:
    session = {**data, "day": str(data["day"])}
    session.setdefault("start", None)
    session.setdefault("end", None)
    session.setdefault("part_of_day", None)
    sid = session.get("id") or session_key(session["day"], session["start"],
                                          session["part_of_day"], session["title"])
    session["id"] = sid

    def step(pipe: redis.client.Pipeline) -> None:
        _validate(pipe, eid, _event(pipe, eid), session)
        if pipe.hexists(keys.draft(eid), sid):
            raise Problem(409, "session_exists",
                          f"A session {sid!r} already exists; pick another id.")
        pipe.multi()
        pipe.hset(keys.draft(eid), sid, dumps(session))
        pipe.incr(keys.draft_rev(eid))

    r.transaction(step, *_watched(eid))
    return session


def update_session(r: redis.Redis, eid: str, sid: str, patch: dict,
                   if_match: str | None) -> dict:
    """Apply a partial update; refuse with 428 without If-Match, 412 if it is stale."""
    require_if_match(if_match, "session")
    if "id" in patch and patch["id"] != sid:
        raise Problem(422, "invalid_input", "A session's id cannot change.",
                      errors={"id": ["Read-only."]})

    def step(pipe: redis.client.Pipeline) -> dict:
        event = _event(pipe, eid)
        current = _session(pipe, eid, sid)
        check_etag(current, if_match, "session")
        merged = {**current, **{k: (str(v) if k == "day" else v) for k, v in patch.items()}}
        if "start" in patch or "end" in patch:
            merged["part_of_day"] = patch.get("part_of_day")
        elif "part_of_day" in patch and patch["part_of_day"]:
            merged["start"] = merged["end"] = None
        _validate(pipe, eid, event, merged)
        pipe.multi()
        pipe.hset(keys.draft(eid), sid, dumps(merged))
        pipe.incr(keys.draft_rev(eid))
        return merged

    return r.transaction(step, *_watched(eid), value_from_callable=True)


def delete_session(r: redis.Redis, eid: str, sid: str, if_match: str | None) -> None:
    require_if_match(if_match, "session")

    def step(pipe: redis.client.Pipeline) -> None:
        check_etag(_session(pipe, eid, sid), if_match, "session")
        pipe.multi()
        pipe.hdel(keys.draft(eid), sid)
        pipe.incr(keys.draft_rev(eid))

    r.transaction(step, keys.draft(eid))


def _event(pipe: redis.client.Pipeline, eid: str) -> dict:
    raw = pipe.get(keys.event(eid))
    if raw is None:
        raise Problem(404, "unknown_event", f"No meeting {eid!r}.")
    return json.loads(raw)


def _session(pipe: redis.client.Pipeline, eid: str, sid: str) -> dict:
    raw = pipe.hget(keys.draft(eid), sid)
    if raw is None:
        raise Problem(404, "unknown_session", f"No session {sid!r} in the draft.")
    return json.loads(raw)


def require_if_match(if_match: str | None, what: str) -> None:
    """Organisers' edits are conditional (RFC 6585): without If-Match, two organisers
    editing at once would silently overwrite each other."""
    if if_match is None:
        raise Problem(428, "if_match_required",
                      f"Send If-Match with the {what}'s ETag (from reading it), so that a "
                      "change someone else made meanwhile is not overwritten.")


def check_etag(current: dict, if_match: str | None, what: str) -> None:
    require_if_match(if_match, what)
    tags = {t.strip().removeprefix("W/").strip('"') for t in if_match.split(",")}
    if "*" not in tags and etag_of(current) not in tags:
        raise Problem(412, "stale_etag",
                      f"The {what} changed since you read it; reload and apply your edit "
                      "again.")


def replace_draft(r: redis.Redis, eid: str, sessions: list[dict], rooms: list[dict],
                  report: dict) -> None:
    """Swap the whole draft for an imported one, in one step."""
    with r.pipeline(transaction=True) as pipe:
        pipe.delete(keys.draft(eid))
        if sessions:
            pipe.hset(keys.draft(eid), mapping={s["id"]: dumps(s) for s in sessions})
        for room in rooms:
            pipe.hsetnx(keys.rooms(eid), room["id"], dumps(room))
        pipe.set(keys.import_report(eid), dumps(report))
        pipe.incr(keys.draft_rev(eid))
        pipe.execute()


def draft_revision(r: redis.Redis, eid: str) -> int:
    return int(r.get(keys.draft_rev(eid)) or 0)


# -- publishing -------------------------------------------------------------------------

def enrich(session: dict, event: dict, rooms: dict[str, dict]) -> dict:
    start, end = timing.bounds(session, event)
    room = rooms.get(session.get("room") or "")
    return {**session, "starts_at": start.isoformat(), "ends_at": end.isoformat(),
            "room_name": room["name"] if room else None}


def today_in(event: dict) -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(event["timezone"])).date()
