"""The floor for the gate benchmark: the same framework, auth and Redis, one script call.

A door scan cannot be cheaper than this: a Flask app from ``create_base_app`` (the same
before-request chain), the gatekeeper token from the same per-process cache as the scan view
(``auth.checks_token_live``), a JSON body read, one EVALSHA that checks the token is still
live, as the scan script does.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask.views import MethodView

from shared import auth
from shared.auth import roles
from shared.keys import meeting, tokens_of
from shared.store import get_redis
from shared.web import api_blueprint, create_base_app

_SCRIPT = """
if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 0 then return {'error', 'invalid_token'} end
return {'new', ARGV[1]}
"""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app, api = create_base_app("podium.floor", "Podium floor", test_config)
    blp = api_blueprint("floor", __name__, "One script call.")

    @blp.route("/events/<event>/gate/scans")
    class Floor(MethodView):
        @roles("gatekeeper")
        @auth.checks_token_live
        def post(self, event):
            """Answer one script call."""
            script = app.extensions.setdefault("floor_script",
                                               get_redis().register_script(_SCRIPT))
            body = request.get_json()
            principal = auth.current()
            result = script(keys=[meeting(event, "floor"), tokens_of(event)],
                            args=[body["nonce"], principal.digest if principal else ""])
            return {"decision": "allow", "nonce": result[1]}

    api.register_blueprint(blp)
    return app
