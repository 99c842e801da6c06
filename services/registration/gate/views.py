"""Door checks: devices, scans (online and offline uploads), occupancy, the offline bundle."""

from __future__ import annotations

import time

from flask import Response, current_app
from flask.views import MethodView

from services.registration.accreditation import who
from services.registration.gate import bundle, devices, occupancy, parsing
from services.registration.gate import scans as ops
from services.registration.gate.scans import Device
from services.registration.gate.schemas import (
    AnswerSchema,
    BatchAnswerSchema,
    BatchSchema,
    BundleQuerySchema,
    CorrectionOutSchema,
    CorrectionSchema,
    DeviceOutSchema,
    DeviceSchema,
    OccupancySchema,
    RoomOccupancySchema,
    ScansQuerySchema,
)
from shared import auth, ratelimit
from shared.auth import roles
from shared.errors import Problem
from shared.ratelimit import limit, per_token
from shared.store import get_redis
from shared.web import api_blueprint, json_body

SCAN_LIMIT = "1200/60"  # per device, RATE_LIMIT_SCAN overrides
blp = api_blueprint("gate", __name__, "Gatekeeper devices and door checks.")


def _device() -> Device:
    p = auth.current()
    assert p is not None  # roles() admitted a token
    if p.role == "gatekeeper":
        return Device(p.subject or f"token-{p.token_id}", p.rooms, p.digest or "")
    return Device(f"organiser-{p.token_id}", (), p.digest or "")


@blp.route("/events/<event>/gate/devices")
class Devices(MethodView):
    @roles("organiser")
    @blp.response(200, DeviceOutSchema(many=True))
    def get(self, event):
        """List the meeting's door devices (tokens are never shown again)."""
        return devices.list_devices(get_redis(), event)

    @roles("organiser")
    @blp.arguments(DeviceSchema)
    @blp.response(201, DeviceOutSchema)
    def post(self, data, event):
        """Register a door device, optionally bound to rooms; its token is shown once."""
        return devices.create(get_redis(), event, data["label"], data["rooms"])


@blp.route("/events/<event>/gate/devices/<device_id>")
class DeviceView(MethodView):
    @roles("organiser")
    @blp.response(204)
    def delete(self, event, device_id):
        """Revoke a device's token (a lost phone)."""
        devices.revoke(get_redis(), event, device_id)


@blp.route("/events/<event>/gate/scans")
class Scans(MethodView):
    @roles("organiser")
    @blp.arguments(ScansQuerySchema, location="query")
    @blp.response(200)
    def get(self, query, event):
        """Every scan after ``after`` (a scan id), oldest first, for a live view."""
        return ops.recent(get_redis(), event, query.get("after"), query["limit"])

    # The door's hot path: the token comes from a per-process cache (the scan script refuses
    # a revoked one), the body is read without webargs when plainly valid, and the answer
    # the script encoded is sent as is. Same validation, errors and answer as the schemas.
    # The per-device limit (a busy door, not a script) is counted inside the scan script.
    @roles("gatekeeper", "organiser")
    @auth.checks_token_live
    @json_body(blp, parsing.SCHEMA, parsing.plain_scan)
    @blp.response(200, AnswerSchema)
    def post(self, scan, event):
        """Allow or deny one scan, with the reason and what the gatekeeper may show."""
        body = ops.scan_json(get_redis(), event, _device(), scan, time.time(),
                             ratelimit.configured("scan", SCAN_LIMIT))
        return Response(body, mimetype="application/json")


@blp.route("/events/<event>/gate/scans/batch")
class Batch(MethodView):
    @roles("gatekeeper", "organiser")
    @limit("scan_batch", "60/60", by=per_token)
    @blp.arguments(BatchSchema)
    @blp.response(200, BatchAnswerSchema)
    def post(self, data, event):
        """Upload scans made offline, with their own time and nonce (repeats count once)."""
        return {"answers": ops.scan_batch(get_redis(), event, _device(), data["scans"],
                                          time.time())}


@blp.route("/events/<event>/gate/occupancy")
class Occupancy(MethodView):
    @roles("organiser", "gatekeeper")
    @blp.response(200, OccupancySchema(many=True))
    def get(self, event):
        """How many people are inside each room (a device sees its own rooms)."""
        return occupancy.occupancy(get_redis(), event, _device().rooms)


@blp.route("/events/<event>/gate/occupancy/<room_id>")
class RoomOccupancy(MethodView):
    @roles("organiser")
    @blp.response(200, RoomOccupancySchema)
    def get(self, event, room_id):
        """A room's count today and the organisers' corrections of it."""
        r = get_redis()
        row = next((x for x in occupancy.occupancy(r, event) if x["room"] == room_id), None)
        if row is None:
            raise Problem(404, "unknown_room", "No such room.")
        return {**row, "corrections": occupancy.corrections(r, event, room_id)}

    @roles("organiser")
    @blp.arguments(CorrectionSchema)
    @blp.response(200, CorrectionOutSchema)
    def post(self, data, event, room_id):
        """Correct a room's count after a head count (people left without scanning out).

        Audited with who, when, before, after and the reason. Counts also reset by
        themselves at midnight in the meeting's timezone.
        """
        r = get_redis()
        return occupancy.correct(r, event, room_id, data["count"], data["reason"],
                                 who(r, auth.current()), time.time())


@blp.route("/events/<event>/gate/offline-bundle")
class OfflineBundle(MethodView):
    @roles("gatekeeper", "organiser")
    @blp.arguments(BundleQuerySchema, location="query")
    @blp.response(200)
    def get(self, query, event):
        """What a door needs to decide offline; with ``since``, only what changed."""
        device = _device()
        return bundle.build(get_redis(), event, device.id, device.rooms, query.get("since"),
                            current_app.config["SECRET_KEY"])
