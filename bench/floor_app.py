"""The HTTP floors: the same framework and gunicorn config as the services, doing nothing.

``/floor`` answers a small JSON document; ``/floor/script`` does the same after one EVALSHA
that reads and writes one key, the least a door check or a sign-up can cost.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify

from shared.store import connect

_SCRIPT = "local n = redis.call('INCR', KEYS[1]) return n"


def create_app() -> Flask:
    app = Flask("podium.floor")
    client = connect(os.environ["REDIS_URL"])
    script = client.register_script(_SCRIPT)

    @app.get("/floor")
    def floor():
        return jsonify(status="ok", service="floor")

    @app.get("/floor/script")
    def floor_script():
        return jsonify(status="ok", n=script(keys=["podium:bench:floor"]))

    return app
