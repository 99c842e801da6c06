"""The agenda service's app factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

from shared.web import add_finisher, create_base_app


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app, api = create_base_app("podium.agenda", "Podium agenda", test_config)
    from services.agenda import fastpath
    from services.agenda.views import drafts, imports, pages, published

    api.register_blueprint(drafts.blp)
    api.register_blueprint(imports.blp)
    api.register_blueprint(published.blp)
    add_finisher(app, _etag)
    pages.init_app(app)
    if app.config.get("FAST_READS", True):
        fastpath.init_app(app)
    return app


def _etag(response: Response) -> Response:
    """Give every successful GET an ETag and answer a matching If-None-Match with 304.

    Views that know a cheaper tag (the published agenda's version stamp, a session's own
    ETag) set it themselves; the rest get a hash of the body.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.direct_passthrough or response.is_streamed:
        return response
    if "ETag" not in response.headers:
        response.add_etag()
    return response.make_conditional(request)
