"""The floor for the registration benchmark: the same framework (Flask under the same gunicorn
config) and the same Redis, doing nothing but one Lua script call per request."""

from __future__ import annotations

import os

import redis
from flask import Flask, jsonify, request

_SCRIPT = """
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], seq, ARGV[1])
return seq
"""


def create_app() -> Flask:
    app = Flask("podium.bench.floor")
    client = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    script = client.register_script(_SCRIPT)

    @app.post("/floor/<event>/<delegate_id>")
    def sign_up(event, delegate_id):
        body = request.get_json()
        seq = script(keys=[f"bench:{{{event}}}:seq", f"bench:{{{event}}}:{body['session']}"],
                     args=[delegate_id])
        return jsonify(session=body["session"], position=seq), 201

    return app
