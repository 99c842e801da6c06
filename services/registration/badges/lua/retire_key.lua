-- Retire a key: badges signed with it stop opening doors. The active key cannot be retired.
-- KEYS: signing_keys, active_key, bundle_version, bundle_changes. ARGV: kid
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 'not_found' end
if redis.call('GET', KEYS[2]) == ARGV[1] then return 'active_key' end
redis.call('HDEL', KEYS[1], ARGV[1])
bump(KEYS[3], KEYS[4], 'key:' .. ARGV[1])
return 'ok'
