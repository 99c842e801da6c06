-- Issue a badge to an accredited delegate: lazily (keep an existing one) or as a reissue
-- (the previous serial is revoked). State, bundle change and bus events in one step.
-- KEYS: badge, serials, revoked, bus stream, bundle_version, bundle_changes, delegate
-- ARGV: delegate_id, serial, kid, token, issued_at, mode, event_id, request_id, at
local did, serial = ARGV[1], ARGV[2]
local current = redis.call('HGET', KEYS[1], 'serial')
if ARGV[6] == 'lazy' and current then
  return {'exists', current}
end
local status = redis.call('HGET', KEYS[7], 'accreditation')
if not status then return {'error', 'not_found'} end
if status ~= 'approved' then return {'error', 'not_accredited'} end
local v = redis.call('INCR', KEYS[5])
if current then
  redis.call('SADD', KEYS[3], current)
  redis.call('ZADD', KEYS[6], v, current)
  emit(KEYS[4], 'registration.badge.revoked', ARGV[7],
       {delegate = did, serial = tonumber(current)}, ARGV[8], ARGV[9])
end
redis.call('HSET', KEYS[1], 'serial', serial, 'kid', ARGV[3], 'token', ARGV[4],
           'issued_at', ARGV[5])
redis.call('HSET', KEYS[2], serial, did)
redis.call('ZADD', KEYS[6], v, serial)
emit(KEYS[4], 'registration.badge.issued', ARGV[7],
     {delegate = did, serial = tonumber(serial), kid = ARGV[3]}, ARGV[8], ARGV[9])
return {'issued', serial}
