/**
 * The Lua scripts of the Redis store. Each touches keys of one hash tag only, so every script runs
 * unchanged on a single Redis, Sentinel and Redis Cluster (keys: docs/storage-schema.md).
 * @module
 */

/**
 * Shared tail: gives KEYS[1] the deadline ARGV[n] (Unix seconds; "0" means keep forever) without
 * ever shortening the life it already has. `existed` says whether the key was there before.
 */
const KEEP_UNTIL = `
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

/** KEYS[1] meta hash; ARGV[1] expected epoch. Returns the next allocation sequence number. */
export const NEXT_SEQUENCE = `
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then
  return redis.error_reply('EPOCH_LOST')
end
return redis.call('HINCRBY', KEYS[1], 'seq', 1)
`;

/** KEYS[1] meta hash; ARGV[1] expected epoch. Returns the sequence, or an error if the epoch is lost. */
export const CHECK_EPOCH = `
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[1] then
  return redis.error_reply('EPOCH_LOST')
end
return tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
`;

/** KEYS[1] list bitmap; ARGV[1] byte length; ARGV[2] deadline. Creates it zeroed if missing. */
export const PREPARE_LIST = `${KEEP_UNTIL}
local existed = redis.call('EXISTS', KEYS[1])
if existed == 0 then
  redis.call('SETRANGE', KEYS[1], tonumber(ARGV[1]) - 1, '\\0')
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

/** KEYS[1] token hash; ARGV: deadline, then the record's field/value pairs (see token-hash.ts). */
export const SAVE_TOKEN = `${KEEP_UNTIL}
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
keep_until(KEYS[1], 0, ARGV[1])
return 1
`;

/** KEYS[1] an index zset; ARGV: token id, score (exp or +inf), deadline. */
export const INDEX_TOKEN = `${KEEP_UNTIL}
local existed = redis.call('EXISTS', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
keep_until(KEYS[1], existed, ARGV[3])
return 1
`;

/** KEYS[1] an index set (of subjects); ARGV: member, deadline. */
export const INDEX_MEMBER = `${KEEP_UNTIL}
local existed = redis.call('EXISTS', KEYS[1])
redis.call('SADD', KEYS[1], ARGV[1])
keep_until(KEYS[1], existed, ARGV[2])
return 1
`;

/**
 * KEYS[1] token hash. Its fields and values as one JSON array string (nil when there is none):
 * one reply string is decoded far faster on the client than the two dozen of an `HGETALL`.
 */
export const READ_TOKEN = `
local fields = redis.call('HGETALL', KEYS[1])
if #fields == 0 then return false end
return cjson.encode(fields)
`;

/** KEYS[1] token hash; ARGV[1] state. Only changes a record that exists. */
export const SET_TOKEN_STATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 's', ARGV[1])
return 1
`;

/**
 * KEYS[1] token hash; ARGV: at (seconds), ip or "", then the IP fields (`ip0`…). Keeps the newest
 * distinct IPs, one per field (short values keep the hash compact); a record of the first layout
 * keeps its `ip` JSON (see first-layout.ts).
 */
export const RECORD_USAGE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local last = tonumber(redis.call('HGET', KEYS[1], 'u') or '0')
if tonumber(ARGV[1]) > last then redis.call('HSET', KEYS[1], 'u', ARGV[1]) end
if ARGV[2] == '' then return 1 end
local fields = { unpack(ARGV, 3) }
local legacy = redis.call('HGET', KEYS[1], 'ip')
local ips = legacy and cjson.decode(legacy) or redis.call('HMGET', KEYS[1], unpack(fields))
local kept = { ARGV[2] }
for i = 1, #fields do
  local ip = ips[i]
  if ip and ip ~= ARGV[2] and #kept < #fields then table.insert(kept, ip) end
end
if legacy then
  redis.call('HSET', KEYS[1], 'ip', cjson.encode(kept))
  return 1
end
for i = 1, #kept do redis.call('HSET', KEYS[1], fields[i], kept[i]) end
return 1
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
 * KEYS[1] keys hash, KEYS[2] latest-exp hash; ARGV: kid, exp ("inf" for none, "" to only check).
 * The signing gate: 0 unless the key is active; else raises its latest exp and returns 1.
 */
export const NOTE_KEY_USE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw or cjson.decode(raw).state ~= 'active' then return 0 end
if ARGV[2] == '' then return 1 end
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current == 'inf' then return 1 end
if ARGV[2] == 'inf' or not current or tonumber(ARGV[2]) > tonumber(current) then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
end
return 1
`;

/**
 * KEYS[1] subject zset; ARGV: id, score, now, max live, drop-before, deadline. Adds the token
 * unless the subject already has `max live` entries scored after `now` (1 added, 0 refused).
 */
export const RESERVE_SUBJECT_SLOT = `${KEEP_UNTIL}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5])
if redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[3], '+inf') >= tonumber(ARGV[4]) then return 0 end
local existed = redis.call('EXISTS', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
keep_until(KEYS[1], existed, ARGV[6])
return 1
`;

/** KEYS[1] token hash; ARGV: to, rotatedTo or "", allowed from-states… (1 moved, 0 not). */
export const TRANSITION_TOKEN_STATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local state = redis.call('HGET', KEYS[1], 's') or 'active'
for i = 3, #ARGV do
  if state == ARGV[i] then
    redis.call('HSET', KEYS[1], 's', ARGV[1])
    if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'n', ARGV[2]) end
    return 1
  end
end
return 0
`;

/**
 * KEYS[1] token hash; ARGV[1] details JSON (`name`, `description`, null removes it). Writes the
 * fields of a live record; a record of the first layout keeps its changes merged in `m`
 * (see first-layout.ts).
 */
export const UPDATE_TOKEN_DETAILS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local details = cjson.decode(ARGV[1])
if redis.call('HEXISTS', KEYS[1], 'r') == 1 then
  local merged = cjson.decode(redis.call('HGET', KEYS[1], 'm') or '{}')
  for name, value in pairs(details) do merged[name] = value end
  redis.call('HSET', KEYS[1], 'm', cjson.encode(merged))
  return 1
end
if details.name ~= nil then redis.call('HSET', KEYS[1], 'nm', details.name) end
if details.description == cjson.null then
  redis.call('HDEL', KEYS[1], 'ds')
elseif details.description ~= nil then
  redis.call('HSET', KEYS[1], 'ds', details.description)
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

/** Every script as an ioredis command: name → [number of keys, Lua]. */
export const SCRIPTS = {
  tmOpenEpoch: [1, OPEN_EPOCH],
  tmNextSequence: [1, NEXT_SEQUENCE],
  tmCheckEpoch: [1, CHECK_EPOCH],
  tmPrepareList: [1, PREPARE_LIST],
  tmSetStatus: [1, SET_STATUS],
  tmSaveToken: [1, SAVE_TOKEN],
  tmReadToken: [1, READ_TOKEN],
  tmIndexToken: [1, INDEX_TOKEN],
  tmIndexMember: [1, INDEX_MEMBER],
  tmSetTokenState: [1, SET_TOKEN_STATE],
  tmRecordUsage: [1, RECORD_USAGE],
  tmAddKey: [3, ADD_KEY],
  tmUpdateKeys: [3, UPDATE_KEYS],
  tmReadKeyring: [3, READ_KEYRING],
  tmNoteKeyUse: [2, NOTE_KEY_USE],
  tmReserveSubjectSlot: [1, RESERVE_SUBJECT_SLOT],
  tmTransitionTokenState: [1, TRANSITION_TOKEN_STATE],
  tmUpdateTokenDetails: [1, UPDATE_TOKEN_DETAILS],
  tmSetOrgCell: [2, SET_ORG_CELL],
  tmCountHit: [1, COUNT_HIT],
  tmSeedOrgCells: [2, SEED_ORG_CELLS],
} as const;

/** The name of one of {@link SCRIPTS}. */
export type ScriptName = keyof typeof SCRIPTS;
