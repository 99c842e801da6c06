"""The common part of every service's ``create_app``: config, Redis, errors, auth, docs."""

from __future__ import annotations

import functools
import http
import io
import logging
import os
import time
from collections.abc import Callable
from importlib.resources import files
from inspect import CO_COROUTINE
from types import FunctionType, MethodType
from typing import Any

import marshmallow as ma
import redis
from flask import (
    Flask,
    Request,
    Response,
    current_app,
    g,
    jsonify,
    request,
    send_from_directory,
)
from flask.sessions import SessionInterface
from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response
from webargs.core import parse_json

from shared import auth, errors, idempotency, logs, store
from shared.config import check_safe, load
from shared.errors import Problem

API_PREFIX = "/api/v1"
SWAGGER_UI_URL = "/docs/ui/"
ACCEPTS_ATTR = "_podium_accepts"
_BODY_METHODS = {"POST", "PUT", "PATCH"}
access_log = logging.getLogger("podium.access")


class ProblemSchema(ma.Schema):
    """The documented shape of every error (``application/problem+json``, RFC 9457)."""

    class Meta:
        unknown = ma.INCLUDE  # some problems carry extra members (retry_after, ...)

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    reason = ma.fields.String()
    errors = ma.fields.Raw()
    request_id = ma.fields.String()


class PodiumFlask(Flask):
    """Flask, minus a question it asks again and again with the same answer."""

    def ensure_sync(self, func: Callable) -> Callable:
        # Flask passes every hook and view through here on every call (eight times a
        # sign-up), and asks inspect each time whether it is a coroutine function: a walk
        # of several Python calls. For a plain function or method the answer is in its code
        # flags (and, from Python 3.12, a marker inspect.markcoroutinefunction sets); any
        # other callable gets Flask's own answer.
        target = func.__func__ if type(func) is MethodType else func
        if (type(target) is FunctionType and not target.__code__.co_flags & CO_COROUTINE
                and "_is_coroutine_marker" not in target.__dict__):
            return func
        return super().ensure_sync(func)


class PodiumApi(Api):
    """flask-smorest's Api, documenting errors as they are sent: problem+json documents."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        # As smorest's, with the content type errors really have, so that clients and
        # schemathesis's conformance checks read the same contract the handlers keep.
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, errors.PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, errors.PROBLEM_MIMETYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def accepts(*mimetypes: str):
    """Let a view take bodies other than JSON (document uploads, CSV)."""

    def mark(fn):
        setattr(fn, ACCEPTS_ATTR, mimetypes)
        return fn

    return mark


def _accepted(app: Flask, req: Request) -> tuple[str, ...]:
    return getattr(auth.handler_for(app, req.endpoint or "", req.method), ACCEPTS_ATTR, ())


def _read_chunked(req: Request, limit: int, what: str) -> None:
    """Read a body sent without a length (chunked) here, refusing it past ``limit`` bytes.

    A cap on the stream alone (``max_content_length``) stops reading at the limit without
    saying so: the first ``limit`` bytes of a longer body were read as if they were all of
    it (a JSON document that happened to end there, the first rows of a CSV). The body read
    is put back as a stream of known length for the view."""
    stream, data = req.environ["wsgi.input"], bytearray()
    while len(data) <= limit:
        chunk = stream.read(min(65536, limit + 1 - len(data)))
        if not chunk:
            break
        data += chunk
    if len(data) > limit:
        raise Problem(413, "body_too_large", f"{what} are limited to {limit} bytes.")
    req.environ["wsgi.input"] = io.BytesIO(bytes(data))
    req.environ["CONTENT_LENGTH"] = str(len(data))
    req.environ.pop("HTTP_TRANSFER_ENCODING", None)  # no longer chunked: it has a length


def _check_body(app: Flask, req: Request) -> None:
    if req.method not in _BODY_METHODS or req.url_rule is None:
        return
    length = req.content_length or 0
    chunked = "chunked" in req.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if not length and not chunked:
        return
    mimetype = req.mimetype or ""
    any_body = app.config["MAX_CONTENT_LENGTH"]
    if mimetype == "application/json" or mimetype.endswith("+json"):
        # Within the cap on any body too, should an operator set that one lower.
        limit, what = min(app.config["MAX_JSON_BYTES"], any_body), "JSON bodies"
    else:
        accepted = _accepted(app, req)
        if mimetype not in accepted:
            allowed = ", ".join(("application/json", *accepted))
            raise Problem(415, "unsupported_media_type", f"Send the body as {allowed}.")
        limit, what = any_body, "Uploads"
    if length > limit:
        raise Problem(413, "body_too_large", f"{what} are limited to {limit} bytes.")
    if chunked:
        _read_chunked(req, limit, what)
    # The same cap for werkzeug's reader of this body (never above MAX_CONTENT_LENGTH); set
    # here, it need not look the app's config up through the context proxy again.
    req.max_content_length = limit


def request_id(incoming: str) -> str:
    """The caller's X-Request-Id if it is short and harmless (it ends up in logs and
    e-mails), else a new one."""
    if 0 < len(incoming) <= 64 and incoming.isascii() and incoming.replace("-", "").isalnum():
        return incoming
    return os.urandom(16).hex()  # the form of a UUID's hex, without building a UUID


def _start_request(req: Request) -> None:
    # Headers are read from the WSGI environ, as werkzeug's Headers.get would, minus its
    # key-mangling calls; ``g`` is looked up once for its three attributes.
    rid = request_id(req.environ.get("HTTP_X_REQUEST_ID", ""))
    bag = g._get_current_object()  # type: ignore[attr-defined]
    bag.request_id = rid
    bag.started = time.perf_counter()
    bag.request_id_token = logs.request_id_var.set(rid)


def _before_request() -> Response | None:
    """What every service does before a view, in order: name the request, check who may
    call the route, check the body's type and size, and (on apps that honour
    ``Idempotency-Key``) claim the key or replay the first answer.

    One hook with one lookup of the app and the request: each access through Flask's
    context proxies costs a context-variable lookup, and this runs on every request."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    req = request._get_current_object()  # type: ignore[attr-defined]
    _start_request(req)
    auth.check(app, req)
    _check_body(app, req)
    service = app.extensions.get("podium_idempotency")
    if service is not None:
        return idempotency.before(app, req, service)
    return None


FINISHERS = "podium_finishers"


def add_finisher(app: Flask, finish: Callable[[Response], Response]) -> None:
    """Have ``finish`` see every response before the shared after-request steps (idempotent
    replay records, X-Request-Id, access log): one hook for all, as ``_before_request``.
    Finishers run in reverse order of registration, as Flask runs ``after_request`` hooks."""
    app.extensions.setdefault(FINISHERS, []).append(finish)


def _finish_request(response: Response) -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for finish in reversed(app.extensions.get(FINISHERS, ())):
        response = finish(response)
    bag = g._get_current_object()  # type: ignore[attr-defined]
    if "idempotency" in bag:
        response = idempotency.after(response, bag)
    rid = bag.get("request_id")
    if rid:
        response.headers["X-Request-Id"] = rid
    if app.config.get("ACCESS_LOG"):
        log_access(request.method, request.path, response.status_code,
                   bag.get("started", time.perf_counter()))
    return response


def log_access(method: str, path: str, status: int, started: float) -> None:
    access_log.info("%s %s %s %.1fms", method, path, status,
                    (time.perf_counter() - started) * 1000)


def _teardown(_exc: BaseException | None) -> None:
    bag = g._get_current_object()  # type: ignore[attr-defined]
    if "idempotency" in bag:
        idempotency.teardown(bag)  # the answer was never made: let a retry run
    token = bag.pop("request_id_token", None)
    if token is not None:
        logs.request_id_var.reset(token)


class NoCookieSessions(SessionInterface):
    """Podium keeps no cookie sessions (organisers and doors send bearer tokens, delegates
    carry signed links). Flask's default would build a cookie signer on every request only
    to find no cookie; this answers "no session" at once (Flask then uses a null one)."""

    def open_session(self, app, request):
        return None

    def save_session(self, app, session, response):  # pragma: no cover - never called
        return None


def create_base_app(name: str, title: str, test_config: dict[str, Any] | None) -> tuple[Flask, Api]:
    """Build the parts every service shares; the service adds its blueprints."""
    app = PodiumFlask(name)
    app.session_interface = NoCookieSessions()
    app.config.update(load())
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=SWAGGER_UI_URL,
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    check_safe(app.config)
    app.config["SERVICE_NAME"] = name.rsplit(".", 1)[-1]
    logs.configure(app.config["LOG_LEVEL"], app.config["LOG_JSON"])
    store.init_app(app)
    api = PodiumApi(app, spec_kwargs={"info": {"description": f"Podium {title}."}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    errors.init_app(app)  # after Api: our handlers replace smorest's
    app.before_request(_before_request)
    app.after_request(_finish_request)
    app.teardown_request(_teardown)
    _add_health(app)
    _add_swagger_ui(app)
    return app, api


def _add_swagger_ui(app: Flask) -> None:
    """Swagger UI's files for ``/docs``, from the flask-swagger-ui package: the docs work on a
    machine without internet (a CDN would also need a wider content security policy)."""
    directory = str(files("flask_swagger_ui") / "dist")

    @auth.public
    def swagger_ui(filename: str) -> Response:
        response = send_from_directory(directory, filename, max_age=86400)
        response.headers["X-Content-Type-Options"] = "nosniff"  # as the shared assets
        return response

    app.add_url_rule(SWAGGER_UI_URL + "<path:filename>", "swagger_ui", swagger_ui)


def _add_health(app: Flask) -> None:
    @auth.public
    def health():
        """Say the process is alive."""
        return jsonify(status="ok", service=app.config["SERVICE_NAME"])

    @auth.public
    def ready():
        """Say whether the service can reach Redis."""
        try:
            store.get_redis().ping()
        except redis.RedisError as exc:
            return errors.problem_response(503, "store_unavailable", f"Redis: {exc}")
        return jsonify(status="ready", service=app.config["SERVICE_NAME"])

    app.add_url_rule("/health", "health", health)
    app.add_url_rule("/ready", "ready", ready)


def json_body(blp: Blueprint, schema: ma.Schema,
              plain: Callable[[dict], dict | None] | None = None) -> Callable:
    """``blp.arguments(schema)`` for a JSON body, for hot write paths (a sign-up rush).

    A JSON object the schema accepts is loaded by the schema straight away (what webargs
    would do for it, minus its per-request machinery, ~30 us a sign-up); ``plain``, if
    given, first tries the usual body with plain comparisons (it must return what the schema
    would load, or None to let the schema decide). Anything else (no body, another type, bad
    JSON, a body the schema refuses) goes through smorest's webargs parser and the same
    schema, so every refusal keeps its status, reason and field errors. The OpenAPI
    document is smorest's own record of ``blp.arguments(schema)``."""

    def decorator(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            data = body = None
            req = request._get_current_object()  # type: ignore[attr-defined]
            if req.is_json:
                try:  # as webargs reads it: UTF-8 only (json.loads would also guess UTF-16)
                    body = parse_json(req.get_data(cache=True))
                except ValueError:
                    body = None
            if isinstance(body, dict):
                data = plain(body) if plain is not None else None
                if data is None:
                    try:
                        data = schema.load(body)
                    except ma.ValidationError:
                        data = None
            if data is None:
                data = blp.ARGUMENTS_PARSER.parse(schema, req, location="json")
            return fn(*args, data, **kwargs)  # where webargs puts it: after self

        return documented(blp.arguments(schema))(wrapper)

    return decorator


def documented(*decorators: Callable) -> Callable:
    """Smorest's documenting decorators (``blp.response``, ``blp.alt_response``, ...) for
    their OpenAPI record only, listed as they would be stacked: for hot views that build
    their own Response, which smorest's wrappers would only unpack and pass on."""

    def decorator(fn: Callable) -> Callable:
        holder = fn
        for document in reversed(decorators):
            holder = document(holder)
        fn._apidoc = holder._apidoc  # type: ignore[attr-defined]
        return fn

    return decorator


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A smorest blueprint mounted under ``/api/v1``."""
    return Blueprint(name, import_name, url_prefix=API_PREFIX, description=description)
