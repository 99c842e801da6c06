-- Add a signing key and make it active. mode 'init' adds only when there is no active key
-- (two processes creating the first key at once end up with one).
-- KEYS: signing_keys, active_key, bundle_version, bundle_changes. ARGV: kid, key_json, mode
local current = redis.call('GET', KEYS[2])
if ARGV[3] == 'init' and current and redis.call('HEXISTS', KEYS[1], current) == 1 then
  return current
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
bump(KEYS[3], KEYS[4], 'key:' .. ARGV[1])
return ARGV[1]
