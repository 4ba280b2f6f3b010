/**
 * The Lua scripts of the webhook outbox. The audit stream and every webhook key share the
 * `{audit}` hash tag, so reading the stream, fanning an event out to its deliveries and
 * acknowledging it happen in one script on a single Redis, Sentinel and Redis Cluster alike.
 * @module
 */

/** Stream id helpers: `before(a, b)` orders two ids, `after(id)` is the next possible id. */
const STREAM_IDS = `
local function parts(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function before(a, b)
  local am, as = parts(a)
  local bm, bs = parts(b)
  return am < bm or (am == bm and as < bs)
end
local function after(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return ms .. '-' .. tostring(tonumber(seq) + 1)
end
`;

/**
 * `append_audit(stream, pause, json, keep)`: appends the event; once the stream is more than 100
 * entries (a tenth of a shorter length) over `keep`, trims the oldest entries beyond it, but only
 * those every consumer group has read and acknowledged (at most 100 more than the slack per
 * append, so a backlog that drains is trimmed over the next appends). When the group holds back
 * what is over, trimming pauses for 250 ms: until the group moves on, each attempt would only find
 * the same nothing. Returns the entry id.
 */
export const AUDIT_APPEND = `${STREAM_IDS}
local function append_audit(stream, pause, json, keep)
  local id = redis.call('XADD', stream, '*', 'e', json)
  local excess = redis.call('XLEN', stream) - keep
  -- Slack of 100 entries (a tenth of a shorter cap): a stream at its cap is trimmed once per
  -- that many appends, not on each.
  local slack = math.min(100, math.floor(keep / 10))
  if excess <= slack or redis.call('EXISTS', pause) == 1 then return id end
  local groups = redis.call('XINFO', 'GROUPS', stream)
  if #groups == 0 then
    redis.call('XTRIM', stream, 'MAXLEN', '~', keep)
    return id
  end
  local bound = nil
  for _, group in ipairs(groups) do
    local fields = {}
    for i = 1, #group, 2 do fields[group[i]] = group[i + 1] end
    local limit = after(fields['last-delivered-id'])
    if tonumber(fields['pending']) > 0 then
      limit = redis.call('XPENDING', stream, fields['name'])[2]
    end
    if bound == nil or before(limit, bound) then bound = limit end
  end
  local wanted = math.min(excess, 100 + slack)
  local old = redis.call('XRANGE', stream, '-', '(' .. bound, 'COUNT', wanted)
  if #old > 0 then
    redis.call('XTRIM', stream, 'MINID', after(old[#old][1]))
  end
  if #old < wanted then redis.call('SET', pause, '1', 'PX', 250) end
  return id
end
`;

/** KEYS[1] audit stream, KEYS[2] the trim pause; ARGV[1] event JSON; ARGV[2] length to keep. */
export const APPEND_AUDIT = `${AUDIT_APPEND}
return append_audit(KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2]))
`;

/**
 * KEYS[1] audit stream, KEYS[2] deliveries hash, KEYS[3] due set, KEYS[4] delivery index,
 * KEYS[5] the trim pause; ARGV[1] consumer group, ARGV[2] k, ARGV[3..2+k] entry ids to
 * acknowledge, then triples of (delivery member, delivery JSON, due ms). Creates each delivery
 * that does not exist yet and acknowledges the entries, atomically; what it acknowledged may be
 * trimmed at once (the pause ends).
 */
export const FAN_OUT = `
local k = tonumber(ARGV[2])
for i = 3 + k, #ARGV, 3 do
  local member = ARGV[i]
  if redis.call('HSETNX', KEYS[2], member, ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[3], ARGV[i + 2], member)
    redis.call('ZADD', KEYS[4], 0, member)
  end
end
if k > 0 then
  redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 3, 2 + k))
  redis.call('DEL', KEYS[5])
end
return k
`;

/**
 * KEYS[1] due set, KEYS[2] deliveries hash; ARGV[1] now ms, ARGV[2] lease end ms, ARGV[3] count.
 * Claims up to count due deliveries: each one's due time moves to the lease end, so no other
 * instance takes it until the lease runs out. Returns the claimed delivery JSONs.
 */
export const CLAIM_DELIVERIES = `
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local claimed = {}
for _, member in ipairs(members) do
  local json = redis.call('HGET', KEYS[2], member)
  if json then
    redis.call('ZADD', KEYS[1], ARGV[2], member)
    claimed[#claimed + 1] = json
  else
    redis.call('ZREM', KEYS[1], member)
  end
end
return claimed
`;

/**
 * KEYS[1] due set, KEYS[2] deliveries hash, KEYS[3] delivery index; ARGV[1] member, ARGV[2]
 * lease end ms, ARGV[3] the delivery's new JSON ("" once delivered), ARGV[4] next due ms ("" for
 * none). Applies only while the caller's lease holds (the due time is still its lease end).
 * Returns 1 when applied.
 */
export const FINISH_DELIVERY = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 1
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
if ARGV[4] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
end
return 1
`;

/**
 * KEYS[1] deliveries hash, KEYS[2] due set; ARGV[1] member, ARGV[2] expected JSON, ARGV[3] new
 * JSON, ARGV[4] due ms. Compare-and-set: replaces the delivery and schedules it only if it is
 * still exactly the expected one. Returns 1 when applied.
 */
export const REQUEUE_DELIVERY = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
`;

/**
 * KEYS[1] webhooks hash; ARGV[1] webhook id, ARGV[2] expected JSON, ARGV[3] new JSON.
 * Compare-and-set: replaces the webhook only if it is still exactly the expected one (so a
 * deleted one is not brought back). Returns 1 when applied.
 */
export const REPLACE_WEBHOOK = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

/**
 * KEYS[1] webhooks hash, KEYS[2] deliveries hash, KEYS[3] due set, KEYS[4] delivery index;
 * ARGV[1] webhook id. Deletes the webhook and every delivery of it. Returns 1 if it existed.
 */
export const DELETE_WEBHOOK = `
local existed = redis.call('HDEL', KEYS[1], ARGV[1])
local members = redis.call('ZRANGEBYLEX', KEYS[4], '[' .. ARGV[1] .. '/', '(' .. ARGV[1] .. '0')
for _, member in ipairs(members) do
  redis.call('HDEL', KEYS[2], member)
  redis.call('ZREM', KEYS[3], member)
  redis.call('ZREM', KEYS[4], member)
end
return existed
`;

/**
 * KEYS[1] audit stream, KEYS[2] the trim pause; ARGV[1] consumer group, ARGV[2] entry id. Moves
 * the group's read position forward to the id (never back, so two instances skipping at once
 * cannot re-open what one passed); what it passed may be trimmed at once (the pause ends).
 * Returns 1 when it moved.
 */
export const SKIP_OUTBOX = `${STREAM_IDS}
for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  local fields = {}
  for i = 1, #group, 2 do fields[group[i]] = group[i + 1] end
  if fields['name'] == ARGV[1] then
    if before(fields['last-delivered-id'], ARGV[2]) then
      redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], ARGV[2])
      redis.call('DEL', KEYS[2])
      return 1
    end
    return 0
  end
end
return 0
`;
