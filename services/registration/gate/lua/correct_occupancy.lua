-- An organiser sets a room's count for today; the correction is audited in the same step.
-- Invariant: the count written and the audit entry's before/after agree (no scan slips in
-- between). A count of 0 also clears who was recorded inside that room today.
-- KEYS: occupancy (today), presence (today), rooms, occupancy_audit
-- ARGV: room, count, entry_json, expire_at
local room, count = ARGV[1], tonumber(ARGV[2])
if redis.call('HEXISTS', KEYS[3], room) == 0 then return 'unknown_room' end
local before = tonumber(redis.call('HGET', KEYS[1], room) or '0')
redis.call('HSET', KEYS[1], room, count)
redis.call('EXPIREAT', KEYS[1], ARGV[4])
local forgotten = 0
if count == 0 then
  local flat = redis.call('HGETALL', KEYS[2])
  for i = 1, #flat, 2 do
    if flat[i + 1] == room then
      redis.call('HDEL', KEYS[2], flat[i])
      forgotten = forgotten + 1
    end
  end
end
local entry = cjson.decode(ARGV[3])
entry['before'], entry['after'], entry['forgotten'] = before, count, forgotten
local encoded = cjson.encode(entry)
redis.call('RPUSH', KEYS[4], encoded)
return encoded
