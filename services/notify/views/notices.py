"""Organisers read notices and their per-recipient delivery status."""

from __future__ import annotations

import json

from flask.views import MethodView

from services.notify import keys
from shared.auth import roles
from shared.errors import Problem
from shared.store import get_redis
from shared.web import api_blueprint

blp = api_blueprint("notices", __name__, "Notices and their delivery.")


def _summary(r, event: str, nid: str, with_recipients: bool) -> dict:
    raw = r.get(keys.notice(event, nid))
    if raw is None:
        raise Problem(404, "unknown_notice", f"No notice {nid!r}.")
    notice = json.loads(raw)
    statuses = {did: json.loads(v) for did, v in r.hgetall(keys.deliveries(event, nid)).items()}
    counts: dict[str, int] = {}
    for s in statuses.values():
        counts[s["status"]] = counts.get(s["status"], 0) + 1
    out = {"id": nid, "kind": notice["kind"], "created_at": notice["created_at"],
           "subject": notice.get("subject"), "version": notice.get("version"),
           "counts": counts}
    if with_recipients:
        out["recipients"] = statuses
    return out


@blp.route("/events/<event>/notices")
class Notices(MethodView):
    @roles("organiser")
    @blp.response(200)
    def get(self, event):
        """List notices with delivery counts."""
        r = get_redis()
        return [_summary(r, event, nid, False) for nid in r.zrange(keys.notices(event), 0, -1)]


@blp.route("/events/<event>/notices/<notice_id>")
class Notice(MethodView):
    @roles("organiser")
    @blp.response(200)
    def get(self, event, notice_id):
        """Read one notice with each recipient's delivery status."""
        return _summary(get_redis(), event, notice_id, True)
