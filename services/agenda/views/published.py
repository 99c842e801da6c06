"""Publishing versions, and reading the published agenda (public)."""

from __future__ import annotations

from flask import Response, json, request
from flask.views import MethodView

from services.agenda import operations as ops
from services.agenda.schemas import AgendaQuerySchema, PublishSchema
from shared.auth import public, roles
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("published", __name__, "Published versions of the agenda.")


@blp.route("/events/<event>/publish")
class Publish(MethodView):
    @roles("organiser")
    @blp.arguments(PublishSchema)
    @blp.response(201)
    def post(self, data, event):
        """Publish the draft as the next version, with a note and a changelog."""
        version = ops.publish(get_redis(), event, data["note"])
        return {k: version[k] for k in ("version", "note", "published_at", "changes")}


@blp.route("/events/<event>/versions")
class Versions(MethodView):
    @public
    @blp.response(200)
    def get(self, event):
        """List published versions with their changelogs."""
        ops.get_event(get_redis(), event)
        return ops.list_versions(get_redis(), event)


@blp.route("/events/<event>/versions/<int:number>")
class Version(MethodView):
    @public
    @blp.response(200)
    def get(self, event, number):
        """Read one published version and its changelog."""
        return ops.get_version(get_redis(), event, number)


@blp.route("/events/<event>/agenda")
class Agenda(MethodView):
    @public
    @blp.arguments(AgendaQuerySchema, location="query", as_kwargs=True)
    @blp.response(200)
    def get(self, event, **filters):
        """Read the published agenda by day (filters: day, room, kind, meeting)."""
        version = ops.get_version(get_redis(), event)
        etag = f'"v{version["version"]}-{ops.etag_of(sorted(request.args.items()))}"'
        if etag in request.if_none_match.as_set(True) or request.if_none_match.contains_raw(
                etag):
            return Response(status=304, headers={"ETag": etag})
        sessions = [s for s in version["sessions"] if _matches(s, filters)]
        days: dict[str, list] = {}
        for s in sessions:
            days.setdefault(s["day"], []).append(s)
        body = {"event": version["event"], "version": version["version"],
                "published_at": version["published_at"], "rooms": version["rooms"],
                "days": [{"day": d, "sessions": ss} for d, ss in days.items()]}
        return Response(json.dumps(body), mimetype="application/json",
                        headers={"ETag": etag, "Cache-Control": "no-cache"})


def _matches(session: dict, filters: dict) -> bool:
    if "day" in filters and session["day"] != str(filters["day"]):
        return False
    if "room" in filters and session.get("room") != filters["room"]:
        return False
    if "kind" in filters and session.get("kind") != filters["kind"]:
        return False
    return not ("meeting" in filters and filters["meeting"].lower() not in (
        session.get("meeting") or "").lower())
