"""Delegations: quota and focal point (organisers); members (organisers and the focal point)."""

from __future__ import annotations

from flask.views import MethodView

from services.registration import delegations
from services.registration.schemas import DelegationOutSchema, DelegationSchema, MemberSchema
from shared import auth
from shared.auth import roles
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("delegations", __name__, "Delegations, their quotas and focal points.")


@blp.route("/events/<event>/delegations/<name>")
class Delegation(MethodView):
    @roles("organiser")
    @blp.response(200, DelegationOutSchema)
    def get(self, event, name):
        """Read a delegation's quota, focal point and number of members."""
        return delegations.get_delegation(get_redis(), event, name)

    @roles("organiser")
    @blp.arguments(DelegationSchema)
    @blp.response(200, DelegationOutSchema)
    def put(self, data, event, name):
        """Set a delegation's quota of delegates and its focal point."""
        return delegations.put_delegation(get_redis(), event, name, data)


@blp.route("/events/<event>/delegations/<name>/members")
class Members(MethodView):
    @roles("organiser", "delegate")
    @blp.response(200, MemberSchema(many=True))
    def get(self, event, name):
        """List a delegation's members (for its focal point and organisers)."""
        return delegations.members(get_redis(), event, name, auth.current())
