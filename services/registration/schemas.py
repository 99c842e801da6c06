"""marshmallow schemas of the registration API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

NO_CONTROL = validate.Regexp(r"^[^\x00-\x1f\x7f]*$",
                             error="Line breaks and control characters are not allowed.")
CATEGORIES = ("member_country", "observer_organisation", "civil_society",
              "technical_secretariat", "press", "other")


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


class RegisterSchema(Strict):
    name = fields.String(required=True, validate=[validate.Length(1, 200), NO_CONTROL])
    email = fields.Email(required=True, validate=[validate.Length(3, 254), NO_CONTROL])
    delegation = fields.String(required=True, validate=[validate.Length(1, 200), NO_CONTROL])
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    language = fields.String(load_default="en", validate=validate.OneOf(["en", "es"]))


class DelegateSchema(Strict):
    class Meta:
        unknown = ma.EXCLUDE
        ordered = True

    id = fields.String()
    name = fields.String()
    email = fields.String()
    delegation = fields.String()
    category = fields.String()
    language = fields.String()
    accreditation = fields.String()
    scopes = fields.List(fields.String())
    registered_at = fields.String()


class SignupSchema(Strict):
    session = fields.String(required=True, validate=validate.Length(1, 100))


class SignupResultSchema(ma.Schema):
    session = fields.String()
    state = fields.String(metadata={"description": "confirmed or waitlisted"})
    position = fields.Integer(allow_none=True)
    new = fields.Boolean()


class MySessionSchema(ma.Schema):
    session = fields.String()
    state = fields.String()
    position = fields.Integer(allow_none=True)
    title = fields.String(allow_none=True)
    starts_at = fields.String(allow_none=True)
    ends_at = fields.String(allow_none=True)
    room = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
