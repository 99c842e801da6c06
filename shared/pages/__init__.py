"""What every service's web pages share: layout, CSS, a little JS, English/Spanish.

Pages are server-rendered Jinja2 templates under ``/`` (the JSON API stays under /api/v1).
Each service keeps its own templates in ``services/<svc>/templates/``; this package adds the
common layout (``layout.html``), the shared assets under ``/assets/`` and the ``t()`` helper.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

from flask import (
    Flask,
    Response,
    current_app,
    make_response,
    render_template,
    request,
    send_from_directory,
)
from jinja2 import ChoiceLoader, FileSystemLoader

from shared.auth import public
from shared.pages import strings
from shared.web import add_finisher

HERE = Path(__file__).resolve().parent
ASSETS = HERE / "static"
LANGUAGES = ("en", "es")
# No inline script or style anywhere: a stolen-token XSS needs a script we did not serve.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "form-action 'self'")
# The interactive API docs (Swagger UI, its files served by each service under /docs/ui/)
# start with flask-smorest's inline script; only that page gets this wider policy.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def language() -> str:
    """The page language: ?lang= first, then the browser's Accept-Language, else English."""
    chosen = request.args.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def url_with(**changes: str | None) -> str:
    """This page's URL with some query parameters changed (None removes one)."""
    args = {k: v for k, v in request.args.items() if k not in changes}
    args.update({k: v for k, v in changes.items() if v is not None})
    return request.path + ("?" + urlencode(args) if args else "")


def _context() -> dict:
    lang = language()

    def t(key: str, **values) -> str:
        return strings.text(lang, key, **values)

    def day_name(iso: str) -> str:
        return strings.day_name(lang, iso)

    other = "es" if lang == "en" else "en"
    config = current_app.config
    # Each page is served by the service owning its data; links cross between services.
    sites = {name: config[f"PUBLIC_{name.upper()}_URL"]
             for name in ("agenda", "registration", "notify")}
    return {"lang": lang, "t": t, "day_name": day_name, "switch_lang": other,
            "switch_url": url_with(lang=other), "url_with": url_with, "sites": sites}


@public
def assets(filename: str) -> Response:
    """Serve the shared CSS, JS and vendored libraries."""
    response = send_from_directory(ASSETS, filename, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _html_errors(response: Response) -> Response:
    """A person who opened a page gets an error page, not a JSON problem document."""
    if request.path.startswith(
            ("/api/", "/assets/", "/health", "/ready", "/openapi", "/docs")):
        return response
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
        return response
    problem = json.loads(response.get_data())
    page = make_response(render_template("error.html", problem=problem), response.status_code)
    for name in ("WWW-Authenticate", "Retry-After", "X-Request-Id"):
        if name in response.headers:
            page.headers[name] = response.headers[name]
    return page


def _headers(response: Response) -> Response:
    # After every request of every service: the content type is parsed once for both checks.
    mimetype = response.mimetype
    if mimetype == "application/problem+json":
        response = _html_errors(response)
        mimetype = response.mimetype
    if mimetype == "text/html":
        policy = DOCS_CSP if request.path.rstrip("/") == "/docs" else CSP
        response.headers.setdefault("Content-Security-Policy", policy)
        # Delegate pages carry a personal token in their URL: never send it elsewhere.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask, templates: Path) -> None:
    """Give ``app`` the shared layout, assets and translations, plus its own templates."""
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(templates)),
                                     FileSystemLoader(str(HERE / "templates"))])
    app.add_url_rule("/assets/<path:filename>", "assets", assets)
    app.context_processor(_context)
    add_finisher(app, _headers)  # inside shared.web's one after-request hook
