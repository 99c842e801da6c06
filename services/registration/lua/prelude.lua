-- Shared helpers of the registration scripts: scripts.py prepends to each script the ones it
-- calls. All keys are built from P (the meeting's prefix, with its hash tag): one slot per
-- meeting.

-- A bus event whose data is already JSON: the sign-up script builds it from a part its
-- caller encoded, as cjson.encode was a measurable share of its cost.
local function emit_json(stream, etype, event_id, data_json, request_id, at)
  return redis.call('XADD', stream, '*', 'type', etype, 'event', event_id,
                    'data', data_json, 'request_id', request_id, 'at', at)
end

local function emit(stream, etype, event_id, data, request_id, at)
  return emit_json(stream, etype, event_id, cjson.encode(data), request_id, at)
end

local function hgetall(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

-- Tell the doors' offline bundle that what it says of a delegate changed (accreditation,
-- details, confirmed seats): the next delta carries them. Keys as gate/keys.py names them;
-- one INCR and one ZADD, inside the caller's atomic step.
local function mark_bundle(P, did)
  local v = redis.call('INCR', P .. 'gate:bundle-version')
  redis.call('ZADD', P .. 'gate:bundle-dirty', v, did)
  return v
end

-- The same for something every bundle carries whole (a session's window, the meeting).
local function mark_bundle_change(P, member)
  local v = redis.call('INCR', P .. 'gate:bundle-version')
  redis.call('ZADD', P .. 'gate:bundle-changes', v, member)
  return v
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

-- Take a delegate out of a session (seat or waitlist) and say why.
local function drop(P, sid, did, state, reason, stream, event_id, request_id, at)
  if state == 'confirmed' then mark_bundle(P, did) end  -- doors learn the seat is gone
  redis.call('HDEL', P .. 'mine:' .. did, sid)
  redis.call('ZREM', P .. 'confirmed:' .. sid, did)
  redis.call('ZREM', P .. 'waitlist:' .. sid, did)
  emit(stream, 'registration.signup.cancelled', event_id,
       {delegate = did, session = sid, state = state, reason = reason}, request_id, at)
end

-- A restricted session keeps only delegates its accreditation covers (its access may have
-- changed since they signed up): the others leave, and are told why.
local function drop_uncovered(P, sid, stream, event_id, request_id, at)
  local s = redis.call('HMGET', P .. 'session:' .. sid, 'access', 'accreditation')
  if s[1] ~= 'accredited' then return 0 end
  local dropped = 0
  for _, state in ipairs({'confirmed', 'waitlist'}) do
    for _, did in ipairs(redis.call('ZRANGE', P .. state .. ':' .. sid, 0, -1)) do
      if not covered(P, did, s[2]) then
        drop(P, sid, did, state == 'waitlist' and 'waitlisted' or 'confirmed', 'access_changed',
             stream, event_id, request_id, at)
        dropped = dropped + 1
      end
    end
  end
  return dropped
end

-- Move waitlisted delegates into free seats, first come first served. Someone whose
-- accreditation no longer covers a restricted session is not promoted: they leave the list.
local function promote(P, sid, stream, event_id, request_id, at)
  local s = redis.call('HMGET', P .. 'session:' .. sid, 'capacity', 'access', 'accreditation')
  local cap = tonumber(s[1] or '-1') or -1
  local confirmed, waitlist = P .. 'confirmed:' .. sid, P .. 'waitlist:' .. sid
  -- Seats are counted once: inside this step only the promotions below take any.
  local free = cap < 0 and math.huge or cap - redis.call('ZCARD', confirmed)
  local promoted = {}
  while free > 0 do
    local first = redis.call('ZRANGE', waitlist, 0, 0, 'WITHSCORES')
    if #first == 0 then break end
    local did, seq = first[1], first[2]
    if s[2] == 'accredited' and not covered(P, did, s[3]) then
      drop(P, sid, did, 'waitlisted', 'not_accredited', stream, event_id, request_id, at)
    else
      redis.call('ZREM', waitlist, did)
      redis.call('ZADD', confirmed, seq, did)
      redis.call('HSET', P .. 'mine:' .. did, sid, 'confirmed')
      mark_bundle(P, did)
      emit(stream, 'registration.signup.promoted', event_id,
           {delegate = did, session = sid, state = 'confirmed'}, request_id, at)
      promoted[#promoted + 1] = did
      free = free - 1
    end
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

