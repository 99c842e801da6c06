"""A chunk of recipients claimed together with everything sending it needs, in one round trip.

A worker's first e-mail used to wait for four round trips to Redis before it could be
rendered (the notice, the claim, the recipients, then the payloads their keys name); on a
busy machine each costs a millisecond or more. Here they are one pipeline: the claim (see
``claims``), each recipient's record, and a read-only script that gives each recipient's
payload key together with the payloads not yet known to the task. A one-recipient notice
(see ``records``) is one field holding notice, payload and status: the claim and one read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import redis

from services.notify import claims, directory, keys, records
from shared import store

KNOWN = 64
# KEYS: targets hash, payloads hash. ARGV: n, n delegate ids, then payload keys already known.
# Returns each delegate's payload key (false if none), then (key, payload) for the new keys.
VIEW = """
local n = tonumber(ARGV[1])
local known, wanted, out = {}, {}, {}
for i = n + 2, #ARGV do known[ARGV[i]] = true end
for i = 2, n + 1 do
  local pkey = redis.call('HGET', KEYS[1], ARGV[i])
  out[#out + 1] = pkey
  if pkey and not known[pkey] then
    known[pkey] = true
    wanted[#wanted + 1] = pkey
  end
end
for _, pkey in ipairs(wanted) do
  out[#out + 1] = pkey
  out[#out + 1] = redis.call('HGET', KEYS[2], pkey)
end
return out
"""


def load(r: redis.Redis) -> None:
    """Load the script ahead of the first delivery (see ``claims.load``)."""
    script = store.script(r, VIEW)
    script.sha = r.script_load(script.script)


@dataclass
class Chunk:
    ids: list[str]
    verdicts: list[str]  # per recipient: 'done', 'held' or the attempt this claim starts
    people: list[dict]
    pkeys: list[str | None]
    payloads: dict[str, object] = field(default_factory=dict)  # the newly read ones
    notice: str | None = None

    @property
    def claimed(self) -> dict[str, int]:
        """Recipients this claim took, with the attempt it starts."""
        return {did: int(v) for did, v in zip(self.ids, self.verdicts, strict=True)
                if v not in ("done", "held")}


def fetch(r: redis.Redis, eid: str, nid: str, ids: list[str], owner: str, ttl: int,
          known: Iterable[str] = (), with_notice: bool = False) -> Chunk:
    """Claim ``ids`` and read what sending them needs (and the notice, if asked).

    Records of recipients that turn out done or held are read for nothing: cheaper than a
    second round trip for the claimed ones. Scripts go as bare EVALSHA (a registered script
    on a pipeline costs a SCRIPT EXISTS round trip first); if Redis lost them (a restart),
    their answers are NoScriptErrors and they run again on their own, which loads them."""
    where = records.place(eid, nid)
    if where.solo:
        return _fetch_solo(r, where, ids, owner, ttl)
    # Payloads the task already holds are not sent again; the list goes with every chunk, so
    # it is capped (a notice with very many payloads re-reads a few instead).
    known = list(known)[:KNOWN]
    view_args = [len(ids), *ids, *known]
    view_keys = [keys.targets(eid, nid), keys.payloads(eid, nid)]
    with r.pipeline(transaction=False) as pipe:
        if with_notice:
            pipe.get(keys.notice(eid, nid))
        claims.claim_on(pipe, r, where, ids, owner, ttl)
        pipe.hmget(keys.directory(eid), ids)
        pipe.evalsha(store.script(r, VIEW).sha, len(view_keys), *view_keys, *view_args)
        replies = pipe.execute(raise_on_error=False)
    notice = replies.pop(0) if with_notice else None
    verdicts, people, view = replies
    if isinstance(verdicts, redis.exceptions.NoScriptError):
        verdicts = claims.claim(r, where, ids, owner, ttl)
    if isinstance(view, redis.exceptions.NoScriptError):
        view = store.script(r, VIEW)(keys=view_keys, args=view_args)
    for reply in (notice, verdicts, people, view):
        if isinstance(reply, Exception):
            raise reply
    pkeys, extra = view[:len(ids)], view[len(ids):]
    payloads = {extra[i]: json.loads(extra[i + 1]) for i in range(0, len(extra), 2)
                if extra[i + 1] is not None}
    return Chunk(ids, verdicts, [directory.person(raw) for raw in people], pkeys, payloads,
                 notice)


def _fetch_solo(r: redis.Redis, where: records.Place, ids: list[str], owner: str,
                ttl: int) -> Chunk:
    """The notice's one field (notice, payload, status), its claim and its recipient."""
    with r.pipeline(transaction=False) as pipe:
        pipe.hget(where.records, where.nid)
        claims.claim_on(pipe, r, where, ids, owner, ttl)
        pipe.hmget(keys.directory(where.eid), ids)
        raw, verdicts, people = pipe.execute(raise_on_error=False)
    if isinstance(verdicts, redis.exceptions.NoScriptError):
        verdicts = claims.claim(r, where, ids, owner, ttl)
    for reply in (raw, verdicts, people):
        if isinstance(reply, Exception):
            raise reply
    content = records.payload(json.loads(raw)) if raw is not None else None
    return Chunk(ids, verdicts, [directory.person(p) for p in people],
                 ["p" if content is not None else None] * len(ids),
                 {"p": content} if content is not None else {}, raw)
