"""The Redis side of exactly-once delivery: claim recipients a chunk at a time, check the
claim just before the message's final dot, record "sent" after the server's 250, let go of
what was not sent.

Invariants (each step is one Lua call, so no other worker interleaves inside it):
- a recipient whose delivery is final (sent or failed) is never claimed again;
- at most one worker holds the claim on a (notice, recipient) at a time (SET NX with expiry);
- a worker writes the dot only while the claim is its own (CHECK): a worker whose claim was
  taken over abandons the message before its dot, so a claim that expires mid-send does not
  yield a second e-mail;
- "sent" is recorded (COMMIT) only after the server's 250, so a message the server dropped is
  never counted as delivered.
One call per chunk of recipients for claims (not one per recipient): at 10,000 recipients the
round trips, not Redis's work, were what cost.

Records live where ``records.Place`` says: a bulk notice's hash with a field per recipient,
or the meeting's ``solo`` hash with the notice's own field (the scripts take that field; an
empty one means "the recipient's id").
"""

from __future__ import annotations

import redis

from services.notify import keys, records
from shared import store

# KEYS[1]: records hash. ARGV: claim key prefix, owner, ttl seconds, field, delegate ids...
# Returns per delegate: 'done', 'held', or the attempt number this claim starts.
CLAIM = """
local out = {}
for i = 5, #ARGV do
  local did, verdict, attempts = ARGV[i], nil, 0
  local raw = redis.call('HGET', KEYS[1], ARGV[4] ~= '' and ARGV[4] or did)
  if raw then
    local rec = cjson.decode(raw)
    if rec['status'] == 'sent' or rec['status'] == 'failed' then verdict = 'done' end
    attempts = tonumber(rec['attempts']) or 0
  end
  if not verdict then
    if redis.call('SET', ARGV[1] .. did, ARGV[2], 'NX', 'EX', ARGV[3]) then
      verdict = tostring(attempts + 1)
    else
      verdict = 'held'
    end
  end
  out[#out + 1] = verdict
end
return out
"""

# Shared opening of CHECK and COMMIT (KEYS[1] records, KEYS[2] claim; ARGV[1] the field,
# ARGV[2] owner): stop unless the claim is this owner's (or lapsed with no one on it) and the
# delivery is not final yet.
_OURS_AND_OPEN = """
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[2] then return 0 end
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local status = cjson.decode(raw)['status']
  if status == 'sent' or status == 'failed' then return 0 end
end
"""

# KEYS: records hash, claim key, outbox list, open notices. ARGV: field, owner, record json,
# notice id for the outbox ('' for none), notice id to close ('' to leave it to the sweep).
COMMIT = _OURS_AND_OPEN + """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] ~= '' then redis.call('RPUSH', KEYS[3], ARGV[4]) end
if ARGV[5] ~= '' then redis.call('SREM', KEYS[4], ARGV[5]) end
redis.call('DEL', KEYS[2])
return 1
"""

# KEYS: records hash, claim key. ARGV: field, owner. Whether this owner may still send.
CHECK = _OURS_AND_OPEN + """
return 1
"""

# ARGV: claim key prefix, owner, delegate ids... Deletes only claims this owner still holds.
RELEASE = """
for i = 3, #ARGV do
  if redis.call('GET', ARGV[1] .. ARGV[i]) == ARGV[2] then redis.call('DEL', ARGV[1] .. ARGV[i]) end
end
return 1
"""

# KEYS[1]: records hash. ARGV: claim key prefix, now iso, field, delegate ids...
# Re-stamp deliveries that are still open and unclaimed (a sweep takes them up); return them.
# (A one-recipient record's payload is a JSON string in it: cjson leaves it as it was.)
RESTAMP = """
local out = {}
for i = 4, #ARGV do
  local did = ARGV[i]
  local field = ARGV[3] ~= '' and ARGV[3] or did
  local raw = redis.call('HGET', KEYS[1], field)
  if raw and redis.call('EXISTS', ARGV[1] .. did) == 0 then
    local rec = cjson.decode(raw)
    if rec['status'] ~= 'sent' and rec['status'] ~= 'failed' then
      rec['at'] = ARGV[2]
      rec['due'] = nil
      redis.call('HSET', KEYS[1], field, cjson.encode(rec))
      out[#out + 1] = did
    end
  end
end
return out
"""
def _script(r: redis.Redis, name: str):
    return store.script(r, globals()[name])


def load(r: redis.Redis) -> None:
    """Load the scripts into Redis ahead of the first delivery."""
    for name in ("CLAIM", "CHECK", "COMMIT", "RELEASE", "RESTAMP"):
        script = _script(r, name)
        script.sha = r.script_load(script.script)


def _solo_field(where: records.Place) -> str:
    return where.nid if where.solo else ""


def claim(r: redis.Redis, where: records.Place, dids: list[str], owner: str,
          ttl: int) -> list[str]:
    return _script(r, "CLAIM")(
        keys=[where.records],
        args=[keys.sending(where.eid, where.nid, ""), owner, ttl, _solo_field(where), *dids])


def claim_on(pipe: redis.client.Pipeline, r: redis.Redis, where: records.Place,
             dids: list[str], owner: str, ttl: int) -> None:
    """CLAIM queued on a pipeline beside the reads it goes with (one round trip for both).

    A bare EVALSHA: redis-py asks SCRIPT EXISTS before a pipeline holding a registered
    script, a round trip of its own. Should Redis have lost the script (a restart), the
    answer is a NoScriptError, nothing was claimed, and the caller uses ``claim``."""
    pipe.evalsha(_script(r, "CLAIM").sha, 1, where.records,
                 keys.sending(where.eid, where.nid, ""), owner, ttl, _solo_field(where), *dids)


def commit(r: redis.Redis, where: records.Place, did: str, owner: str, record: str) -> bool:
    """Record "sent" (``record``: the value to store) and list it in the delegate's outbox;
    a one-recipient notice is closed at once (its only delivery is final), and the
    registration notice needs no outbox entry (``records.registration_id``)."""
    eid, nid = where.eid, where.nid
    listed = "" if nid == records.registration_id(did) else nid
    return bool(_script(r, "COMMIT")(
        keys=[where.records, keys.sending(eid, nid, did), keys.outbox(eid, did),
              keys.open_notices(eid)],
        args=[where.field(did), owner, record, listed, nid if where.solo else ""]))


def still_ours(r: redis.Redis, where: records.Place, did: str, owner: str) -> bool:
    return bool(_script(r, "CHECK")(
        keys=[where.records, keys.sending(where.eid, where.nid, did)],
        args=[where.field(did), owner]))


def release(r: redis.Redis, where: records.Place, dids: list[str], owner: str) -> None:
    if dids:
        _script(r, "RELEASE")(keys=[where.records],
                              args=[keys.sending(where.eid, where.nid, ""), owner, *dids])


def restamp(r: redis.Redis, where: records.Place, dids: list[str], now: str) -> list[str]:
    if not dids:
        return []
    return _script(r, "RESTAMP")(
        keys=[where.records],
        args=[keys.sending(where.eid, where.nid, ""), now, _solo_field(where), *dids])
