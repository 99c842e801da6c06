"""The notify service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.celery_app import create_celery
from shared.web import create_base_app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app, api = create_base_app("podium.notify", "Podium notify", test_config)
    # Only to send tasks by name: the API never imports the worker's code.
    app.extensions["celery"] = create_celery("podium.notify", dict(app.config))
    from services.notify.views import notices, pages

    api.register_blueprint(notices.blp)
    pages.init_app(app)
    return app
