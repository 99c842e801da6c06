"""Send one notice to a batch of recipients, each exactly once.

Per (notice, recipient) there is a delivery record and a deterministic Message-ID. A recipient
is claimed (SET NX with expiry) before sending and marked ``sent`` after the server's 250, so
a re-delivered event, a retried task or a second worker skips what is done. The one window
left is a crash between the server's 250 and the ``sent`` mark (microseconds); the same
Message-ID then lets mail clients fold the rare repeat.
"""

from __future__ import annotations

import json
import logging
import os
import uuid

import redis

from services.notify import keys, render
from services.notify.mailer import Mailer, PermanentFailure, TemporaryFailure
from shared import bus

log = logging.getLogger("podium.notify.delivery")
CLAIM_SECONDS = 120
FINAL = ("sent", "failed")


def _record(r: redis.Redis, eid: str, nid: str, did: str, **status) -> None:
    r.hset(keys.deliveries(eid, nid), did, json.dumps({**status, "at": bus.now_iso()}))


def status_of(r: redis.Redis, eid: str, nid: str, did: str) -> dict:
    raw = r.hget(keys.deliveries(eid, nid), did)
    return json.loads(raw) if raw else {}


def meeting_title(r: redis.Redis, eid: str) -> str:
    raw = r.get(keys.event(eid))
    return json.loads(raw).get("title", eid) if raw else eid


def deliver(r: redis.Redis, mailer: Mailer, config: dict, eid: str, nid: str,
            delegate_ids: list[str], attempt: int = 0) -> list[str]:
    """Send to each recipient not yet done; return those that failed temporarily."""
    raw = r.get(keys.notice(eid, nid))
    if raw is None:
        log.error("notice %s/%s vanished; nothing to send", eid, nid)
        return []
    notice = json.loads(raw)
    title = notice.get("event", {}).get("title") or meeting_title(r, eid)
    retry: list[str] = []
    owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    for did in delegate_ids:
        current = status_of(r, eid, nid, did)
        if current.get("status") in FINAL:
            r.hincrby(keys.suppressed(eid), nid)  # a repeat that did not become an e-mail
            continue
        claim = keys.sending(eid, nid, did)
        if not r.set(claim, owner, nx=True, ex=CLAIM_SECONDS):
            r.hincrby(keys.suppressed(eid), nid)  # another worker holds it
            continue
        recipient = {"id": did, **r.hgetall(keys.recipient(eid, did))}
        attempts = int(current.get("attempts", 0)) + 1
        try:
            if "email" not in recipient:
                raise PermanentFailure("no e-mail address known for this delegate")
            message = render.build(notice, recipient, notice["recipients"].get(did),
                                   event_id=eid, sender=config["MAIL_FROM"],
                                   meeting_title=title)
            reply = mailer.send(message)
        except TemporaryFailure as exc:
            _record(r, eid, nid, did, status="retrying", attempts=attempts,
                    last_reply=str(exc))
            r.delete(claim)
            retry.append(did)
            continue
        except PermanentFailure as exc:
            _record(r, eid, nid, did, status="failed", attempts=attempts, last_reply=str(exc))
            r.delete(claim)
            continue
        with r.pipeline(transaction=True) as pipe:
            pipe.hset(keys.deliveries(eid, nid), did, json.dumps({
                "status": "sent", "attempts": attempts, "last_reply": reply,
                "message_id": message["Message-ID"], "at": bus.now_iso()}))
            pipe.rpush(keys.outbox(eid, did), nid)
            pipe.delete(claim)
            pipe.execute()
    return retry


def give_up(r: redis.Redis, eid: str, nid: str, delegate_ids: list[str]) -> None:
    """After the last retry: failed, and listed for organisers to retry by hand."""
    for did in delegate_ids:
        current = status_of(r, eid, nid, did)
        _record(r, eid, nid, did, status="failed", attempts=current.get("attempts", 0),
                last_reply=current.get("last_reply", ""), dead_letter=True)
        r.hset(keys.dead_letters(eid), f"{nid}:{did}", json.dumps(
            {"notice": nid, "delegate": did, "last_reply": current.get("last_reply", ""),
             "at": bus.now_iso()}))
