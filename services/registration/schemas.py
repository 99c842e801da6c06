"""marshmallow schemas of the registration API."""

from __future__ import annotations

import unicodedata

import marshmallow as ma
from marshmallow import fields, pre_load, validate

NO_CONTROL = validate.Regexp(r"^[^\x00-\x1f\x7f]*$",
                             error="Line breaks and control characters are not allowed.")
CATEGORIES = ("member_country", "observer_organisation", "civil_society",
              "technical_secretariat", "press", "other")


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


def _composed_email(_schema, data, **_kw):
    """Compose accents first (NFC), so 'jose' + combining accent is the same address as 'josé'."""
    if isinstance(data, dict) and isinstance(data.get("email"), str):
        data = {**data, "email": unicodedata.normalize("NFC", data["email"]).strip()}
    return data


class RegisterSchema(Strict):
    _compose = pre_load(_composed_email)

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


def plain_signup(body: dict) -> dict | None:
    """What ``SignupSchema`` loads from ``{"session": id}``, by plain comparisons (the sign-up
    rush's hot path); None for any other body, which the schema then judges."""
    if len(body) == 1:
        session = body.get("session")
        if type(session) is str and 1 <= len(session) <= 100:
            return {"session": session}
    return None


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


SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,62}$", error="Use lower-case letters, digits, -.")
OPEN_CLOSED = validate.OneOf(["open", "closed"])


class DelegateUpdateSchema(Strict):
    """What a delegate may change about themselves; status and accreditation are not here."""

    name = fields.String(validate=[validate.Length(1, 200), NO_CONTROL])
    language = fields.String(validate=validate.OneOf(["en", "es"]))


class SettingsSchema(Strict):
    self_registration = fields.String(load_default="open", validate=OPEN_CLOSED)
    signups = fields.String(load_default="open", validate=OPEN_CLOSED)


class AccessLinkSchema(Strict):
    _compose = pre_load(_composed_email)

    email = fields.Email(required=True, validate=[validate.Length(3, 254), NO_CONTROL])


class DelegationSchema(Strict):
    quota = fields.Integer(allow_none=True, load_default=None,
                           validate=validate.Range(0, 100_000))
    focal_point = fields.String(allow_none=True, load_default=None,
                                validate=validate.Length(1, 64))


class DelegationOutSchema(ma.Schema):
    name = fields.String()
    quota = fields.Integer(allow_none=True)
    focal_point = fields.String(allow_none=True)
    members = fields.Integer()


class MemberSchema(ma.Schema):
    id = fields.String()
    name = fields.String()
    email = fields.String()
    category = fields.String()
    language = fields.String()
    accreditation = fields.String()


class DecisionSchema(Strict):
    decision = fields.String(required=True, validate=validate.OneOf(
        ["approve", "reject", "revoke"]))
    scopes = fields.List(fields.String(validate=SLUG), load_default=list,
                         validate=validate.Length(max=50),
                         metadata={"description": "'general', or restricted sessions' "
                                                  "accreditation slugs in the published "
                                                  "agenda (others: 422 unknown_scope); "
                                                  "approve defaults to general, revoke to "
                                                  "all."})
    reason = fields.String(required=True, validate=[validate.Length(1, 1000), NO_CONTROL])


class DecisionResultSchema(ma.Schema):
    accreditation = fields.String()
    scopes = fields.List(fields.String())
    removed_from = fields.List(fields.String())


class DelegateFilterSchema(Strict):
    accreditation = fields.String(validate=validate.OneOf(
        ["pending", "approved", "rejected", "revoked"]))
    delegation = fields.String(validate=validate.Length(1, 200))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))
