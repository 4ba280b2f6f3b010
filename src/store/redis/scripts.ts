/**
 * The Lua scripts of the Redis store. Each touches keys of one hash tag only, so every script runs
 * unchanged on a single Redis, Sentinel and Redis Cluster (keys: docs/storage-schema.md). A token's
 * record and indexes have theirs in token-scripts.ts.
 * @module
 */

/**
 * Shared tail: gives KEYS[1] the deadline ARGV[n] (Unix seconds; "0" means keep forever) without
 * ever shortening the life it already has. `existed` says whether the key was there before.
 */
export const KEEP_UNTIL = `
local function keep_until(key, existed, deadline)
  if deadline == '0' then
    redis.call('PERSIST', key)
  elseif existed == 0 then
    redis.call('EXPIREAT', key, deadline)
  else
    redis.call('EXPIREAT', key, deadline, 'GT')
  end
end
`;

/** KEYS[1] meta hash; ARGV[1] epoch id; ARGV[2] list size. Returns the epoch id and list size. */
export const OPEN_EPOCH = `
redis.call('HSETNX', KEYS[1], 'epoch', ARGV[1])
redis.call('HSETNX', KEYS[1], 'list_size', ARGV[2])
return redis.call('HMGET', KEYS[1], 'epoch', 'list_size')
`;

/**
 * KEYS[1] meta hash; ARGV[1] expected epoch; ARGV[2] the counter (`seq`, or `pseq` for pending
 * lists); ARGV[3] how many (default 1). Returns the last of the sequence numbers allocated.
 */
export const NEXT_SEQUENCE = `
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then
  return redis.error_reply('EPOCH_LOST')
end
return redis.call('HINCRBY', KEYS[1], ARGV[2] or 'seq', tonumber(ARGV[3] or '1'))
`;

/**
 * KEYS[1] meta hash; ARGV[1] expected epoch; ARGV[2] the counter (default `seq`). Returns the
 * sequence, or an error if the epoch is lost.
 */
export const CHECK_EPOCH = `
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then
  return redis.error_reply('EPOCH_LOST')
end
return tonumber(redis.call('HGET', KEYS[1], ARGV[2] or 'seq') or '0')
`;

/**
 * KEYS[1] list bitmap; ARGV[1] byte length; ARGV[2] deadline; ARGV[3] fill byte (0, or 170 for a
 * pending list: every entry 2). Creates it at full length if missing.
 */
export const PREPARE_LIST = `${KEEP_UNTIL}
local existed = redis.call('EXISTS', KEYS[1])
if existed == 0 then
  local fill = tonumber(ARGV[3] or '0')
  if fill == 0 then
    redis.call('SETRANGE', KEYS[1], tonumber(ARGV[1]) - 1, '\\0')
  else
    redis.call('SET', KEYS[1], string.rep(string.char(fill), tonumber(ARGV[1])))
  end
end
keep_until(KEYS[1], existed, ARGV[2])
return existed
`;

/** KEYS[1] list bitmap; ARGV[1] u2 field number; ARGV[2] status. No-op (0) when the list is gone. */
export const SET_STATUS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('BITFIELD', KEYS[1], 'SET', 'u2', '#' .. ARGV[1], ARGV[2])
return 1
`;

/** KEYS[1] fixed-window counter; ARGV[1] seconds it lives. Returns the count with this hit. */
export const COUNT_HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
`;

/**
 * The keyring: KEYS[1] keys hash (kid → record JSON), KEYS[2] latest-exp hash (kid → seconds or
 * "inf"), KEYS[3] version counter; one hash tag. Every change bumps the version and publishes it
 * on the channel ARGV[1] (PUBLISH needs no key, so this works on Redis Cluster too).
 */
const KEYRING_CHANGED = `
local function changed(channel)
  local version = redis.call('INCR', KEYS[3])
  redis.call('PUBLISH', channel, version)
  return version
end
`;

/**
 * Keyring KEYS; ARGV: channel, kid, json, only-if-no-active ("1"/"0"). Adds the key unless the
 * kid exists or (with the flag) a key is active: 1 added, 0 not.
 */
export const ADD_KEY = `${KEYRING_CHANGED}
if ARGV[4] == '1' then
  for _, raw in ipairs(redis.call('HVALS', KEYS[1])) do
    if cjson.decode(raw).state == 'active' then return 0 end
  end
end
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 0 then return 0 end
changed(ARGV[1])
return 1
`;

/**
 * Keyring KEYS; ARGV: channel, expected version, number of puts n, then n (kid, json) pairs, then
 * kids to delete. Compare-and-set: 1 applied, 0 the version had moved on.
 */
export const UPDATE_KEYS = `${KEYRING_CHANGED}
if tonumber(redis.call('GET', KEYS[3]) or '0') ~= tonumber(ARGV[2]) then return 0 end
local i = 4
for _ = 1, tonumber(ARGV[3]) do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
changed(ARGV[1])
return 1
`;

/** Keyring KEYS. Returns { version, records, flat latest-exp pairs }: one consistent snapshot. */
export const READ_KEYRING = `
return { redis.call('GET', KEYS[3]) or '0', redis.call('HVALS', KEYS[1]), redis.call('HGETALL', KEYS[2]) }
`;

/**
 * KEYS[1] keys hash, KEYS[2] latest-exp hash, KEYS[3] the epoch copy; ARGV: kid, exp ("inf" for
 * none, "" to only check), epoch ("": not checked). The signing gate: fails when the store's epoch is not the one
 * this instance opened (its data was lost), 0 unless the key is active; else raises its latest
 * exp and returns 1. The epoch is checked here because every mint passes the gate. A record is
 * `JSON.stringify` of a stored key: when `"state":` occurs once, it is the key's own member, and
 * reading it in place costs a fifth of the Redis CPU of decoding the record (decoded otherwise).
 */
export const NOTE_KEY_USE = `
if (ARGV[3] or '') ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[3] then
  return redis.error_reply('EPOCH_LOST')
end
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local at = string.find(raw, '"state":', 1, true)
if not at then return 0 end
if string.find(raw, '"state":', at + 1, true) then
  if cjson.decode(raw).state ~= 'active' then return 0 end
elseif string.sub(raw, at + 8, at + 15) ~= '"active"' then
  return 0
end
if ARGV[2] == '' then return 1 end
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current == 'inf' then return 1 end
if ARGV[2] == 'inf' or not current or tonumber(ARGV[2]) > tonumber(current) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
return 1
`;

/** KEYS[1] routes hash, KEYS[2] its version counter; ARGV: org, cell. Returns the new version. */
export const SET_ORG_CELL = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('INCR', KEYS[2])
`;

/** KEYS[1] routes hash, KEYS[2] version; ARGV: org, cell, org, cell… (only missing orgs are set). */
export const SEED_ORG_CELLS = `
local added = 0
for i = 1, #ARGV, 2 do
  added = added + redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
end
if added > 0 then redis.call('INCR', KEYS[2]) end
return added
`;
