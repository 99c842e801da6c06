"""Bulk registration by organisers: a CSV upload or a JSON list, with a report per row."""

from __future__ import annotations

import csv
import io
from collections import Counter

import marshmallow as ma
import redis

from services.registration import operations as ops
from services.registration.schemas import RegisterSchema
from shared.errors import Problem

MAX_ROWS = 5000


def rows_from_csv(raw: bytes) -> list[dict]:
    """Rows of a CSV with a header line (name,email,delegation,category[,language])."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Problem(422, "invalid_csv", "The CSV file must be UTF-8.") from exc
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for row in reader:
        # Empty cells mean "not given" (the default language), extra cells are an error.
        rows.append({k: v for k, v in row.items() if v not in ("", None) or k is None})
        if None in rows[-1]:
            rows[-1]["_extra_cells"] = rows[-1].pop(None)
    return rows


def register_rows(r: redis.Redis, event_id: str, rows: list, *, public_url: str,
                  secret: str) -> dict:
    """Register each valid row; report created / already_registered / invalid / refused."""
    if len(rows) > MAX_ROWS:
        raise Problem(413, "too_many_rows", f"Send at most {MAX_ROWS} delegates at once.")
    ops.get_meeting(r, event_id)
    report = []
    schema = RegisterSchema()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            report.append({"row": number, "status": "invalid",
                           "errors": {"_schema": ["Each row must be an object."]}})
            continue
        try:
            data = schema.load(row)
        except ma.ValidationError as exc:
            report.append({"row": number, "status": "invalid", "email": row.get("email"),
                           "errors": exc.messages})
            continue
        try:
            delegate, created = ops.register(r, event_id, data, public_url=public_url,
                                             secret=secret, by_organiser=True)
        except Problem as exc:
            report.append({"row": number, "status": "refused", "email": data["email"],
                           "reason": exc.reason, "detail": exc.detail})
            continue
        report.append({"row": number, "status": "created" if created else "already_registered",
                       "email": data["email"], "id": delegate["id"]})
    return {"summary": dict(Counter(item["status"] for item in report)), "rows": report}
