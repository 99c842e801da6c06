"""marshmallow schemas of the agenda API (they also generate its OpenAPI document)."""

from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import marshmallow as ma
from marshmallow import fields, validate, validates, validates_schema

from shared import meeting_hours

SLUG = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,62}$", error="Use lower-case letters, digits, -.")
# [0-9], not \d: \d also matches other scripts' digits ("0௬:2႔"), which no clock reads.
HHMM = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="Use HH:MM (24-hour).")
HOURS = validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$",
                        error="Use HH:MM-HH:MM.")
KINDS = ("meeting", "workshop", "plenary_item", "break", "meal", "ceremony", "departure",
         "other")
PARTS = meeting_hours.PARTS
STATUSES = ("scheduled", "moved", "cancelled")
SAFE_TEXT = validate.Regexp(r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
                            error="Control characters are not allowed.")


class Day(fields.Date):
    """A date that loads from ISO text and dumps stored ISO strings unchanged."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


def _text(max_len: int, **kw) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=max_len), SAFE_TEXT], **kw)


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


class EventSchema(Strict):
    id = fields.String(dump_only=True)
    title = _text(300, required=True)
    subtitle = _text(300, allow_none=True)
    theme = _text(300, allow_none=True)
    host = _text(200, allow_none=True)
    city = _text(100, allow_none=True)
    country = _text(100, allow_none=True)
    timezone = fields.String(required=True)
    first_day = Day(required=True)
    last_day = Day(required=True)
    languages = fields.List(fields.String(validate=validate.OneOf(["en", "es"])),
                            load_default=["en"], validate=validate.Length(min=1, max=2))
    morning = fields.String(load_default=meeting_hours.MORNING, validate=HOURS,
                            metadata={"description": "Hours used for 'During the morning'."})
    afternoon = fields.String(load_default=meeting_hours.AFTERNOON, validate=HOURS,
                              metadata={"description": "Hours used for 'During the "
                                        "afternoon'; all day runs from the morning's start "
                                        "to the afternoon's end."})
    door_opens_minutes = fields.Integer(load_default=meeting_hours.DOOR_OPENS_MINUTES,
                                        validate=validate.Range(0, 240))

    @validates("timezone")
    def _tz(self, value: str, **_kw) -> None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ma.ValidationError("Not an IANA timezone (e.g. America/El_Salvador).") from exc

    @validates_schema
    def _hours(self, data: dict, **_kw) -> None:
        for part in ("morning", "afternoon"):
            start, _sep, end = (data.get(part) or "00:00-23:59").partition("-")
            if end <= start:
                raise ma.ValidationError("The hours must end after they start.", part)

    @validates_schema
    def _days(self, data: dict, **_kw) -> None:
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and (last < first or (last - first).days > 60):
            raise ma.ValidationError("last_day must be on or after first_day, within 60 days.",
                                     "last_day")


class RoomSchema(Strict):
    id = fields.String(required=True, validate=SLUG)
    name = _text(200, required=True)
    capacity = fields.Integer(allow_none=True, validate=validate.Range(1, 100_000),
                              metadata={"description": "Fire-safety capacity of the room."})


class ItemSchema(Strict):
    title = _text(1000, required=True)
    leads = fields.List(_text(200), load_default=list)
    items = fields.List(fields.Nested(lambda: ItemSchema()), load_default=list)


class SessionSchema(Strict):
    id = fields.String(validate=SLUG, metadata={"description": "Chosen from day/time/title "
                                                "when omitted."})
    day = Day(required=True)
    start = fields.String(allow_none=True, validate=HHMM)
    end = fields.String(allow_none=True, validate=HHMM)
    part_of_day = fields.String(allow_none=True, validate=validate.OneOf(PARTS))
    title = _text(1000, required=True)
    kind = fields.String(load_default="plenary_item", validate=validate.OneOf(KINDS))
    meeting = _text(300, allow_none=True, load_default=None)
    # A room's id; any text is read so that a name typed by mistake gets the list of rooms
    # back (operations check it names a room before anything is stored).
    room = _text(200, allow_none=True, load_default=None,
                 metadata={"description": "A room's id (GET .../rooms)."})
    leads = fields.List(_text(200), load_default=list)
    items = fields.List(fields.Nested(ItemSchema), load_default=list)
    notes = fields.List(_text(1000), load_default=list)
    access = fields.String(load_default="open", validate=validate.OneOf(["open", "accredited"]))
    accreditation = fields.String(allow_none=True, load_default=None, validate=SLUG)
    capacity = fields.Integer(allow_none=True, load_default=None,
                              validate=validate.Range(0, 100_000))
    parallel_group = fields.String(allow_none=True, load_default=None, validate=SLUG)
    status = fields.String(load_default="scheduled", validate=validate.OneOf(STATUSES))
    requires_signup = fields.Boolean(load_default=False)

    @validates_schema
    def _times(self, data: dict, partial=None, **_kw) -> None:
        if partial:
            return  # PATCH: checked on the merged session
        check_session_times(data)


def check_session_times(data: dict) -> None:
    start, end, part = data.get("start"), data.get("end"), data.get("part_of_day")
    if part and (start or end):
        raise ma.ValidationError("Give start and end, or part_of_day, not both.", "part_of_day")
    if not part:
        if not (start and end):
            raise ma.ValidationError("Give start and end, or a part_of_day.", "start")
        if end <= start:
            raise ma.ValidationError("end must be after start.", "end")
    if data.get("access") == "accredited" and not data.get("accreditation"):
        data["accreditation"] = "general"


class SessionPatchSchema(SessionSchema):
    class Meta(SessionSchema.Meta):
        pass


class SessionOutSchema(SessionSchema):
    class Meta:
        unknown = ma.EXCLUDE
        ordered = True

    room_name = fields.String(allow_none=True)
    starts_at = fields.String(allow_none=True)
    ends_at = fields.String(allow_none=True)
    sequence = fields.Integer()
    etag = fields.String()
    warnings = fields.List(fields.Nested(lambda: WarningSchema()), metadata={
        "description": "After a create or an edit: what the organiser should know (another "
                       "session in the same room at the same time). Never an error."})


class WarningSchema(ma.Schema):
    reason = fields.String(metadata={"description": "room_clash"})
    message = fields.String()
    room = fields.String()
    session = fields.String(metadata={"description": "The other session's id."})
    title = fields.String(metadata={"description": "The other session's title."})


class PublishSchema(Strict):
    note = fields.String(load_default="", validate=[validate.Length(max=2000), SAFE_TEXT])


class PublishedSchema(ma.Schema):
    version = fields.Integer(metadata={"description": "The version now published."})
    note = fields.String()
    published_at = fields.String()
    changes = fields.List(fields.Dict(), metadata={"description": "Per session: labels and "
                                                   "changed fields, against the version "
                                                   "before."})
    new = fields.Boolean(metadata={"description": "false: the draft held nothing the "
                                   "current version does not, so nothing was published "
                                   "again (the current version is answered)."})


class AgendaQuerySchema(Strict):
    day = Day()
    room = fields.String()
    kind = fields.String(validate=validate.OneOf(KINDS))
    meeting = fields.String()


def slugify(text: str, limit: int = 48) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "item"


def session_key(day: date | str, start: str | None, part: str | None, title: str) -> str:
    when = (start or part or "x").replace(":", "").replace("_", "")
    return f"{day}-{when}-{slugify(title, 40)}"
