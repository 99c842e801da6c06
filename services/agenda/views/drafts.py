"""Organisers' routes: the meeting, its rooms and the draft sessions."""

from __future__ import annotations

from flask import request
from flask.views import MethodView

from services.agenda import operations as ops
from services.agenda.schemas import (
    EventSchema,
    RoomSchema,
    SessionOutSchema,
    SessionPatchSchema,
    SessionSchema,
)
from shared.auth import public, roles
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("drafts", __name__, "The meeting, rooms and draft sessions (organisers).")


@blp.route("/events/<event>")
class Event(MethodView):
    @public
    @blp.response(200, EventSchema)
    def get(self, event):
        """Describe the meeting."""
        return ops.get_event(get_redis(), event)

    @roles("organiser")
    @blp.arguments(EventSchema)
    @blp.response(200, EventSchema)
    def put(self, data, event):
        """Create or replace the meeting's description."""
        doc, _new = ops.put_event(get_redis(), event, data)
        return doc


@blp.route("/events/<event>/rooms")
class Rooms(MethodView):
    @public
    @blp.response(200, RoomSchema(many=True))
    def get(self, event):
        """List the rooms."""
        ops.get_event(get_redis(), event)
        return ops.list_rooms(get_redis(), event)

    @roles("organiser")
    @blp.arguments(RoomSchema)
    @blp.response(201, RoomSchema)
    def post(self, room, event):
        """Add or replace a room."""
        return ops.put_room(get_redis(), event, room)


@blp.route("/events/<event>/rooms/<room_id>")
class Room(MethodView):
    @roles("organiser")
    @blp.response(204)
    def delete(self, event, room_id):
        """Remove a room no session uses."""
        ops.delete_room(get_redis(), event, room_id)


def _out(session: dict) -> dict:
    return {**session, "etag": ops.etag_of(session)}


@blp.route("/events/<event>/sessions")
class Sessions(MethodView):
    @roles("organiser")
    @blp.response(200, SessionOutSchema(many=True))
    def get(self, event):
        """List the draft's sessions."""
        ops.get_event(get_redis(), event)
        return [_out(s) for s in ops.list_sessions(get_redis(), event)]

    @roles("organiser")
    @blp.arguments(SessionSchema)
    @blp.response(201, SessionOutSchema)
    def post(self, data, event):
        """Add a session to the draft (warns about room clashes, does not forbid them)."""
        r = get_redis()
        session = ops.create_session(r, event, data)
        warnings = ops.room_clashes(r, event, session)
        return _out(session), 201, {"ETag": f'"{ops.etag_of(session)}"',
                                    **_warning_header(warnings)}


@blp.route("/events/<event>/sessions/<session_id>")
class Session(MethodView):
    @roles("organiser")
    @blp.response(200, SessionOutSchema)
    def get(self, event, session_id):
        """Read one draft session with its ETag."""
        session = ops.get_session(get_redis(), event, session_id)
        return _out(session), 200, {"ETag": f'"{ops.etag_of(session)}"'}

    @roles("organiser")
    @blp.arguments(SessionPatchSchema(partial=True))
    @blp.response(200, SessionOutSchema)
    def patch(self, patch, event, session_id):
        """Change a draft session; send If-Match with its ETag to avoid overwriting others."""
        r = get_redis()
        session = ops.update_session(r, event, session_id, patch, request.headers.get("If-Match"))
        warnings = ops.room_clashes(r, event, session)
        return _out(session), 200, {"ETag": f'"{ops.etag_of(session)}"',
                                    **_warning_header(warnings)}

    @roles("organiser")
    @blp.response(204)
    def delete(self, event, session_id):
        """Remove a session from the draft."""
        ops.delete_session(get_redis(), event, session_id, request.headers.get("If-Match"))


def _warning_header(warnings: list[str]) -> dict:
    # RFC 7234 Warning is obsolete; a custom header keeps the body schema clean.
    return {"Podium-Warnings": " | ".join(warnings)} if warnings else {}
