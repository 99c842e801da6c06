"""Badges: the QR images, reissue, printable sheets, and the signing keys."""

from __future__ import annotations

import json

from flask import Response, current_app
from flask.views import MethodView

from services.registration import keys as reg_keys
from services.registration.badges import operations as ops
from services.registration.badges import render, signing
from services.registration.badges.schemas import BadgeSchema, PrintQuerySchema, PublicKeySchema
from shared.auth import roles
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("badges", __name__, "Signed QR badges and their keys.")
_PRIVATE = {"Cache-Control": "private, no-store"}


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _badge(event: str, delegate_id: str) -> dict:
    return ops.badge_for(get_redis(), event, delegate_id, _secret())


@blp.route("/events/<event>/delegates/<delegate_id>/badge")
class BadgeView(MethodView):
    @roles("organiser", "delegate")
    @blp.response(200, BadgeSchema)
    def get(self, event, delegate_id):
        """Read a delegate's badge token (issued on first request)."""
        return _badge(event, delegate_id)


@blp.route("/events/<event>/delegates/<delegate_id>/badge.svg")
class BadgeSvg(MethodView):
    @roles("organiser", "delegate")
    def get(self, event, delegate_id):
        """The badge's QR code as SVG."""
        body = render.svg(_badge(event, delegate_id)["token"])
        return Response(body, mimetype="image/svg+xml", headers=_PRIVATE)


@blp.route("/events/<event>/delegates/<delegate_id>/badge.png")
class BadgePng(MethodView):
    @roles("organiser", "delegate")
    def get(self, event, delegate_id):
        """The badge's QR code as PNG."""
        body = render.png(_badge(event, delegate_id)["token"])
        return Response(body, mimetype="image/png", headers=_PRIVATE)


@blp.route("/events/<event>/delegates/<delegate_id>/badge/reissue")
class Reissue(MethodView):
    @roles("organiser")
    @blp.response(201, BadgeSchema)
    def post(self, event, delegate_id):
        """Issue a new badge (lost, changed details); the previous serial stops working."""
        return ops.reissue(get_redis(), event, delegate_id, _secret())


@blp.route("/events/<event>/badges/print")
class PrintSheet(MethodView):
    @roles("organiser")
    @blp.arguments(PrintQuerySchema, location="query")
    def get(self, query, event):
        """Printable A4 sheets: the listed delegates, or the accredited ones matching filters."""
        r = get_redis()
        ids = [i for i in query.get("delegates", "").split(",") if i]
        chosen = ops.select(r, event, ids, query.get("delegation"), query.get("category"))
        badges = [{**_badge(event, did), **ops.display(r, event, did)} for did in chosen]
        raw = r.get(reg_keys.event(event))
        title = json.loads(raw).get("title") if raw else None
        html = render.sheet(title or event, badges, query["per_page"])
        return Response(html, mimetype="text/html", headers=_PRIVATE)


@blp.route("/events/<event>/badge-keys")
class Keys(MethodView):
    @roles("organiser", "gatekeeper")
    @blp.response(200, PublicKeySchema(many=True))
    def get(self, event):
        """The live public keys (what doors verify badges with)."""
        return signing.public_keys(get_redis(), event)

    @roles("organiser")
    @blp.response(201, PublicKeySchema)
    def post(self, event):
        """Rotate: a new key signs new badges; older badges work until their key is retired."""
        kid = signing.rotate(get_redis(), event, _secret())
        return next(k for k in signing.public_keys(get_redis(), event) if k["kid"] == kid)


@blp.route("/events/<event>/badge-keys/<kid>")
class Key(MethodView):
    @roles("organiser")
    @blp.response(204)
    def delete(self, event, kid):
        """Retire a key: badges signed with it are refused from the next scan on."""
        signing.retire(get_redis(), event, kid)
