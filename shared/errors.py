"""One error shape for every service: RFC 9457 ``application/problem+json``.

Domain code raises :class:`Problem` (or a subclass) with a machine-readable ``reason``; the
handlers installed by :func:`init_app` turn it, and every HTTP error Flask or webargs raises,
into the same JSON body. An unexpected exception becomes a 500 in the same shape, and a Redis
outage becomes a 503 so clients know to retry.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Flask, g, json
from werkzeug.exceptions import HTTPException

from shared.store import NotDurable

PROBLEM_TYPE = "https://podium.example/problems/"
PROBLEM_MIMETYPE = "application/problem+json"
log = logging.getLogger("podium.errors")

# Default reason codes for plain HTTP errors, so every body has one.
_HTTP_REASONS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    412: "precondition_failed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    428: "precondition_required",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


_LOCATIONS = {"json", "query", "form", "files", "headers", "view_args"}


class Problem(Exception):
    """A failure the client can understand: status, reason code and a human message."""

    def __init__(self, status: int, reason: str, detail: str, *, title: str | None = None,
                 errors: dict | None = None, extra: dict | None = None,
                 headers: dict | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.detail = detail
        self.title = title
        self.errors = errors
        self.extra = extra or {}
        self.headers = headers or {}


def problem_body(status: int, reason: str, detail: str, *, title: str | None = None,
                 errors: dict | None = None, extra: dict | None = None) -> dict[str, Any]:
    """Build the problem document (also used by services for per-row reports)."""
    from werkzeug.http import HTTP_STATUS_CODES

    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + reason.replace("_", "-"),
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "reason": reason,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    request_id = g.get("request_id") if g else None
    if request_id:
        body["request_id"] = request_id
    return body


def problem_response(status: int, reason: str, detail: str, **kwargs: Any):
    headers = kwargs.pop("headers", None) or {}
    body = problem_body(status, reason, detail, **kwargs)
    response = Flask.response_class(json.dumps(body), status=status,
                                    mimetype=PROBLEM_MIMETYPE)
    response.headers.update(headers)
    return response


def _from_http(error: HTTPException):
    data = getattr(error, "data", None) or {}
    status = error.code or 500
    errors = data.get("errors") or data.get("messages")
    # webargs nests errors by location ({"json": {...}}); users care about fields.
    if isinstance(errors, dict) and errors and set(errors) <= _LOCATIONS:
        merged: dict = {}
        for part in errors.values():
            merged.update(part if isinstance(part, dict) else {"_schema": part})
        errors = merged
    reason = data.get("reason") or _HTTP_REASONS.get(status, "http_error")
    detail = data.get("message") or error.description or error.name
    if status == 422 and errors:
        detail = "The request has invalid or unknown fields: " + _field_messages(errors)
    response = problem_response(status, reason, detail, errors=errors)
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if data.get("headers"):
        response.headers.update(data["headers"])
    return response


def _field_messages(errors, shown: int = 5) -> str:
    """'scans.3.scanned_at: Not within ...; status: Unknown field.': where each error is
    (nested lists of items flattened to dotted paths) and what it says, the first few."""
    found: list[str] = []

    def walk(node, path: str) -> None:
        if isinstance(node, dict):
            for key in sorted(node, key=str):  # marshmallow's "_schema": the whole object
                walk(node[key], path if key == "_schema" else f"{path}.{key}".lstrip("."))
        elif isinstance(node, list) and node and all(isinstance(m, str) for m in node):
            found.append(f"{path or 'body'}: {' '.join(node)}")
        elif isinstance(node, list):
            for item in node:
                walk(item, path)
        else:
            found.append(f"{path or 'body'}: {node}")

    walk(errors, "")
    more = f" (and {len(found) - shown} more)" if len(found) > shown else ""
    return "; ".join(found[:shown]) + more


def _from_problem(error: Problem):
    return problem_response(error.status, error.reason, error.detail, title=error.title,
                            errors=error.errors, extra=error.extra, headers=error.headers)


def _from_redis(error: redis.RedisError):
    if isinstance(error, NotDurable):
        log.error("durable write not confirmed: %s", error)
        return problem_response(503, "not_durable",
                                "The change could not be confirmed on disk; retry it.",
                                headers={"Retry-After": "1"})
    if isinstance(error, redis.ConnectionError | redis.TimeoutError | redis.BusyLoadingError):
        log.warning("redis unavailable: %s", error)
        return problem_response(503, "store_unavailable",
                                "The data store is unreachable; retry shortly.",
                                headers={"Retry-After": "1"})
    if "READONLY" in str(error) or "MISCONF" in str(error) or "OOM" in str(error):
        log.error("redis refused a write: %s", error)
        return problem_response(503, "store_unavailable",
                                "The data store refuses writes right now; retry shortly.",
                                headers={"Retry-After": "5"})
    return _from_unexpected(error)


def _from_recursion(error: RecursionError):
    # json.loads recurses once per nesting level: a body nested 100,000 deep is bad input.
    from flask import request

    if request.is_json and request.content_length:
        return problem_response(400, "bad_request", "The JSON body is nested too deeply.")
    return _from_unexpected(error)


def _from_unexpected(error: Exception):
    log.exception("unhandled error")
    return problem_response(500, "internal_error", "Something went wrong on our side.")


def init_app(app: Flask) -> None:
    """Register the handlers; call after flask-smorest's Api so ours win."""
    app.register_error_handler(Problem, _from_problem)
    app.register_error_handler(HTTPException, _from_http)
    app.register_error_handler(redis.RedisError, _from_redis)
    app.register_error_handler(RecursionError, _from_recursion)
    app.register_error_handler(Exception, _from_unexpected)
