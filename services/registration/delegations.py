"""Delegations: an organiser's quota and focal point, and the members a focal point may see."""

from __future__ import annotations

import redis

from services.registration import keys
from shared.auth import Principal
from shared.errors import Problem


def get_delegation(r: redis.Redis, event_id: str, name: str) -> dict:
    quota = r.hget(keys.quotas(event_id), name)
    return {"name": name, "quota": None if quota is None else int(quota),
            "focal_point": r.hget(keys.focal_points(event_id), name),
            "members": r.scard(keys.delegation(event_id, name))}


def put_delegation(r: redis.Redis, event_id: str, name: str, data: dict) -> dict:
    """Set the quota (None: no limit) and the focal point (None: nobody), who must be a member.

    A quota below the current number of members refuses new registrations; it never removes
    anyone already registered (the register script compares the count with the quota).
    """
    focal = data.get("focal_point")
    if focal is not None and not r.sismember(keys.delegation(event_id, name), focal):
        raise Problem(422, "not_a_member", "The focal point must be a delegate of this "
                      "delegation.", errors={"focal_point": ["Not a member of this delegation."]})
    with r.pipeline(transaction=True) as pipe:
        if data.get("quota") is None:
            pipe.hdel(keys.quotas(event_id), name)
        else:
            pipe.hset(keys.quotas(event_id), name, data["quota"])
        if focal is None:
            pipe.hdel(keys.focal_points(event_id), name)
        else:
            pipe.hset(keys.focal_points(event_id), name, focal)
        pipe.execute()
    return get_delegation(r, event_id, name)


def members(r: redis.Redis, event_id: str, name: str, principal: Principal) -> list[dict]:
    """The delegation's members, for organisers and for that delegation's focal point only."""
    if principal.role == "delegate" and \
            r.hget(keys.focal_points(event_id), name) != principal.subject:
        # 404 like any other delegate route: a delegate learns nothing about other delegations.
        raise Problem(404, "not_found", "No such delegation.")
    ids = sorted(r.smembers(keys.delegation(event_id, name)))
    with r.pipeline(transaction=False) as pipe:
        for did in ids:
            pipe.hmget(keys.delegate(event_id, did), "name", "email", "category", "language",
                       "accreditation")
        rows = pipe.execute()
    fields = ("name", "email", "category", "language", "accreditation")
    return [{"id": did, **dict(zip(fields, row, strict=True))}
            for did, row in zip(ids, rows, strict=True)]
