"""The notify service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.web import create_base_app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app, api = create_base_app("podium.notify", "Podium notify", test_config)
    from services.notify.views import notices

    api.register_blueprint(notices.blp)
    return app
