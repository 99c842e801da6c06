-- Leave a session (seat or waitlist); a freed seat goes at once to the first on the waitlist.
-- KEYS[1]: bus stream. ARGV: P, delegate_id, session_id, event_id, request_id, at,
--       data_head: the event's data up to its state, '{"delegate":"…","session":"…"' (and
--       ',"reason":"…"' when someone else, an organiser, takes the delegate out)
-- Returns {'error', reason} or one string '<state it left> <promoted ids as JSON>' (cheaper
-- for Valkey than a table; see signup.lua).
local stream = KEYS[1]
local P, did, sid, event_id, rid, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local mine = P .. 'mine:' .. did
local state = redis.call('HGET', mine, sid)
if not state then return {'error', 'not_signed_up'} end
redis.call('HDEL', mine, sid)
local promoted = '{}'  -- what cjson.encode made of an empty list
if state == 'confirmed' then
  redis.call('ZREM', P .. 'confirmed:' .. sid, did)
  mark_bundle(P, did)
else  -- the state in 'mine' says which of the two sets holds the delegate
  redis.call('ZREM', P .. 'waitlist:' .. sid, did)
end
emit_json(stream, 'registration.signup.cancelled', event_id,
          ARGV[7] .. ',"state":"' .. state .. '"}', rid, at)
if state == 'confirmed' then
  local ids = promote(P, sid, stream, event_id, rid, at)
  if #ids > 0 then promoted = cjson.encode(ids) end
end
return state .. ' ' .. promoted
