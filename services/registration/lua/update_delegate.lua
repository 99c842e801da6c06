-- A delegate (or an organiser) changes name or language; the change and its event together.
-- KEYS[1]: bus stream. ARGV: P, delegate_id, fields_json, event_id, request_id, at
local stream = KEYS[1]
local P, did = ARGV[1], ARGV[2]
local dkey = P .. 'delegate:' .. did
if redis.call('EXISTS', dkey) == 0 then return {'error', 'not_found'} end
for k, v in pairs(cjson.decode(ARGV[3])) do redis.call('HSET', dkey, k, v) end
mark_bundle(P, did)
local doc = delegate_doc(P, did)
emit(stream, 'registration.delegate.updated', ARGV[4], {delegate = doc}, ARGV[5], ARGV[6])
return {'ok', cjson.encode(doc)}
