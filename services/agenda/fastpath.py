"""Published reads answered before Flask: the agenda's hot path as a WSGI layer.

Every delegate's app and every subscribed calendar re-reads the published agenda, nearly
always to learn that nothing changed. Those reads need no routing, no auth (the exports are
public), no body parsing and no Redis: the current stamp is in the process's memory
(:mod:`services.agenda.stamps`) and so are the renderings (:mod:`services.agenda.exports`).
This layer answers an unfiltered ``GET`` of an export from memory when both are there: 304
when the client's ETag matches, else the cached bytes. Anything else (a filter, HEAD, a
stamp or rendering not yet in memory, a lost subscription) goes to Flask, which fills the
memory; the answers are the same either way (tests/test_agenda_fastpath.py compares them).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable

from werkzeug.http import parse_etags
from werkzeug.utils import get_content_type

from services.agenda import exports, stamps
from shared.web import API_PREFIX, log_access, request_id

FORMATS = {"agenda": "agenda", "agenda.ics": "ics", "schedule.xml": "xml",
           "schedule.json": "frab-json"}
_PATH = re.compile(re.escape(API_PREFIX) + r"/events/([^/]+)/(" +
                   "|".join(re.escape(name) for name in FORMATS) + r")")
CACHE_CONTROL = "no-cache"  # clients may keep a copy but must revalidate (cheaply: 304)

StartResponse = Callable[..., object]


class PublishedReads:
    """Wrap a Flask app's ``wsgi_app``; see the module docstring."""

    def __init__(self, app) -> None:
        self.flask = app
        self.inner = app.wsgi_app
        self.stamps = stamps.memory(app.extensions["redis"])
        self.access_log = bool(app.config.get("ACCESS_LOG"))

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
            return self.inner(environ, start_response)
        match = _PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None:
            return self.inner(environ, start_response)
        started = time.perf_counter()
        eid, fmt = match.group(1), FORMATS[match.group(2)]
        stamp = self.stamps.known(eid)
        if stamp is None:
            return self.inner(environ, start_response)
        tag = exports.etag(stamp, fmt)
        headers = [("ETag", tag), ("Cache-Control", CACHE_CONTROL),
                   ("X-Request-Id", request_id(environ.get("HTTP_X_REQUEST_ID", "")))]
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted and parse_etags(wanted).contains_weak(tag[1:-1]):
            return self._answer(start_response, "304 NOT MODIFIED", headers, b"", environ,
                                started)
        found = exports.cached(eid, stamp, fmt)
        if found is None:
            return self.inner(environ, start_response)
        headers += [("Content-Type", get_content_type(found.mimetype, "utf-8")),
                    ("Content-Length", str(len(found.body)))]
        return self._answer(start_response, "200 OK", headers, found.body, environ, started)

    def _answer(self, start_response: StartResponse, status: str, headers: list,
                body: bytes, environ: dict, started: float) -> list[bytes]:
        start_response(status, headers)
        if self.access_log:
            log_access("GET", environ.get("PATH_INFO", ""), int(status[:3]), started)
        return [body] if body else []


def init_app(app) -> None:
    app.wsgi_app = PublishedReads(app)
