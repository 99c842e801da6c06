-- Register a delegate: one per normalised e-mail, state and event in one step.
-- KEYS: none used directly beyond the stream (KEYS[1]); ARGV: P, email_norm, delegate_id,
--       delegate_json, score_ms, event_id, request_id, at, event_data_json, enforce_open
local stream = KEYS[1]
local P, email, did = ARGV[1], ARGV[2], ARGV[3]
if ARGV[10] == '1' and redis.call('HGET', P .. 'settings', 'self_registration') == 'closed' then
  return {'error', 'registration_closed'}
end
local existing = redis.call('HGET', P .. 'emails', email)
if existing then return {'exists', existing} end
local fields = cjson.decode(ARGV[4])
local quota_of = fields['delegation']
if quota_of and quota_of ~= '' then
  local quota = tonumber(redis.call('HGET', P .. 'quotas', quota_of) or '')
  if quota and redis.call('SCARD', P .. 'delegation:' .. quota_of) >= quota then
    return {'error', 'delegation_full'}
  end
  redis.call('SADD', P .. 'delegation:' .. quota_of, did)
end
redis.call('HSET', P .. 'emails', email, did)
for k, v in pairs(fields) do redis.call('HSET', P .. 'delegate:' .. did, k, tostring(v)) end
redis.call('ZADD', P .. 'delegates', ARGV[5], did)
emit(stream, 'registration.delegate.registered', ARGV[6], cjson.decode(ARGV[9]), ARGV[7], ARGV[8])
return {'created', did}
