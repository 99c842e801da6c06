"""marshmallow schemas of the notify API."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

# Subjects and audience values become header text or keys: no line breaks, no controls.
NO_CONTROL = validate.Regexp(r"^[^\x00-\x1f\x7f\u2028\u2029]*$",
                             error="Line breaks and control characters are not allowed.")
# A body may have line breaks (it is never a header), but no NUL and no other controls.
BODY_CHARS = validate.Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
                             error="Control characters other than line breaks and tabs are "
                                   "not allowed.")
KINDS = ("everybody", "session", "delegation", "category", "delegates")


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


class AudienceSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    value = fields.Raw(load_default=None, metadata={
        "description": "session id, delegation or category name; a list of delegate ids "
                       "for kind=delegates; nothing for everybody"})

    @ma.validates_schema
    def check_value(self, data, **_kw):
        kind, value = data.get("kind"), data.get("value")
        if kind == "everybody":
            if value not in (None, ""):
                raise ma.ValidationError("everybody takes no value", "value")
        elif kind == "delegates":
            if not isinstance(value, list) or not value or len(value) > 10_000:
                raise ma.ValidationError("a list of 1 to 10,000 delegate ids", "value")
            for item in value:
                _one_line(item)
        elif kind in KINDS:
            _one_line(value)


def _one_line(value) -> None:
    if not isinstance(value, str) or not 0 < len(value) <= 200:
        raise ma.ValidationError("a text of 1 to 200 characters", "value")
    NO_CONTROL(value)


class BroadcastSchema(Strict):
    subject = fields.String(required=True, validate=[validate.Length(1, 200), NO_CONTROL])
    body = fields.String(required=True, validate=[validate.Length(1, 20_000), BODY_CHARS])
    audience = fields.Nested(AudienceSchema, required=True)


class PreviewQuery(ma.Schema):
    first = fields.Integer(load_default=20, validate=validate.Range(1, 500))
