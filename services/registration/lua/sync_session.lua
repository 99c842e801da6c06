-- Update this service's copy of one session from a published agenda; promote if seats freed.
-- KEYS[1]: bus stream. ARGV: P, session_id, fields_json, event_id, request_id, at
local stream = KEYS[1]
local P, sid = ARGV[1], ARGV[2]
local f = cjson.decode(ARGV[3])
local key = P .. 'session:' .. sid
for k, v in pairs(f) do
  if v == cjson.null then redis.call('HDEL', key, k) else redis.call('HSET', key, k, tostring(v)) end
end
redis.call('SADD', P .. 'sessions', sid)
mark_bundle_change(P, 'session:' .. sid)
local promoted = {}
if f['status'] ~= 'cancelled' then
  drop_uncovered(P, sid, stream, ARGV[4], ARGV[5], ARGV[6])
  promoted = promote(P, sid, stream, ARGV[4], ARGV[5], ARGV[6])
end
return cjson.encode(promoted)
