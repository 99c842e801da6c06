-- Shared helpers of the badge and gate scripts.
local function emit(stream, etype, event_id, data, request_id, at)
  return redis.call('XADD', stream, '*', 'type', etype, 'event', event_id,
                    'data', cjson.encode(data), 'request_id', request_id, 'at', at)
end

-- Record that something an offline device must learn about changed.
local function bump(version_key, changes_key, member)
  local v = redis.call('INCR', version_key)
  redis.call('ZADD', changes_key, v, member)
  return v
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end
