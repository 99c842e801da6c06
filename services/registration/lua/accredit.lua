-- Decide a delegate's accreditation, keep the audit entry, say so on the bus, and take the
-- delegate out of restricted sessions the new accreditation no longer covers (promoting from
-- those waitlists): one atomic step, so no sign-up can slip in between.
-- KEYS[1]: bus stream. ARGV: P, delegate_id, decision (approve|reject|revoke), scopes_json,
--       reason, by_json, event_id, request_id, at
local stream = KEYS[1]
local P, did, decision, scopes_json = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local reason, by_json, event_id, rid, at = ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local dkey = P .. 'delegate:' .. did
if redis.call('EXISTS', dkey) == 0 then return {'error', 'not_found'} end
local before = redis.call('HGET', dkey, 'accreditation')
local skey = P .. 'accred:' .. did
local scopes = cjson.decode(scopes_json)
-- A scope must name something the doors know: 'general', or the accreditation slug of a
-- restricted session in the copy (a revocation may also name any scope the delegate holds,
-- say of a session opened since). Checked here so the agenda cannot change in between.
if #scopes > 0 then
  local known = {general = true}
  for _, sid in ipairs(redis.call('SMEMBERS', P .. 'sessions')) do
    local s = redis.call('HMGET', P .. 'session:' .. sid, 'access', 'accreditation')
    if s[1] == 'accredited' and s[2] then known[s[2]] = true end
  end
  local unknown = {}
  for _, scope in ipairs(scopes) do
    if not known[scope] and not (decision == 'revoke'
                                 and redis.call('SISMEMBER', skey, scope) == 1) then
      unknown[#unknown + 1] = scope
    end
  end
  if #unknown > 0 then return {'error', 'unknown_scope', cjson.encode(unknown)} end
end
local after, etype
if decision == 'approve' then
  for _, s in ipairs(scopes) do redis.call('SADD', skey, s) end
  after, etype = 'approved', 'approved'
elseif decision == 'reject' then
  if before == 'approved' then return {'error', 'invalid_transition', before} end
  redis.call('DEL', skey)
  after, etype = 'rejected', 'rejected'
else
  if before ~= 'approved' then return {'error', 'invalid_transition', before} end
  if #scopes == 0 then redis.call('DEL', skey) else
    for _, s in ipairs(scopes) do redis.call('SREM', skey, s) end
  end
  after, etype = (redis.call('SCARD', skey) == 0) and 'revoked' or 'approved', 'revoked'
end
redis.call('HSET', dkey, 'accreditation', after)
mark_bundle(P, did)  -- also covers the sessions it may leave below
local held = redis.call('SMEMBERS', skey)
table.sort(held)
local doc = cjson.encode(delegate_doc(P, did))
local data = '{"delegate":' .. doc .. ',"scopes":' .. scopes_json .. ',"reason":'
    .. cjson.encode(reason) .. ',"by":' .. by_json .. '}'
redis.call('XADD', stream, '*', 'type', 'registration.accreditation.' .. etype,
           'event', event_id, 'data', data, 'request_id', rid, 'at', at)
-- Restricted sessions no longer covered: leave them, and hand freed seats on.
local removed = {}
local mine = P .. 'mine:' .. did
local flat = redis.call('HGETALL', mine)
for i = 1, #flat, 2 do
  local sid, state = flat[i], flat[i + 1]
  local s = redis.call('HMGET', P .. 'session:' .. sid, 'access', 'accreditation')
  if s[1] == 'accredited' and not covered(P, did, s[2]) then
    drop(P, sid, did, state, 'accreditation_revoked', stream, event_id, rid, at)
    removed[#removed + 1] = sid
    if state == 'confirmed' then promote(P, sid, stream, event_id, rid, at) end
  end
end
table.sort(removed)
local removed_json = #removed == 0 and '[]' or cjson.encode(removed)
local held_json = #held == 0 and '[]' or cjson.encode(held)
redis.call('RPUSH', P .. 'audit:' .. did, '{"at":' .. cjson.encode(at) .. ',"by":' .. by_json
    .. ',"decision":' .. cjson.encode(decision) .. ',"scopes":' .. scopes_json
    .. ',"reason":' .. cjson.encode(reason) .. ',"before":' .. cjson.encode(before)
    .. ',"after":' .. cjson.encode(after) .. ',"removed_from":' .. removed_json .. '}')
return {'ok', after, held_json, removed_json}
