"""Accreditation decisions (approve, reject, revoke) with their audit trail, and the
organisers' accreditation queue (delegates filtered by status, delegation, category)."""

from __future__ import annotations

import json

import redis

from services.registration import keys
from services.registration.operations import _ctx, refuse
from services.registration.scripts import script
from shared import keys as shared_keys
from shared.auth import Principal
from shared.errors import Problem
from shared.keys import bus_stream

DECISIONS = ("approve", "reject", "revoke")


def who(r: redis.Redis, principal: Principal | None) -> dict:
    """The audit's 'who': the organiser token's public id and the label it was created with."""
    if principal is None or principal.token_id is None:
        return {"token": None, "label": ""}
    label = ""
    for digest in r.smembers(shared_keys.tokens_of(principal.event)):
        if digest.startswith(principal.token_id):
            label = r.hget(shared_keys.token(digest), "label") or ""
            break
    return {"token": principal.token_id, "label": label}


def decide(r: redis.Redis, event_id: str, delegate_id: str, decision: str, scopes: list[str],
           reason: str, by: dict) -> dict:
    """Apply one decision atomically (see lua/accredit.lua); return the new accreditation."""
    if decision == "approve" and not scopes:
        scopes = ["general"]
    result = script(r, "accredit")(
        keys=[bus_stream(event_id)],
        args=[keys.prefix(event_id), delegate_id, decision,
              json.dumps(sorted(set(scopes))), reason, json.dumps(by), *_ctx(event_id)])
    if result[0] == "error":
        if result[1] == "unknown_scope":
            _refuse_scopes(r, event_id, json.loads(result[2]))
        if result[1] == "invalid_transition":
            refuse("invalid_transition", {"accreditation": result[2] or None},
                   f"Cannot {decision} an accreditation that is {result[2] or 'unset'}.")
        refuse(result[1])
    return {"accreditation": result[1], "scopes": json.loads(result[2]),
            "removed_from": json.loads(result[3])}


def restricted_sessions(r: redis.Redis, event_id: str) -> list[dict]:
    """The copy's restricted sessions (cancelled ones too), in time order."""
    sids = sorted(r.smembers(keys.sessions(event_id)))
    with r.pipeline(transaction=False) as pipe:
        for sid in sids:
            pipe.hgetall(keys.session(event_id, sid))
        docs = pipe.execute()
    found = [{**doc, "id": sid} for sid, doc in zip(sids, docs, strict=True)
             if doc.get("access") == "accredited" and doc.get("accreditation")]
    return sorted(found, key=lambda s: (s.get("starts_at") or "", s["id"]))


def scope_titles(sessions: list[dict]) -> dict[str, str]:
    """Scope -> the titles of the restricted sessions it opens ('general' opens them all)."""
    titles: dict[str, list[str]] = {}
    for s in sessions:
        titles.setdefault(s["accreditation"], []).append(s.get("title") or s["id"])
    return {scope: "; ".join(names) for scope, names in titles.items()}


def _refuse_scopes(r: redis.Redis, event_id: str, unknown: list[str]):
    titles = scope_titles(restricted_sessions(r, event_id))
    titles.pop("general", None)
    known = ", ".join(f"{scope} ({names})" for scope, names in sorted(titles.items()))
    raise Problem(422, "unknown_scope",
                  f"No restricted session has the scope {', '.join(unknown)}. Use 'general' "
                  f"(every restricted session){' or one of: ' + known if known else ''}.",
                  errors={"scopes": [f"Unknown scope {u!r}." for u in unknown]},
                  extra={"known_scopes": sorted({"general", *titles})})


def audit(r: redis.Redis, event_id: str, delegate_id: str) -> list[dict]:
    return [json.loads(item) for item in r.lrange(keys.audit(event_id, delegate_id), 0, -1)]


def list_delegates(r: redis.Redis, event_id: str, *, accreditation: str | None = None,
                   delegation: str | None = None, category: str | None = None,
                   limit: int = 100, offset: int = 0) -> dict:
    """Delegates in order of registration that match every filter given, one page."""
    if delegation is not None:
        ids = sorted(r.smembers(keys.delegation(event_id, delegation)),
                     key=lambda d: r.zscore(keys.delegates(event_id), d) or 0)
    else:
        ids = r.zrange(keys.delegates(event_id), 0, -1)
    wanted = {"accreditation": accreditation, "category": category}
    matched: list[dict] = []
    for start in range(0, len(ids), 500):
        batch = ids[start:start + 500]
        with r.pipeline(transaction=False) as pipe:
            for did in batch:
                pipe.hgetall(keys.delegate(event_id, did))
                pipe.smembers(keys.accreditation(event_id, did))
            replies = pipe.execute()
        for did, doc, scopes in zip(batch, replies[::2], replies[1::2], strict=True):
            if doc and all(v is None or doc.get(k) == v for k, v in wanted.items()):
                doc.pop("email_norm", None)
                matched.append({"id": did, **doc, "scopes": sorted(scopes)})
    return {"total": len(matched), "delegates": matched[offset:offset + limit]}
