"""Web pages of the agenda: the start page, the agenda by day, the organisers' agenda desk."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, render_template, request

from services.agenda import operations as ops
from services.agenda import pagedata, publishing
from shared import pages
from shared.auth import public
from shared.errors import Problem
from shared.store import get_redis

bp = Blueprint("pages", __name__)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@bp.get("/")
@public
def start():
    """Show the meetings and the way to every page."""
    return render_template("start.html", meetings=pagedata.meetings(get_redis()))


@bp.get("/events/<event>")
@public
def agenda(event: str):
    """Show the published agenda by day, highlighting what changed since a version."""
    r = get_redis()
    meeting = ops.get_event(r, event)
    try:
        version = publishing.get_version(r, event)
    except Problem:
        return render_template("agenda.html", event=meeting, version=None), 200
    since = _since(version["version"])
    changed, removed = pagedata.changes_since(r, event, since) if since else ({}, [])
    return render_template("agenda.html", event=meeting, version=version,
                           days=pagedata.days(version["sessions"]), since=since,
                           changed=changed, removed=removed,
                           rooms={room["id"]: room for room in version["rooms"]})


def _since(current: int) -> int:
    raw = request.args.get("since", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < current else 0


@bp.get("/events/<event>/organise")
@public
def organise(event: str):
    """The organisers' agenda desk (the page holds no private data; its script signs in)."""
    r = get_redis()
    meeting = ops.get_event(r, event)
    versions = list(reversed(publishing.list_versions(r, event)))
    # Just published (the desk reloads with ?published=N): say so above the changelog.
    published = request.args.get("published", "")
    shown = published if published.isdigit() and any(
        str(v["version"]) == published for v in versions) else None
    return render_template("organise.html", event=meeting, versions=versions, published=shown)


def init_app(app: Flask) -> None:
    pages.init_app(app, TEMPLATES)
    app.register_blueprint(bp)
