"""Organisers: meeting settings, bulk registration, the accreditation queue and decisions."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.views import MethodView

from services.registration import accreditation, bulk
from services.registration import operations as ops
from services.registration.schemas import (
    DecisionResultSchema,
    DecisionSchema,
    SettingsSchema,
)
from shared import auth
from shared.auth import roles
from shared.errors import Problem
from shared.store import get_redis
from shared.web import accepts, api_blueprint

blp = api_blueprint("organisers", __name__, "Organisers: settings, bulk registration, "
                    "accreditation.")


@blp.route("/events/<event>/registration-settings")
class Settings(MethodView):
    @roles("organiser")
    @blp.response(200, SettingsSchema)
    def get(self, event):
        """Read whether self-registration and sign-ups are open."""
        return ops.get_settings(get_redis(), event)

    @roles("organiser")
    @blp.arguments(SettingsSchema)
    @blp.response(200, SettingsSchema)
    def put(self, data, event):
        """Open or close self-registration and session sign-ups."""
        return ops.put_settings(get_redis(), event, data)


@blp.route("/events/<event>/delegates/bulk")
class Bulk(MethodView):
    @roles("organiser")
    @accepts("text/csv")
    @blp.response(200)
    def post(self, event):
        """Register many delegates (CSV with a header line, or a JSON list); report each row."""
        if request.mimetype == "text/csv":
            rows = bulk.rows_from_csv(request.get_data())
        else:
            body = request.get_json(silent=True)
            rows = body.get("delegates") if isinstance(body, dict) else body
            if not isinstance(rows, list):
                raise Problem(422, "invalid_input", "Send a JSON list of delegates, or "
                              "{\"delegates\": [...]}, or a CSV file.")
        report = bulk.register_rows(get_redis(), event, rows,
                                    public_url=current_app.config["PUBLIC_REGISTRATION_URL"],
                                    secret=current_app.config["SECRET_KEY"])
        return jsonify(report)


@blp.route("/events/<event>/delegates/<delegate_id>/accreditation")
class Accreditation(MethodView):
    @roles("organiser")
    @blp.response(200)
    def get(self, event, delegate_id):
        """Read a delegate's accreditation and its audit trail (who, when, what)."""
        r = get_redis()
        delegate = ops.get_delegate(r, event, delegate_id)
        return jsonify({"accreditation": delegate["accreditation"], "scopes": delegate["scopes"],
                        "audit": accreditation.audit(r, event, delegate_id)})

    @roles("organiser")
    @blp.arguments(DecisionSchema)
    @blp.response(200, DecisionResultSchema)
    def post(self, data, event, delegate_id):
        """Approve, reject or revoke an accreditation, with a reason (kept in the audit)."""
        r = get_redis()
        return accreditation.decide(r, event, delegate_id, data["decision"], data["scopes"],
                                    data["reason"], accreditation.who(r, auth.current()))
