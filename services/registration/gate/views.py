"""Door checks: devices, scans (online and offline uploads), occupancy, the offline bundle."""

from __future__ import annotations

import time

from flask import current_app
from flask.views import MethodView

from services.registration.gate import bundle, devices
from services.registration.gate import scans as ops
from services.registration.gate.scans import Device
from services.registration.gate.schemas import (
    AnswerSchema,
    BatchAnswerSchema,
    BatchSchema,
    BundleQuerySchema,
    DeviceOutSchema,
    DeviceSchema,
    OccupancySchema,
    ScanSchema,
    ScansQuerySchema,
)
from shared import auth
from shared.auth import roles
from shared.ratelimit import limit, per_token
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("gate", __name__, "Gatekeeper devices and door checks.")


def _device() -> Device:
    p = auth.current()
    assert p is not None  # roles() admitted a token
    if p.role == "gatekeeper":
        return Device(p.subject or f"token-{p.token_id}", p.rooms)
    return Device(f"organiser-{p.token_id}")


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

    @roles("gatekeeper", "organiser")
    @limit("scan", "1200/60", by=per_token)  # per device: a busy door, not a script
    @blp.arguments(ScanSchema)
    @blp.response(200, AnswerSchema)
    def post(self, data, event):
        """Allow or deny one scan, with the reason and what the gatekeeper may show."""
        return ops.scan(get_redis(), event, _device(), data, time.time())


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
        return ops.occupancy(get_redis(), event, _device().rooms)


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
