"""marshmallow schemas of the door-check API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import marshmallow as ma
from marshmallow import fields, validate, validates, validates_schema

from services.registration.schemas import NO_CONTROL, Strict

# Long enough to carry any garbage a camera reads, so it is denied and recorded rather than
# refused as input; tokens over 512 characters are denied as bad_signature.
MAX_SCANNED = 8192
SLUG = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$", error="Not an id.")


class DeviceSchema(Strict):
    label = fields.String(load_default="", validate=[validate.Length(0, 100), NO_CONTROL])
    rooms = fields.List(fields.String(validate=SLUG), load_default=list,
                        validate=validate.Length(0, 50))


class DeviceOutSchema(ma.Schema):
    id = fields.String()
    label = fields.String()
    rooms = fields.List(fields.String())
    token_id = fields.String()
    created = fields.Integer()
    token = fields.String(metadata={"description": "Shown once, at creation."})


class ScanSchema(Strict):
    token = fields.String(required=True, validate=validate.Length(0, MAX_SCANNED))
    session = fields.String(validate=SLUG)
    room = fields.String(validate=SLUG)
    direction = fields.String(load_default="in", validate=validate.OneOf(["in", "out"]))
    nonce = fields.String(required=True, validate=[validate.Length(8, 100), SLUG])
    scanned_at = fields.AwareDateTime(
        metadata={"description": "When the scan happened (offline uploads); default now."})

    @validates("scanned_at")  # 30 days: gate.scans.UPLOAD_DAYS (nonces are kept as long)
    def _recent(self, value: datetime, **_kw) -> None:
        now = datetime.now(UTC)
        if not now - timedelta(days=30) <= value <= now + timedelta(minutes=5):
            raise ma.ValidationError("Must be within the last 30 days, not in the future.")

    @validates_schema
    def _target(self, data: dict, **_kw) -> None:
        if bool(data.get("session")) == bool(data.get("room")):
            raise ma.ValidationError("Give a session or a room.", "session")


class CorrectionSchema(Strict):
    count = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100_000),
                           metadata={"description": "People in the room now (a head count)."})
    reason = fields.String(required=True, validate=[validate.Length(1, 500), NO_CONTROL])


class CorrectionOutSchema(ma.Schema):
    at = fields.String()
    by = fields.Dict(metadata={"description": "The organiser token's id and label."})
    room = fields.String()
    day = fields.String(metadata={"description": "The meeting's local day corrected."})
    reason = fields.String()
    before = fields.Integer()
    after = fields.Integer()
    forgotten = fields.Integer(metadata={"description": "People no longer recorded inside "
                                                        "(a count of 0 clears the room)."})


class RoomOccupancySchema(ma.Schema):
    room = fields.String()
    name = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    inside = fields.Integer()
    corrections = fields.List(fields.Nested(CorrectionOutSchema))


class BatchSchema(Strict):
    scans = fields.List(fields.Nested(ScanSchema), required=True,
                        validate=validate.Length(1, 1000))


class DisplaySchema(ma.Schema):
    name = fields.String()
    delegation = fields.String()
    category = fields.String()


class AnswerSchema(ma.Schema):
    decision = fields.String(metadata={"description": "allow, deny (error: batch rows only)"})
    reason = fields.String(allow_none=True)
    detail = fields.String()
    direction = fields.String()
    session = fields.String(allow_none=True)
    room = fields.String()
    serial = fields.Integer(allow_none=True)
    delegate = fields.String(allow_none=True)
    display = fields.Nested(DisplaySchema, allow_none=True)
    occupancy = fields.Integer()
    capacity = fields.Integer(allow_none=True)
    scan_id = fields.String()
    scanned_at = fields.String()
    duplicate = fields.Boolean()


class BatchAnswerSchema(ma.Schema):
    answers = fields.List(fields.Nested(AnswerSchema))


class OccupancySchema(ma.Schema):
    room = fields.String()
    name = fields.String(allow_none=True)
    capacity = fields.Integer(allow_none=True)
    inside = fields.Integer()


class ScansQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    after = fields.String(validate=validate.Regexp(r"^\d{1,20}-\d{1,20}$"))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))


class BundleQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    since = fields.Integer(validate=validate.Range(0, 2**53))
