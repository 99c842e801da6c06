"""The agenda service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared.web import create_base_app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app, api = create_base_app("podium.agenda", "Podium agenda", test_config)
    from services.agenda.views import drafts, pages, published

    api.register_blueprint(drafts.blp)
    api.register_blueprint(published.blp)
    pages.init_app(app)
    return app
