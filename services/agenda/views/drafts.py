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


def _out(session: dict, warnings: list[dict] | None = None) -> dict:
    out = {**session, "etag": ops.etag_of(session)}
    return out if warnings is None else {**out, "warnings": warnings}


def _etag(doc: dict) -> dict:
    return {"ETag": f'"{ops.etag_of(doc)}"'}


def _conditional(view):
    """Document the answers of an edit that needs If-Match (RFC 6585, RFC 9110)."""
    view = blp.alt_response(428, "PRECONDITION_REQUIRED",
                            description="Sent without If-Match (reason if_match_required)."
                            )(view)
    return blp.alt_response(412, "PRECONDITION_FAILED",
                            description="If-Match is stale (reason stale_etag).")(view)


@blp.route("/events/<event>")
class Event(MethodView):
    @public
    @blp.response(200, EventSchema)
    def get(self, event):
        """Describe the meeting (its ETag is what a PUT replacing it sends as If-Match)."""
        doc = ops.get_event(get_redis(), event)
        return doc, 200, _etag(doc)

    @roles("organiser")
    @blp.arguments(EventSchema)
    @blp.response(200, EventSchema)
    @_conditional
    def put(self, data, event):
        """Create the meeting, or replace its description (then If-Match is required)."""
        doc, _new = ops.put_event(get_redis(), event, data, request.headers.get("If-Match"),
                                  conditional=True)
        return doc, 200, _etag(doc)


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
        """Add a session to the draft (room clashes are warnings in the body, not errors)."""
        r = get_redis()
        session = ops.create_session(r, event, data)
        return _out(session, ops.room_clashes(r, event, session)), 201, _etag(session)


@blp.route("/events/<event>/sessions/<session_id>")
class Session(MethodView):
    @roles("organiser")
    @blp.response(200, SessionOutSchema)
    def get(self, event, session_id):
        """Read one draft session with its ETag."""
        session = ops.get_session(get_redis(), event, session_id)
        return _out(session), 200, _etag(session)

    @roles("organiser")
    @blp.arguments(SessionPatchSchema(partial=True))
    @blp.response(200, SessionOutSchema)
    @_conditional
    def patch(self, patch, event, session_id):
        """Change a draft session; If-Match (its ETag) is required, so no edit is lost."""
        r = get_redis()
        session = ops.update_session(r, event, session_id, patch, request.headers.get("If-Match"))
        return _out(session, ops.room_clashes(r, event, session)), 200, _etag(session)

    @roles("organiser")
    @blp.response(204)
    @_conditional
    def delete(self, event, session_id):
        """Remove a session from the draft; If-Match (its ETag) is required."""
        ops.delete_session(get_redis(), event, session_id, request.headers.get("If-Match"))
