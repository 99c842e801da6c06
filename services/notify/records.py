"""Where a notice's records live, and what is kept of a delivery once it is final.

Bulk notices (broadcasts, change notices) have keys of their own: the notice, its shared
payloads, which payload each recipient gets (targets) and a hash of delivery records, listed
in the ``notices`` sorted set.

A one-recipient notice (the registration e-mail, an access link, an accreditation or sign-up
notice) is one field of the meeting-wide ``solo`` hash: the notice, its recipient, its payload
and the delivery record in one compact JSON. Every delegate gets one (the registration
e-mail), and in keys of its own it cost ~1,600 bytes of Redis: six keys (~100 bytes each
before any content), and a one-field hash whose value passes 64 bytes is a hashtable (~450
bytes for one delivery record). As one field of a large hash it costs its bytes plus ~40.

Once a delivery is final (sent, or refused for good), the secrets of its payload (the access
link) are not kept: they were for the e-mail, and at rest they are a liability. Nor is the
request id, which only went into the e-mail's header and a retry's logs. What the views show
(status, attempts, the server's reply, when, the subject) stays. A dead letter keeps all of
it, as an organiser may send it again.

The Message-ID is not stored: it follows from (meeting, notice, recipient) (``message_id``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from services.notify import keys, render

SOLO = ("reg-", "link-", "acc-", "su-")  # the ids ``planner`` gives one-recipient notices
DELIVERY = ("status", "attempts", "last_reply", "at", "due", "dead_letter", "message_id")
SECRETS = ("access_link",)  # payload fields not kept once the delivery is final
SENDING_ONLY = ("request_id",)  # notice fields only sending reads
FINAL = ("sent", "failed")


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def registration_id(did: str) -> str:
    """The registration notice of a delegate (one each, found without an outbox entry)."""
    return f"reg-{did}"


@dataclass(frozen=True)
class Place:
    eid: str
    nid: str
    solo: bool

    @property
    def records(self) -> str:
        """The hash that holds the delivery records."""
        return keys.solo(self.eid) if self.solo else keys.deliveries(self.eid, self.nid)

    def field(self, did: str) -> str:
        """A recipient's field in ``records``."""
        return self.nid if self.solo else did


def place(eid: str, nid: str) -> Place:
    return Place(eid, nid, nid.startswith(SOLO))


def notice(nid: str, raw: str) -> dict:
    """The notice as stored (bulk) or as a one-recipient record; ``id`` added."""
    doc = json.loads(raw)
    return {**{k: v for k, v in doc.items() if k not in DELIVERY}, "id": nid}


def payload(doc: dict):
    """The payload kept in a one-recipient record (None once dropped)."""
    return json.loads(doc["p"]) if "p" in doc else None


def delivery(rec: dict) -> dict:
    return {k: rec[k] for k in DELIVERY if k in rec}


def shown(eid: str, nid: str, did: str, rec: dict) -> dict:
    """A delivery record as the views show it: with its Message-ID once sent."""
    out = delivery(rec)
    if out.get("status") == "sent":
        out.setdefault("message_id", render.message_id(eid, nid, did))
    return out


def value(where: Place, base: dict | None, status: dict) -> str:
    """What to store as a recipient's record for this status: the status itself; for a
    one-recipient notice with the notice's own fields (from ``base``, the stored record or
    the notice as read), its payload's secrets dropped once the delivery is final."""
    if not where.solo:
        return dumps(status)
    rec = {k: v for k, v in (base or {}).items() if k not in DELIVERY and k != "id"}
    if status["status"] in FINAL and not status.get("dead_letter"):
        rec = {k: v for k, v in rec.items() if k not in SENDING_ONLY}
        kept = {k: v for k, v in json.loads(rec.pop("p", "{}")).items() if k not in SECRETS}
        if kept:
            rec["p"] = dumps(kept)
    return dumps({**rec, **status})


def solo_record(doc: dict, did: str, content: dict, status: dict) -> str:
    """A new one-recipient record: the notice's fields, recipient, payload, status."""
    rec = {k: v for k, v in doc.items() if k != "id" and v is not None}
    return dumps({**rec, "to": did, "p": dumps(content), **status})


def statuses(r: redis.Redis, where: Place) -> dict[str, dict]:
    """Each recipient's stored record (for a one-recipient notice: delivery fields only)."""
    if where.solo:
        raw = r.hget(where.records, where.nid)
        if raw is None:
            return {}
        rec = json.loads(raw)
        return {rec["to"]: delivery(rec)}
    return {did: json.loads(v) for did, v in r.hgetall(where.records).items()}


def read(r: redis.Redis, eid: str, nid: str) -> tuple[Place, dict] | None:
    """A notice and where its records are; None if there is no such notice. A one-recipient
    notice stored before the ``solo`` hash (keys of its own) is read where it was."""
    where = place(eid, nid)
    if where.solo:
        raw = r.hget(keys.solo(eid), nid)
        if raw is not None:
            return where, notice(nid, raw)
        where = Place(eid, nid, False)
    raw = r.get(keys.notice(eid, nid))
    return (where, notice(nid, raw)) if raw is not None else None
