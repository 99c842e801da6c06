"""The HTTP floors: the same framework (Flask) and gunicorn config as the services, doing
nothing but the least each kind of request needs.

``GET /floor`` answers a small JSON document; ``GET /floor/script`` does the same after one
EVALSHA that writes one key (the least a door check or a sign-up can cost); ``POST
/floor/<event>/<delegate_id>`` is the registration benchmark's sign-up floor (one script
that numbers and records the request).
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request

from shared.store import connect

_INCR = "local n = redis.call('INCR', KEYS[1]) return n"
_SIGNUP = """
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
return seq
"""


def create_app() -> Flask:
    app = Flask("podium.bench.floor")
    client = connect(os.environ["REDIS_URL"])
    incr, signup = client.register_script(_INCR), client.register_script(_SIGNUP)

    @app.get("/floor")
    def floor():
        return jsonify(status="ok", service="floor")

    @app.get("/floor/script")
    def floor_script():
        return jsonify(status="ok", n=incr(keys=["podium:bench:floor"]))

    @app.post("/floor/<event>/<delegate_id>")
    def sign_up(event, delegate_id):
        body = request.get_json()
        seq = signup(keys=[f"bench:{{{event}}}:seq", f"bench:{{{event}}}:{body['session']}"],
                     args=[delegate_id])
        return jsonify(session=body["session"], position=seq), 201

    return app
