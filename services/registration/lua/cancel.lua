-- Leave a session (seat or waitlist); a freed seat goes at once to the first on the waitlist.
-- KEYS[1]: bus stream. ARGV: P, delegate_id, session_id, event_id, request_id, at
local stream = KEYS[1]
local P, did, sid, event_id, rid, at = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local state = redis.call('HGET', P .. 'mine:' .. did, sid)
if not state then return {'error', 'not_signed_up'} end
redis.call('HDEL', P .. 'mine:' .. did, sid)
redis.call('ZREM', P .. 'confirmed:' .. sid, did)
redis.call('ZREM', P .. 'waitlist:' .. sid, did)
if state == 'confirmed' then mark_bundle(P, did) end
emit(stream, 'registration.signup.cancelled', event_id,
     {delegate = did, session = sid, state = state}, rid, at)
local promoted = {}
if state == 'confirmed' then promoted = promote(P, sid, stream, event_id, rid, at) end
return {'ok', state, cjson.encode(promoted)}
