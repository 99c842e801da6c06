"""Web pages of registration: register, and the delegate's own page through the personal link.

The delegate's page and its forms carry the personal token in the URL (``?token=``), as the
e-mailed link does. No cookie is involved, so a third-party site cannot make the browser act
for the delegate (no CSRF); ``Referrer-Policy: no-referrer`` keeps the token from leaking.
"""

from __future__ import annotations

from pathlib import Path

import marshmallow as ma
from flask import Blueprint, Flask, current_app, redirect, render_template, request, url_for

from services.registration import accreditation, pagedata
from services.registration import operations as ops
from services.registration.schemas import CATEGORIES, AccessLinkSchema, RegisterSchema
from shared import auth, pages
from shared.auth import public, roles
from shared.errors import Problem
from shared.pages.strings import STRINGS
from shared.ratelimit import limit
from shared.store import get_redis
from shared.web import accepts

bp = Blueprint("pages", __name__)
FORM = "application/x-www-form-urlencoded"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@bp.get("/events/<event>/register")
@public
def register_form(event: str):
    """Show the registration form."""
    meeting = ops.get_meeting(get_redis(), event)
    return render_template("register.html", event=meeting, categories=CATEGORIES, form={},
                           errors={})


@bp.post("/events/<event>/register")
@public
@accepts(FORM)
@limit("register", "300/60")  # the API's bucket: the form is no way around its limit
def register(event: str):
    """Register from the form; the personal link goes out by e-mail."""
    r = get_redis()
    meeting = ops.get_meeting(r, event)
    form = {k: v.strip() for k, v in request.form.items()}
    try:
        data = RegisterSchema().load(form)
    except ma.ValidationError as exc:
        errors = exc.normalized_messages()
        required = STRINGS[pages.language()]["field_required"]
        for field in errors.keys() & RegisterSchema().fields.keys():
            if not form.get(field):  # an empty box: say so, not "Length must be between..."
                errors[field] = [required]
        return render_template("register.html", event=meeting, categories=CATEGORIES,
                               form=form, errors=errors), 422
    try:
        _delegate, created = ops.register(
            r, event, data, public_url=current_app.config["PUBLIC_REGISTRATION_URL"],
            secret=current_app.config["SECRET_KEY"], by_organiser=False)
    except Problem as exc:
        return render_template("register.html", event=meeting, categories=CATEGORIES,
                               form=form, errors={"_": [exc.detail]}), exc.status
    # The same answer whether or not the address was known: it reveals nobody's registration.
    return render_template("registered.html", event=meeting, email=data["email"],
                           created=created)


@bp.get("/events/<event>/access")
@public
def access_form(event: str):
    """Ask for the personal link again (for a delegate who lost the e-mail)."""
    return render_template("access.html", event=ops.get_meeting(get_redis(), event), sent=None)


@bp.post("/events/<event>/access")
@public
@accepts(FORM)
@limit("access_link", "20/600")  # the API's bucket
def access(event: str):
    """Send the personal link again; the answer is the same for unknown addresses."""
    r = get_redis()
    meeting = ops.get_meeting(r, event)
    try:
        data = AccessLinkSchema().load({"email": request.form.get("email", "")})
    except ma.ValidationError:
        return render_template("access.html", event=meeting, sent=None, invalid=True), 422
    ops.send_access_link(r, event, data["email"],
                         public_url=current_app.config["PUBLIC_REGISTRATION_URL"],
                         secret=current_app.config["SECRET_KEY"])
    return render_template("access.html", event=meeting, sent=data["email"])


def _me(event: str, message: dict | None = None, status: int = 200):
    r = get_redis()
    delegate_id = auth.current().subject
    meeting = ops.get_meeting(r, event)
    delegate = ops.get_delegate(r, event, delegate_id)
    sessions = pagedata.catalogue(r, event)
    changed, seen_version = pagedata.note_seen(r, event, delegate_id, sessions)
    mine = {s["session"]: s for s in ops.my_sessions(r, event, delegate_id)}
    return render_template("me.html", event=meeting, delegate=delegate, sessions=sessions,
                           by_id={s["id"]: s for s in sessions}, mine=mine, changed=changed,
                           seen_version=seen_version, message=message,
                           token=request.args.get("token", "")), status


@bp.get("/events/<event>/me")
@roles("delegate")
def me(event: str):
    """The delegate's page: their sessions, sign-up, waitlists, calendar, badge, notices."""
    return _me(event, _done(event))


def _done(event: str) -> dict | None:
    """What a sign-up or leave just did, for the page it redirected to (``?signed=`` or
    ``?left=``): told from the delegate's sessions as they are now."""
    if sid := request.args.get("left"):
        return {"kind": "ok", "session": sid, "state": "left"}
    if sid := request.args.get("signed"):
        held = {s["session"]: s for s in ops.my_sessions(get_redis(), event,
                                                          auth.current().subject)}
        if sid in held:
            return {"kind": "ok", "session": sid, "state": held[sid]["state"],
                    "position": held[sid]["position"]}
    return None


def _back(event: str, **done: str):
    """Post/Redirect/Get: after a change, the delegate's page at its own address, so that
    reloading it does not post the form again."""
    return redirect(url_for(".me", event=event, token=request.args.get("token", ""),
                            lang=request.args.get("lang"), **done), 303)


@bp.post("/events/<event>/me/signup")
@roles("delegate")
@accepts(FORM)
def sign_up(event: str):
    """Sign up for a session (a seat, or the waitlist when it is full)."""
    sid = request.form.get("session", "")
    try:
        result = ops.sign_up(get_redis(), event, auth.current().subject, sid)
    except Problem as exc:
        return _me(event, {"kind": "error", "session": sid, "reason": exc.reason,
                           "detail": exc.detail, **exc.extra}, exc.status)
    return _back(event, signed=result["session"])


@bp.post("/events/<event>/me/leave")
@roles("delegate")
@accepts(FORM)
def leave(event: str):
    """Leave a session or its waitlist."""
    sid = request.form.get("session", "")
    try:
        ops.leave(get_redis(), event, auth.current().subject, sid)
    except Problem as exc:
        return _me(event, {"kind": "error", "session": sid, "reason": exc.reason,
                           "detail": exc.detail}, exc.status)
    return _back(event, left=sid)


@bp.get("/events/<event>/door")
@public
def door(event: str):
    """The door page (no private data in it: its script signs the gatekeeper in)."""
    return render_template("door.html", event=ops.get_meeting(get_redis(), event))


@bp.get("/events/<event>/accreditation")
@public
def accreditation_desk(event: str):
    """The organisers' accreditation queue, badges and room occupancy (script signs in)."""
    r = get_redis()
    restricted = accreditation.restricted_sessions(r, event)
    # Approve offers 'general' plus each other scope still in use, with its sessions' times.
    choices: dict[str, list[dict]] = {}
    for s in restricted:
        if s["accreditation"] != "general" and s.get("status") != "cancelled":
            choices.setdefault(s["accreditation"], []).append(s)
    html = render_template("accreditation.html", event=ops.get_meeting(r, event),
                           categories=CATEGORIES, choices=list(choices.items()),
                           scope_titles=accreditation.scope_titles(restricted),
                           category_names={c: STRINGS[pages.language()]["cat_" + c]
                                           for c in CATEGORIES})
    # The badge sheet opens from a blob, which inherits this page's policy; its layout is an
    # inline <style>. Scripts stay limited to our own files.
    return html, 200, {"Content-Security-Policy": pages.CSP.replace(
        "style-src 'self'", "style-src 'self' 'unsafe-inline'")}


def init_app(app: Flask) -> None:
    pages.init_app(app, TEMPLATES)
    app.register_blueprint(bp)
