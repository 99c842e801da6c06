"""Web pages of notify: the organisers' broadcast desk, and a delegate's received notices."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Flask, render_template

from services.notify import keys
from services.notify.views.notices import outbox
from shared import auth, pages
from shared.auth import public, roles
from shared.pages.strings import STRINGS
from shared.store import get_redis

bp = Blueprint("pages", __name__)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _meeting(event: str) -> dict:
    raw = get_redis().get(keys.event(event))
    doc = json.loads(raw) if raw else {}
    return {"id": event, "title": doc.get("title") or event}


@bp.get("/events/<event>/notices")
@public
def desk(event: str):
    """The broadcast composer and every notice's delivery status (script signs in)."""
    texts = STRINGS[pages.language()]
    # Notice kinds and delivery states by name, for the script's table (not as stored).
    names = {k: v for k, v in texts.items() if k.startswith(("kind_", "status_"))}
    return render_template("notices.html", event=_meeting(event), names=names)


@bp.get("/events/<event>/me/notices")
@roles("delegate")
def received(event: str):
    """The notices this delegate was sent, newest first."""
    delegate_id = auth.current().subject
    notices = list(reversed(outbox(get_redis(), event, delegate_id)))
    return render_template("my_notices.html", event=_meeting(event), notices=notices)


def init_app(app: Flask) -> None:
    pages.init_app(app, TEMPLATES)
    app.register_blueprint(bp)
