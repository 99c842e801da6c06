"""Publishing versions, and reading the published agenda and its exports (public)."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, current_app, request
from flask.views import MethodView

from services.agenda import exports, fastpath, publishing
from services.agenda import operations as ops
from services.agenda.schemas import AgendaQuerySchema, PublishedSchema, PublishSchema
from shared.auth import public, roles
from shared.errors import Problem
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("published", __name__, "Published versions of the agenda and exports.")


@blp.route("/events/<event>/publish")
class Publish(MethodView):
    @roles("organiser")
    @blp.arguments(PublishSchema)
    @blp.response(201, PublishedSchema, description="Published as a new version.")
    @blp.alt_response(200, schema=PublishedSchema, description="Nothing changed since the "
                      "current version: nothing was published again (new: false).")
    @blp.alt_response(422, "UNPROCESSABLE_ENTITY", description="A session of the draft "
                      "cannot be published (reason draft_incomplete; errors.sessions names "
                      "each one and what it lacks).")
    def post(self, data, event):
        """Publish the draft as the next version, with a note and a changelog."""
        version, new = publishing.publish(get_redis(), event, data["note"])
        return {**{k: version[k] for k in ("version", "note", "published_at", "changes")},
                "new": new}, 201 if new else 200


@blp.route("/events/<event>/versions")
class Versions(MethodView):
    @public
    @blp.response(200)
    def get(self, event):
        """List published versions with their changelogs."""
        ops.get_event(get_redis(), event)
        return publishing.list_versions(get_redis(), event)


@blp.route("/events/<event>/versions/<int:number>")
class Version(MethodView):
    @public
    @blp.response(200)
    def get(self, event, number):
        """Read one published version and its changelog."""
        return publishing.get_version(get_redis(), event, number)


def serve(event: str, fmt: str, filters: tuple = ()) -> Response:
    """Answer from the per-version cache; a matching If-None-Match costs one Redis GET."""
    r = get_redis()
    stamp = exports.stamp(r, event)
    tag = exports.etag(stamp, fmt, filters)
    headers = {"Cache-Control": fastpath.CACHE_CONTROL}
    if request.if_none_match.contains_weak(tag[1:-1]):
        # The format's type, not Response's default text/html: a 304 is not a page, and
        # must carry the same headers as one answered by the fast path (fastpath.py).
        return Response(status=304, mimetype=exports.RENDERERS[fmt][1],
                        headers={"ETag": tag, **headers})
    out = exports.render(r, event, stamp, fmt, filters, current_app.config["PUBLIC_AGENDA_URL"])
    return Response(out.body, mimetype=out.mimetype, headers={"ETag": out.etag, **headers})


_QUERY = AgendaQuerySchema(unknown=ma.EXCLUDE)


def _filters() -> tuple:
    """The validated filters as a hashable cache key.

    Parsed by hand rather than with ``@blp.arguments``: the unfiltered read is the hot path
    (every delegate's app polls it) and should cost no more than the ETag comparison.
    """
    if not request.args:
        return ()
    try:
        loaded = _QUERY.load(request.args)
    except ma.ValidationError as exc:
        raise Problem(422, "invalid_input", "The request has invalid filters: " + ", ".join(
            sorted(exc.normalized_messages())), errors=exc.normalized_messages()) from exc
    return tuple(sorted((k, str(v)) for k, v in loaded.items()))


@blp.route("/events/<event>/agenda")
class Agenda(MethodView):
    @public
    @blp.doc(parameters=[{"in": "query", "name": name, "required": False,
                          "schema": {"type": "string"}}
                         for name in ("day", "room", "kind", "meeting")])
    @blp.response(200)
    def get(self, event):
        """Read the published agenda by day (filters: day, room, kind, meeting)."""
        return serve(event, "agenda", _filters())


@blp.route("/events/<event>/agenda.ics")
class AgendaCalendar(MethodView):
    @public
    @blp.response(200, content_type="text/calendar")
    def get(self, event):
        """The published agenda as iCalendar (stable UIDs, SEQUENCE per change)."""
        return serve(event, "ics")


@blp.route("/events/<event>/schedule.xml")
class ScheduleXml(MethodView):
    @public
    @blp.response(200, content_type="application/xml")
    def get(self, event):
        """The published agenda in the frab/C3VOC schedule.xml format."""
        return serve(event, "xml")


@blp.route("/events/<event>/schedule.json")
class ScheduleJson(MethodView):
    @public
    @blp.response(200)
    def get(self, event):
        """The published agenda in the frab/C3VOC schedule.json format."""
        return serve(event, "frab-json")
