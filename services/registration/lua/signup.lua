-- Sign a delegate up for a session: check and write in one atomic step, or write nothing.
-- KEYS[1]: bus stream. ARGV: P, delegate_id, session_id, event_id, request_id, at,
--       data_head: the event's data up to its state, '{"delegate":"…","session":"…"'
--       (JSON-encoded by the caller: cjson.encode here costs Valkey more than a concatenation)
-- Returns {'error', reason, ...} or, signed up, one string '<state> <position> new|existing'
-- (converting a Lua table reply cost Valkey about as much as two redis.call).
-- The hottest script of a meeting (everybody signs up at once when sign-ups open): it reads
-- only the fields it needs (HMGET, not HGETALL) and the delegate's sessions once, and builds
-- each key once.
local stream = KEYS[1]
local P, did, sid, event_id, rid, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if redis.call('EXISTS', P .. 'delegate:' .. did) == 0 then return {'error', 'not_registered'} end
local s = redis.call('HMGET', P .. 'session:' .. sid, 'status', 'access', 'accreditation',
                     'starts', 'ends', 'capacity')
local status = s[1]
if not status then return {'error', 'unknown_session'} end
if status == 'cancelled' then return {'error', 'session_cancelled'} end
if redis.call('HGET', P .. 'settings', 'signups') == 'closed' then
  return {'error', 'registration_closed'}
end
local mine = P .. 'mine:' .. did
local held = redis.call('HGETALL', mine)  -- session, state, session, state, ...
for i = 1, #held, 2 do
  if held[i] == sid then
    local rank = redis.call('ZRANK', P .. 'waitlist:' .. sid, did)
    return held[i + 1] .. ' ' .. (rank and (rank + 1) or 0) .. ' existing'
  end
end
if s[2] == 'accredited' and not covered(P, did, s[3]) then
  return {'error', 'not_accredited'}
end
if #held > 0 then  -- a first sign-up (the common case) has nothing to clash with
  local starts, ends = tonumber(s[4]), tonumber(s[5])
  for i = 1, #held, 2 do
    local osid = held[i]
    local o = redis.call('HMGET', P .. 'session:' .. osid, 'starts', 'ends', 'title', 'status')
    if o[4] ~= 'cancelled' and tonumber(o[1]) < ends and starts < tonumber(o[2]) then
      return {'error', 'conflict', osid, o[3]}
    end
  end
end
local cap = tonumber(s[6] or '-1') or -1
local seq = redis.call('INCR', P .. 'seq')
local confirmed = P .. 'confirmed:' .. sid
if cap < 0 or redis.call('ZCARD', confirmed) < cap then
  redis.call('ZADD', confirmed, seq, did)
  redis.call('HSET', mine, sid, 'confirmed')
  mark_bundle(P, did)
  emit_json(stream, 'registration.signup.confirmed', event_id,
            ARGV[7] .. ',"state":"confirmed","position":0}', rid, at)
  return 'confirmed 0 new'
end
local waitlist = P .. 'waitlist:' .. sid
redis.call('ZADD', waitlist, seq, did)
local position = redis.call('ZRANK', waitlist, did) + 1
redis.call('HSET', mine, sid, 'waitlisted')
emit_json(stream, 'registration.signup.waitlisted', event_id,
          ARGV[7] .. ',"state":"waitlisted","position":' .. position .. '}', rid, at)
return 'waitlisted ' .. position .. ' new'
