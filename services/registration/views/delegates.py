"""Delegates register and sign up for sessions."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView

from services.registration import operations as ops
from services.registration.schemas import (
    DelegateSchema,
    MySessionSchema,
    RegisterSchema,
    SignupResultSchema,
    SignupSchema,
)
from shared import auth
from shared.auth import public, roles
from shared.errors import Problem
from shared.ratelimit import limit
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("delegates", __name__, "Delegates and their sessions.")


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
        delegate, created = ops.register(
            get_redis(), event, data, public_url=current_app.config["PUBLIC_REGISTRATION_URL"],
            secret=current_app.config["SECRET_KEY"], by_organiser=by_organiser,
            durable=current_app.config["DURABLE_WRITES"])
        if not created:
            raise Problem(409, "already_registered",
                          "This e-mail address is already registered for this meeting.")
        return delegate


@blp.route("/events/<event>/delegates/<delegate_id>")
class Delegate(MethodView):
    @roles("organiser", "delegate")
    @blp.response(200, DelegateSchema)
    def get(self, event, delegate_id):
        """Read a delegate's registration (delegates: their own only)."""
        return ops.get_delegate(get_redis(), event, delegate_id)


@blp.route("/events/<event>/delegates/<delegate_id>/sessions")
class Signups(MethodView):
    @roles("organiser", "delegate")
    @blp.response(200, MySessionSchema(many=True))
    def get(self, event, delegate_id):
        """List a delegate's sessions and waitlist positions."""
        ops.get_delegate(get_redis(), event, delegate_id)
        return ops.my_sessions(get_redis(), event, delegate_id)

    @roles("organiser", "delegate")
    @blp.arguments(SignupSchema)
    @blp.response(201, SignupResultSchema)
    def post(self, data, event, delegate_id):
        """Sign up for a session: a seat, or the waitlist when it is full."""
        result = ops.sign_up(get_redis(), event, delegate_id, data["session"],
                             durable=current_app.config["DURABLE_WRITES"])
        return result, 201 if result["new"] else 200


@blp.route("/events/<event>/delegates/<delegate_id>/sessions/<session_id>")
class Signup(MethodView):
    @roles("organiser", "delegate")
    @blp.response(204)
    def delete(self, event, delegate_id, session_id):
        """Leave a session; the first on its waitlist gets the seat."""
        ops.leave(get_redis(), event, delegate_id, session_id)
