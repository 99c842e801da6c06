-- Shared helpers, prepended to every registration script.
-- All keys are built from P (the meeting's prefix, with its hash tag): one slot per meeting.
local function emit(stream, etype, event_id, data, request_id, at)
  return redis.call('XADD', stream, '*', 'type', etype, 'event', event_id,
                    'data', cjson.encode(data), 'request_id', request_id, 'at', at)
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

-- Move waitlisted delegates into free seats, first come first served.
local function promote(P, sid, stream, event_id, request_id, at)
  local cap = tonumber(redis.call('HGET', P .. 'session:' .. sid, 'capacity') or '-1') or -1
  local promoted = {}
  while cap < 0 or redis.call('ZCARD', P .. 'confirmed:' .. sid) < cap do
    local first = redis.call('ZRANGE', P .. 'waitlist:' .. sid, 0, 0, 'WITHSCORES')
    if #first == 0 then break end
    local did, seq = first[1], first[2]
    redis.call('ZREM', P .. 'waitlist:' .. sid, did)
    redis.call('ZADD', P .. 'confirmed:' .. sid, seq, did)
    redis.call('HSET', P .. 'mine:' .. did, sid, 'confirmed')
    emit(stream, 'registration.signup.promoted', event_id,
         {delegate = did, session = sid, state = 'confirmed'}, request_id, at)
    promoted[#promoted + 1] = did
  end
  return promoted
end

-- A delegate as other services see it (the normalised e-mail stays inside).
local function delegate_doc(P, did)
  local d = hgetall(P .. 'delegate:' .. did)
  d['email_norm'] = nil
  d['id'] = did
  return d
end

-- Whether an accreditation (status and scope set) covers a restricted session's slug.
local function covered(P, did, slug)
  if redis.call('HGET', P .. 'delegate:' .. did, 'accreditation') ~= 'approved' then
    return false
  end
  local scopes = P .. 'accred:' .. did
  return redis.call('SISMEMBER', scopes, 'general') == 1
      or redis.call('SISMEMBER', scopes, slug or '') == 1
end
