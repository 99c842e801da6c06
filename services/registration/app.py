"""The registration service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from shared import idempotency
from shared.web import create_base_app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app, api = create_base_app("podium.registration", "Podium registration", test_config)
    idempotency.init_app(app, "registration")
    from services.registration.badges import views as badges
    from services.registration.gate import views as gate
    from services.registration.views import delegates, delegations, organisers, pages

    api.register_blueprint(delegates.blp)
    api.register_blueprint(organisers.blp)
    api.register_blueprint(delegations.blp)
    api.register_blueprint(badges.blp)
    api.register_blueprint(gate.blp)
    pages.init_app(app)
    return app
