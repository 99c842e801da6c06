"""Notices: organisers broadcast, preview, follow delivery, retry dead letters; delegates
read what they were sent."""

from __future__ import annotations

import json

from flask import current_app
from flask.views import MethodView

from services.notify import broadcasts, delivery, directory, dispatch, keys, records, render
from services.notify.schemas import BroadcastSchema, PreviewQuery
from shared import auth
from shared.auth import roles
from shared.errors import Problem
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("notices", __name__, "Notices and their delivery.")


def _notice(r, event: str, nid: str) -> tuple[records.Place, dict]:
    found = records.read(r, event, nid)
    if found is None:
        raise Problem(404, "unknown_notice", f"No notice {nid!r}.")
    return found


def _summary(r, event: str, nid: str, with_recipients: bool) -> dict:
    where, notice = _notice(r, event, nid)
    return _summarise(event, notice, records.statuses(r, where), with_recipients)


def _summarise(event: str, notice: dict, statuses: dict[str, dict],
               with_recipients: bool) -> dict:
    counts: dict[str, int] = {}
    for s in statuses.values():
        counts[s["status"]] = counts.get(s["status"], 0) + 1
    out = {"id": notice["id"], "kind": notice["kind"], "created_at": notice["created_at"],
           "subject": notice.get("subject"), "version": notice.get("version"),
           "audience": notice.get("audience"), "recipients_count": len(statuses),
           "counts": counts}
    if with_recipients:
        out["recipients"] = {did: records.shown(event, notice["id"], did, rec)
                             for did, rec in statuses.items()}
    return out


def listing(r, event: str) -> list[dict]:
    """Every notice, oldest first: the bulk ones from their own keys, the one-recipient ones
    from the meeting's ``solo`` hash, a thousand a round trip (HSCAN may repeat one)."""
    out = [_summary(r, event, nid, False) for nid in r.zrange(keys.notices(event), 0, -1)]
    solo = dict(r.hscan_iter(keys.solo(event), count=1000))
    for nid, raw in solo.items():
        rec = json.loads(raw)
        out.append(_summarise(event, records.notice(nid, raw),
                              {rec["to"]: records.delivery(rec)}, False))
    return sorted(out, key=lambda n: n["created_at"])


def _send(event: str, nid: str, ids: list[str]) -> None:
    app = current_app
    dispatch.enqueue(app.extensions["celery"], app.config["NOTIFY_BATCH"], event, nid, ids)


@blp.route("/events/<event>/notices")
class Notices(MethodView):
    @roles("organiser")
    @blp.response(200)
    def get(self, event):
        """List notices with delivery counts."""
        return listing(get_redis(), event)

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
    """The notices one delegate was sent, with subject (in their language) and status, in
    the order they were sent."""
    person = {"id": delegate_id, **directory.people(r, event, [delegate_id])[0]}
    out: list[dict] = []
    for nid in dict.fromkeys(r.lrange(keys.outbox(event, delegate_id), 0, -1)):
        item = _sent(r, event, person, nid)
        if item is not None:
            out.append(item)
    # The registration notice has no outbox entry (every delegate has one): it goes where
    # its time puts it, which is first unless it was retried past later notices.
    reg = records.registration_id(delegate_id)
    if reg not in [n["id"] for n in out]:
        item = _sent(r, event, person, reg)
        if item is not None and item["status"] == "sent":
            at = next((i for i, n in enumerate(out) if (n["at"] or "") > item["at"]),
                      len(out))
            out.insert(at, item)
    return out


def _sent(r, event: str, person: dict, nid: str) -> dict | None:
    """One line of a delegate's outbox; None for a notice that is not there."""
    found = records.read(r, event, nid)
    if found is None:
        return None
    where, notice = found
    did = person["id"]
    if where.solo:
        status = records.statuses(r, where).get(did, {})
        payload, known = records.payload(notice), True
    else:
        pkey = r.hget(keys.targets(event, nid), did)
        raw = r.hget(keys.payloads(event, nid), pkey) if pkey else None
        payload, known = (json.loads(raw) if raw else None), pkey is not None
        status = json.loads(r.hget(where.records, did) or "{}")
    subject = render.parts(notice, payload, name=person.get("name", ""),
                           lang=render.language(person),
                           meeting_title=delivery.meeting_title(r, event, notice),
                           )["subject"] if known else None
    status = records.shown(event, nid, did, status)
    return {"id": nid, "kind": notice["kind"], "subject": subject,
            "status": status.get("status"), "at": status.get("at"),
            "message_id": status.get("message_id")}
