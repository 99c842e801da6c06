-- Record the badges whose bundle data changed since the last bundle, under one new version.
-- Older change records are trimmed past a limit; the floor says deltas before it are gone.
-- KEYS: bundle_version, bundle_changes, bundle_digests, bundle_floor
-- ARGV: max_changes, then serial, digest pairs
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if #ARGV > 1 then
  v = redis.call('INCR', KEYS[1])
  for i = 2, #ARGV, 2 do
    redis.call('ZADD', KEYS[2], v, ARGV[i])
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  end
end
local limit = tonumber(ARGV[1])
local size = redis.call('ZCARD', KEYS[2])
if size > limit then
  local cut = redis.call('ZRANGE', KEYS[2], size - limit - 1, size - limit - 1, 'WITHSCORES')
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cut[2])
  redis.call('SET', KEYS[4], cut[2])
end
return v
