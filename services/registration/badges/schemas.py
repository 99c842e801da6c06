"""marshmallow schemas of the badge API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate


class BadgeSchema(ma.Schema):
    delegate = fields.String()
    serial = fields.Integer()
    kid = fields.String()
    token = fields.String(metadata={"description": "What the QR code carries."})
    issued_at = fields.String()


class PublicKeySchema(ma.Schema):
    kid = fields.String()
    public_key = fields.String(metadata={"description": "Raw Ed25519 key, base64url."})
    created = fields.Integer()
    active = fields.Boolean()


class PrintQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    delegates = fields.String(validate=validate.Length(1, 20_000),
                              metadata={"description": "Comma-separated delegate ids."})
    delegation = fields.String(validate=validate.Length(1, 200))
    category = fields.String(validate=validate.Length(1, 50))
    per_page = fields.Integer(load_default=4, validate=validate.OneOf([1, 2, 4, 6, 8]))
