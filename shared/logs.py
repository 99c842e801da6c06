"""Structured logs carrying a request id from the HTTP request to the bus event to the task."""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "podium_request_id", default=None
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: easy to grep, easy to ship."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "INFO", as_json: bool = True) -> None:
    """Send podium's logs to stderr; idempotent so app factories may call it repeatedly."""
    root = logging.getLogger("podium")
    root.setLevel(level)
    if any(getattr(h, "_podium", False) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler._podium = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.propagate = False
