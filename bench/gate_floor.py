"""The floor for the gate benchmark: the same framework, auth and Redis, one script call.

A door scan cannot be cheaper than this: a Flask app from ``create_base_app`` (the same
before-request chain, the gatekeeper token looked up), a JSON body read, one EVALSHA.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.views import MethodView

from shared.auth import roles
from shared.store import get_redis
from shared.web import api_blueprint, create_base_app

_SCRIPT = "return {'new', ARGV[1]}"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app, api = create_base_app("podium.floor", "Podium floor", test_config)
    blp = api_blueprint("floor", __name__, "One script call.")

    @blp.route("/events/<event>/gate/scans")
    class Floor(MethodView):
        @roles("gatekeeper")
        def post(self, event):
            """Answer one script call."""
            script = app.extensions.setdefault("floor_script",
                                               get_redis().register_script(_SCRIPT))
            body = request.get_json()
            result = script(keys=[f"podium:{{{event}}}:floor"], args=[body["nonce"]])
            return {"decision": "allow", "nonce": result[1]}

    api.register_blueprint(blp)
    return app
