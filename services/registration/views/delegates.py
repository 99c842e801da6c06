"""Delegates register, manage their own registration and sign up for sessions."""

from __future__ import annotations

from flask import Response, current_app, jsonify
from flask.views import MethodView

from services.registration import accreditation, calendar_view
from services.registration import operations as ops
from services.registration.schemas import (
    AccessLinkSchema,
    DelegateFilterSchema,
    DelegateSchema,
    DelegateUpdateSchema,
    MySessionSchema,
    RegisterSchema,
    SignupResultSchema,
    SignupSchema,
    plain_signup,
)
from shared import auth
from shared.auth import public, roles
from shared.errors import Problem
from shared.ratelimit import limit
from shared.store import get_redis
from shared.web import api_blueprint, documented, json_body

blp = api_blueprint("delegates", __name__, "Delegates and their sessions.")
_SIGNUP = SignupSchema()


def _link_config() -> dict:
    return {"public_url": current_app.config["PUBLIC_REGISTRATION_URL"],
            "secret": current_app.config["SECRET_KEY"]}


@blp.route("/events/<event>/delegates")
class Delegates(MethodView):
    @public
    @limit("register", "300/60")  # per address and meeting; a delegation's NAT must fit
    @blp.arguments(RegisterSchema)
    @blp.response(201, DelegateSchema)
    def post(self, data, event):
        """Register a delegate; the personal access link is sent by e-mail."""
        principal = auth.current()
        by_organiser = bool(principal and principal.role == "organiser"
                            and principal.event == event)
        delegate, created = ops.register(get_redis(), event, data, by_organiser=by_organiser,
                                         durable=current_app.config["DURABLE_WRITES"],
                                         **_link_config())
        if not created:
            raise Problem(409, "already_registered",
                          "This e-mail address is already registered for this meeting.")
        return delegate

    @roles("organiser")
    @blp.arguments(DelegateFilterSchema, location="query")
    @blp.response(200)  # documents the 200 as JSON (schemathesis: content type conformance)
    def get(self, args, event):
        """List delegates (the accreditation queue): filter by status, delegation, category."""
        return jsonify(accreditation.list_delegates(get_redis(), event, **args))


@blp.route("/events/<event>/access-link")
class AccessLink(MethodView):
    @public
    @limit("access_link", "20/600")  # login-like: slows guessing who is registered
    @blp.arguments(AccessLinkSchema)
    @blp.response(202)
    def post(self, data, event):
        """Send my personal link again (the answer is the same for unknown addresses)."""
        ops.send_access_link(get_redis(), event, data["email"], **_link_config())
        return {"detail": "If this address is registered for the meeting, its personal link "
                          "is on its way."}


@blp.route("/events/<event>/delegates/<delegate_id>")
class Delegate(MethodView):
    @roles("organiser", "delegate")
    @blp.response(200, DelegateSchema)
    def get(self, event, delegate_id):
        """Read a delegate's registration (delegates: their own only)."""
        return ops.get_delegate(get_redis(), event, delegate_id)

    @roles("organiser", "delegate")
    @blp.arguments(DelegateUpdateSchema)
    @blp.response(200, DelegateSchema)
    def patch(self, data, event, delegate_id):
        """Change a name or preferred language (status and accreditation are not writable)."""
        return ops.update_delegate(get_redis(), event, delegate_id, data)


@blp.route("/events/<event>/delegates/<delegate_id>/sessions")
class Signups(MethodView):
    @roles("organiser", "delegate")
    @blp.response(200, MySessionSchema(many=True))
    def get(self, event, delegate_id):
        """List a delegate's sessions and waitlist positions."""
        ops.get_delegate(get_redis(), event, delegate_id)
        return ops.my_sessions(get_redis(), event, delegate_id)


# The hottest write of a meeting (everybody signs up when sign-ups open): a plain function
# view, so that Flask does not build a MethodView and look the method up on every request,
# and smorest's response wrapper does not unpack a Response it would send as it is. The
# body, roles and documentation are declared as for every other view.
@blp.route("/events/<event>/delegates/<delegate_id>/sessions", methods=["POST"],
           endpoint="SignupsPost")
@roles("organiser", "delegate")
@json_body(blp, _SIGNUP, plain_signup)
@documented(blp.response(201, SignupResultSchema,
                         description="Signed up: a seat, or a place on the waitlist."),
            blp.alt_response(200, schema=SignupResultSchema,
                             description="Already signed up for this session: where they stand."))
def sign_up(data, event, delegate_id):
    """Sign up for a session: a seat, or the waitlist when it is full."""
    app = current_app._get_current_object()  # one proxy lookup, not two
    result = ops.sign_up(app.extensions["redis"], event, delegate_id, data["session"],
                         durable=app.config["DURABLE_WRITES"])
    # Already the documented shape: sent as is (jsonify's own call), not dumped again
    # through the schema.
    return app.json.response(result), 201 if result["new"] else 200


@blp.route("/events/<event>/delegates/<delegate_id>/sessions/<session_id>")
class Signup(MethodView):
    @roles("organiser", "delegate")
    @blp.response(204)
    def delete(self, event, delegate_id, session_id):
        """Leave a session (or, for an organiser, take the delegate out of it); the first on
        its waitlist gets the seat."""
        ops.leave(get_redis(), event, delegate_id, session_id, role=auth.current().role)


@blp.route("/events/<event>/delegates/<delegate_id>/agenda")
class MyAgenda(MethodView):
    @roles("organiser", "delegate")
    @blp.response(200, MySessionSchema(many=True))
    def get(self, event, delegate_id):
        """Read a delegate's own agenda: seats and waitlist places, by time."""
        ops.get_delegate(get_redis(), event, delegate_id)
        return calendar_view.agenda(get_redis(), event, delegate_id)


@blp.route("/events/<event>/delegates/<delegate_id>/agenda.ics")
class MyAgendaIcs(MethodView):
    @roles("organiser", "delegate")
    def get(self, event, delegate_id):
        """Download a delegate's confirmed sessions as iCalendar (?token= for subscriptions)."""
        ops.get_delegate(get_redis(), event, delegate_id)
        body = calendar_view.agenda_ics(get_redis(), event, delegate_id)
        return Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": 'attachment; filename="my-agenda.ics"'})
