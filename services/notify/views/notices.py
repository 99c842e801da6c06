"""Notices: organisers broadcast, preview, follow delivery, retry dead letters; delegates
read what they were sent."""

from __future__ import annotations

import json

from flask import current_app
from flask.views import MethodView

from services.notify import broadcasts, delivery, dispatch, keys, render
from services.notify.schemas import BroadcastSchema, PreviewQuery
from shared import auth
from shared.auth import roles
from shared.errors import Problem
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("notices", __name__, "Notices and their delivery.")


def _notice(r, event: str, nid: str) -> dict:
    raw = r.get(keys.notice(event, nid))
    if raw is None:
        raise Problem(404, "unknown_notice", f"No notice {nid!r}.")
    return json.loads(raw)


def _summary(r, event: str, nid: str, with_recipients: bool) -> dict:
    notice = _notice(r, event, nid)
    statuses = {did: json.loads(v) for did, v in r.hgetall(keys.deliveries(event, nid)).items()}
    counts: dict[str, int] = {}
    for s in statuses.values():
        counts[s["status"]] = counts.get(s["status"], 0) + 1
    out = {"id": nid, "kind": notice["kind"], "created_at": notice["created_at"],
           "subject": notice.get("subject"), "version": notice.get("version"),
           "audience": notice.get("audience"), "recipients_count": len(statuses),
           "counts": counts}
    if with_recipients:
        out["recipients"] = statuses
    return out


def _send(event: str, nid: str, ids: list[str]) -> None:
    app = current_app
    dispatch.enqueue(app.extensions["celery"], app.config["NOTIFY_BATCH"], event, nid, ids)


@blp.route("/events/<event>/notices")
class Notices(MethodView):
    @roles("organiser")
    @blp.response(200)
    def get(self, event):
        """List notices with delivery counts."""
        r = get_redis()
        return [_summary(r, event, nid, False) for nid in r.zrange(keys.notices(event), 0, -1)]

    @roles("organiser")
    @blp.arguments(BroadcastSchema)
    @blp.response(202)
    def post(self, data, event):
        """Send a broadcast to an audience (everybody, a session, delegation, category, list)."""
        principal = auth.current()
        nid, ids = broadcasts.create(get_redis(), event, data,
                                     principal.token_id if principal else None)
        _send(event, nid, ids)
        return {"id": nid, "recipients_count": len(ids), "status": "queued"}


@blp.route("/events/<event>/notices/preview")
class Preview(MethodView):
    @roles("organiser")
    @blp.arguments(BroadcastSchema)
    @blp.arguments(PreviewQuery, location="query")
    @blp.response(200)
    def post(self, data, query, event):
        """Show who a broadcast would reach and the message one of them would get."""
        return broadcasts.preview(get_redis(), event, data, current_app.config["MAIL_FROM"],
                                  query["first"])


@blp.route("/events/<event>/notices/dead-letters")
class DeadLetters(MethodView):
    @roles("organiser")
    @blp.response(200)
    def get(self, event):
        """List deliveries that gave up after their retries."""
        raw = get_redis().hvals(keys.dead_letters(event))
        return sorted((json.loads(v) for v in raw), key=lambda d: d["at"])


@blp.route("/events/<event>/notices/<notice_id>")
class Notice(MethodView):
    @roles("organiser")
    @blp.response(200)
    def get(self, event, notice_id):
        """Read one notice with each recipient's delivery status."""
        return _summary(get_redis(), event, notice_id, True)


@blp.route("/events/<event>/notices/<notice_id>/retry")
class Retry(MethodView):
    @roles("organiser")
    @blp.response(202)
    def post(self, event, notice_id):
        """Send a notice's dead letters again."""
        r = get_redis()
        _notice(r, event, notice_id)
        ids = dispatch.requeue_dead(r, event, notice_id)
        if ids:
            _send(event, notice_id, ids)
        return {"id": notice_id, "requeued": ids}


@blp.route("/events/<event>/delegates/<delegate_id>/notices")
class Outbox(MethodView):
    @roles("organiser", "delegate")
    @blp.response(200)
    def get(self, event, delegate_id):
        """What one delegate was sent (delegates: their own only)."""
        return outbox(get_redis(), event, delegate_id)


def outbox(r, event: str, delegate_id: str) -> list[dict]:
    """The notices one delegate was sent, with subject (in their language) and status."""
    person = {"id": delegate_id, **r.hgetall(keys.recipient(event, delegate_id))}
    out = []
    for nid in dict.fromkeys(r.lrange(keys.outbox(event, delegate_id), 0, -1)):
        raw = r.get(keys.notice(event, nid))
        if raw is None:
            continue
        notice = json.loads(raw)
        pkey = r.hget(keys.targets(event, nid), delegate_id)
        status = json.loads(r.hget(keys.deliveries(event, nid), delegate_id) or "{}")
        payload = delivery.payloads(r, event, nid, [pkey]).get(pkey) if pkey else None
        subject = render.parts(notice, payload, name=person.get(
            "name", ""), lang=render.language(person),
            meeting_title=delivery.meeting_title(r, event, notice))["subject"] if pkey else None
        out.append({"id": nid, "kind": notice["kind"], "subject": subject,
                    "status": status.get("status"), "at": status.get("at"),
                    "message_id": status.get("message_id")})
    return out
