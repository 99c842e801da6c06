-- One door scan, checked and recorded in one atomic step.
-- Invariants: a delegate is inside a room at most once (two doors scanning the same badge at
-- the same moment let one in); a room's occupancy never passes its fire-safety capacity; a
-- (device, nonce) pair is recorded once and always gets its first answer; every scan,
-- allowed or denied, is appended to the scans stream; a revoked device token records nothing.
-- The order of the checks is the contract shared with gate/offline.py (same data, same answer).
-- KEYS: nonces (the scan's UTC day), scans, presence (local day), occupancy (local day),
--       signing_keys, revoked, badge, delegate, accreditation, rooms, event, sessions,
--       nonces (day before), nonces (day after), tokens_of, device rate window
-- ARGV: P, device, nonce, now, pre_reason, kid, serial, delegate, session, room, direction,
--       device_rooms (comma list, '' = all), scanned_at (ISO), token_hint, token_digest,
--       nonces_expire_at, day_expire_at, rate_count (0 = no limit), rate_window_ms
-- Session keys are built from P (the registration prefix), as the registration scripts do:
-- a room scan only learns its session here. They share the meeting's hash slot.
local P, device, nonce = ARGV[1], ARGV[2], ARGV[3]
-- The caller's token may come from a per-process cache: this is where revocation bites.
if ARGV[15] ~= '' and redis.call('SISMEMBER', KEYS[15], ARGV[15]) == 0 then
  return {'error', 'invalid_token'}
end
-- Per-device flood guard (shared/ratelimit.py's fixed window, RATE_LIMIT_SCAN), counted here
-- rather than in a round trip of its own; a refused scan records nothing.
if ARGV[18] ~= '0' then
  local n = redis.call('INCR', KEYS[16])
  local ttl = redis.call('PTTL', KEYS[16])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[16], ARGV[19])
    ttl = tonumber(ARGV[19])
  end
  if n > tonumber(ARGV[18]) then return {'error', 'rate_limited', ttl} end
end
-- A retry without scanned_at may fall either side of midnight: look one day either way.
local nonce_field = device .. ':' .. nonce
local seen = redis.call('HGET', KEYS[1], nonce_field)
    or redis.call('HGET', KEYS[13], nonce_field) or redis.call('HGET', KEYS[14], nonce_field)
if seen then return {'dup', seen} end

local now = tonumber(ARGV[4])
local did, sid, room, direction = ARGV[8], ARGV[9], ARGV[10], ARGV[11]
local event = cjson.decode(redis.call('GET', KEYS[11]) or '{}')
-- The consumer writes the meeting's copy with every default filled in (shared/meeting_hours.py);
-- without a copy there is no session either, so no door to open early.
local before = (tonumber(event['door_opens_minutes']) or 0) * 60

local s = nil
if sid ~= '' then
  s = hgetall(P .. 'session:' .. sid)
  if not s['status'] then return {'error', 'unknown_session'} end
  room = s['room'] or ''
else
  if redis.call('HEXISTS', KEYS[10], room) == 0 then return {'error', 'unknown_room'} end
  if direction == 'in' then
    -- The session whose door is open now; when two overlap, the one ending first.
    local best_end = nil
    for _, id in ipairs(redis.call('SMEMBERS', KEYS[12])) do
      local f = redis.call('HMGET', P .. 'session:' .. id, 'room', 'starts', 'ends', 'status')
      local starts, ends = tonumber(f[2]), tonumber(f[3])
      if f[1] == room and f[4] ~= 'cancelled' and starts and now >= starts - before
          and now < ends and (not best_end or ends < best_end
                              or (ends == best_end and id < sid)) then
        sid, best_end = id, ends
      end
    end
    if sid ~= '' then s = hgetall(P .. 'session:' .. sid) end
  end
end
if ARGV[12] ~= '' then
  local allowed = false
  for r in string.gmatch(ARGV[12], '[^,]+') do if r == room then allowed = true end end
  if not allowed then return {'error', 'device_room'} end
end

local reason = ARGV[5]
local display = nil
if reason == '' and redis.call('HEXISTS', KEYS[5], ARGV[6]) == 0 then reason = 'unknown_key' end
local d = {}
if reason == '' then
  d = redis.call('HMGET', KEYS[8], 'name', 'delegation', 'category', 'accreditation')
  display = {name = d[1] or '', delegation = d[2] or '', category = d[3] or ''}
  if redis.call('HGET', KEYS[7], 'serial') ~= ARGV[7]
      or redis.call('SISMEMBER', KEYS[6], ARGV[7]) == 1 then
    reason = 'revoked'
  end
end

local inside = false
if reason == '' then inside = redis.call('HGET', KEYS[3], did) end
local capacity = nil
if room ~= '' then
  local r = cjson.decode(redis.call('HGET', KEYS[10], room) or '{}')
  if type(r['capacity']) == 'number' then capacity = r['capacity'] end
end
local occupancy = tonumber(redis.call('HGET', KEYS[4], room) or '0') or 0

if direction == 'in' then
  if reason == '' and d[4] ~= 'approved' then reason = 'not_accredited' end
  if reason == '' and s then
    local covered = s['access'] ~= 'accredited'
        or redis.call('SISMEMBER', KEYS[9], 'general') == 1
        or redis.call('SISMEMBER', KEYS[9], s['accreditation'] or 'general') == 1
    if s['status'] == 'cancelled' or not covered then reason = 'wrong_session' end
  end
  if reason == '' and s and s['requires_signup'] == '1'
      and not redis.call('ZSCORE', P .. 'confirmed:' .. sid, did) then
    reason = 'not_registered'
  end
  if reason == '' and (not s or now < tonumber(s['starts']) - before
                       or now >= tonumber(s['ends'])) then
    reason = 'outside_time_window'
  end
  if reason == '' and inside == room then reason = 'already_inside' end
  if reason == '' and capacity and occupancy >= capacity then reason = 'room_full' end
  if reason == '' then
    if inside then  -- left another room without scanning out: it has one fewer inside
      if tonumber(redis.call('HGET', KEYS[4], inside) or '0') > 0 then
        redis.call('HINCRBY', KEYS[4], inside, -1)
      end
    end
    redis.call('HSET', KEYS[3], did, room)
    occupancy = redis.call('HINCRBY', KEYS[4], room, 1)
    redis.call('EXPIREAT', KEYS[3], ARGV[17])
    redis.call('EXPIREAT', KEYS[4], ARGV[17])
  end
elseif reason == '' and inside == room then
  redis.call('HDEL', KEYS[3], did)
  if occupancy > 0 then occupancy = redis.call('HINCRBY', KEYS[4], room, -1) end
end

local decision = reason == '' and 'allow' or 'deny'
local known = display ~= nil
local scan_id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', 1000000, '*',
  'device', device, 'nonce', nonce, 'decision', decision, 'reason', reason,
  'direction', direction, 'session', sid, 'room', room,
  'serial', known and ARGV[7] or '', 'delegate', known and did or '',
  'scanned_at', ARGV[13], 'token', ARGV[14])
local answer = {decision = decision, reason = (reason ~= '' and reason or cjson.null),
  direction = direction, session = (sid ~= '' and sid or cjson.null), room = room,
  serial = known and tonumber(ARGV[7]) or cjson.null, delegate = known and did or cjson.null,
  display = display or cjson.null, occupancy = occupancy,
  capacity = capacity or cjson.null, scan_id = scan_id, scanned_at = ARGV[13]}
local encoded = cjson.encode(answer)
redis.call('HSET', KEYS[1], nonce_field, encoded)
redis.call('EXPIREAT', KEYS[1], ARGV[16])
return {'new', encoded}
