"""Organiser broadcasts: resolve the audience, preview the message, send it."""

from __future__ import annotations

import uuid

import redis

from services.notify import delivery, directory, planner, render
from shared.errors import Problem


def recipients(r: redis.Redis, eid: str, audience: dict) -> list[str]:
    """The delegate ids an audience reaches now; refuse lists with unknown delegates."""
    if audience["kind"] == "delegates":
        missing = directory.unknown(r, eid, audience["value"])
        if missing:
            raise Problem(422, "unknown_delegates", "Some delegates are not known here.",
                          extra={"unknown": missing[:50]})
    ids = directory.audience(r, eid, audience["kind"], audience.get("value"))
    if not ids:
        raise Problem(422, "empty_audience", "This audience has nobody in it.")
    return ids


def _notice(data: dict, nid: str, by: str | None) -> dict:
    return {"id": nid, "kind": "broadcast", "subject": data["subject"], "body": data["body"],
            "audience": data["audience"], "by": by, "payloads": {"p": {}}}


def preview(r: redis.Redis, eid: str, data: dict, sender: str, first: int) -> dict:
    """Who would receive it and what the first of them would read; nothing is stored."""
    ids = recipients(r, eid, data["audience"])
    people = [{"id": did, "name": person.get("name"), "email": person.get("email"),
               "language": person.get("language")}
              for did, person in zip(ids[:first], directory.people(r, eid, ids[:first]),
                                     strict=True)]
    notice = _notice(data, "preview", None)
    sample = {**people[0], "id": ids[0]}
    title = delivery.meeting_title(r, eid, notice)
    content = render.parts(notice, {}, name=sample.get("name") or "",
                           lang=render.language(sample), meeting_title=title)
    return {"count": len(ids), "recipients": people,
            "message": {"to": render.address(sample) if sample.get("email") else None,
                        **content}}


def create(r: redis.Redis, eid: str, data: dict, by: str | None) -> tuple[str, list[str]]:
    """Store the broadcast with its recipients (as they are now); return (id, recipients)."""
    ids = recipients(r, eid, data["audience"])
    nid = "bc-" + uuid.uuid4().hex[:12]
    doc = _notice(data, nid, by)
    planner.store_notice(r, eid, nid, "broadcast", doc.pop("payloads"), dict.fromkeys(ids, "p"),
                         extra={k: v for k, v in doc.items() if k not in ("id", "kind")})
    return nid, ids
