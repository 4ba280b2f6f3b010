/**
 * The Lua scripts of a token's record and indexes (see tokens.ts). Like every script of the store,
 * each touches keys of one hash tag only.
 * @module
 */
import { COUNT_HIT, KEEP_UNTIL, NOTE_KEY_USE } from "./scripts.js";
import { AUDIT_APPEND } from "./webhook-scripts.js";

/** The writes of a new token's record and indexes, as Lua functions the scripts below share. */
const TOKEN_WRITES = `${KEEP_UNTIL}
local function save_token(key, deadline, fields)
  redis.call('HSET', key, unpack(fields))
  keep_until(key, 0, deadline)
end
local function index_token(key, id, score, deadline)
  local existed = redis.call('EXISTS', key)
  redis.call('ZADD', key, score, id)
  keep_until(key, existed, deadline)
end
local function index_member(key, member, deadline)
  local existed = 1
  if redis.call('SADD', key, member) == 1 and redis.call('SCARD', key) == 1 then existed = 0 end
  keep_until(key, existed, deadline)
end
-- A day bucket's deadline follows from its day, the same for every member: set when it is made.
local function index_bucket(key, member, deadline)
  if redis.call('SADD', key, member) == 1 then redis.call('EXPIREAT', key, deadline, 'NX') end
end
`;

/** KEYS[1] token hash; ARGV: deadline, then the record's field/value pairs (see token-hash.ts). */
export const SAVE_TOKEN = `${TOKEN_WRITES}
save_token(KEYS[1], ARGV[1], { unpack(ARGV, 2) })
return 1
`;

/** KEYS[1] an index zset; ARGV: token id, score (exp or +inf), deadline. */
export const INDEX_TOKEN = `${TOKEN_WRITES}
index_token(KEYS[1], ARGV[1], ARGV[2], ARGV[3])
return 1
`;

/**
 * KEYS[1] an index set (of subjects); ARGV: member, deadline, then `bucket` for a day bucket
 * (whose deadline is the same for every member) or nothing.
 */
export const INDEX_MEMBER = `${TOKEN_WRITES}
if ARGV[3] == 'bucket' then
  index_bucket(KEYS[1], ARGV[1], ARGV[2])
else
  index_member(KEYS[1], ARGV[1], ARGV[2])
end
return 1
`;

/**
 * A minted token's record, its indexes and then its audit event in one script, where the keys may
 * be written together (a single Redis or Sentinel; on Redis Cluster the scripts above run one by
 * one and the event is appended after them). KEYS (count first): the token hash, one key per
 * index, then the audit stream and its trim pause. ARGV: the record's deadline, the number of
 * record field/value strings and those strings, the number of indexes and for each its kind
 * (`token`, `member` or `bucket`), member, score (`token` only) and deadline, then the event JSON
 * and the stream length to keep. Returns the event's stream id.
 */
export const SAVE_MINTED = `${TOKEN_WRITES}${AUDIT_APPEND}
local n = tonumber(ARGV[2])
save_token(KEYS[1], ARGV[1], { unpack(ARGV, 3, 2 + n) })
local i = 3 + n
local indexes = tonumber(ARGV[i])
i = i + 1
for k = 1, indexes do
  if ARGV[i] == 'token' then
    index_token(KEYS[1 + k], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  elseif ARGV[i] == 'bucket' then
    index_bucket(KEYS[1 + k], ARGV[i + 1], ARGV[i + 2])
    i = i + 3
  else
    index_member(KEYS[1 + k], ARGV[i + 1], ARGV[i + 2])
    i = i + 3
  end
end
return append_audit(KEYS[2 + indexes], KEYS[3 + indexes], ARGV[i], tonumber(ARGV[i + 1]))
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

/**
 * KEYS: token hashes (any number; the caller passes the count first). Each record as
 * {@link READ_TOKEN} answers it, "" where there is none: a whole list in one exchange where the
 * keys may be read together (not on Redis Cluster, where each lives in its own slot).
 */
export const READ_TOKENS = `
local records = {}
for i = 1, #KEYS do
  local fields = redis.call('HGETALL', KEYS[i])
  records[i] = #fields == 0 and '' or cjson.encode(fields)
end
return records
`;

/**
 * KEYS[1] token hash, KEYS[2] its status list; ARGV[1] the offset of the byte holding its entry.
 * { the record as {@link READ_TOKEN} answers it or "", that byte or -1 when the list is gone }:
 * what introspection needs, in one command where both keys may be read together (not on Redis
 * Cluster).
 */
export const READ_TOKEN_WITH_STATUS = `
local fields = redis.call('HGETALL', KEYS[1])
local byte = redis.call('GETRANGE', KEYS[2], ARGV[1], ARGV[1])
return { #fields == 0 and '' or cjson.encode(fields), #byte == 1 and string.byte(byte) or -1 }
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
 * KEYS[1] subject zset, KEYS[2] the subject's mint counter of this window; ARGV: id, score, now,
 * max live, drop-before, deadline, mints allowed per window, counter TTL. Counts the mint, then
 * adds the token unless the subject is over its rate or already has `max live` entries scored
 * after `now`: 1 added, 0 at the live limit, -1 over the rate (nothing reserved).
 */
export const RESERVE_SUBJECT_SLOT = `${KEEP_UNTIL}
local hits = redis.call('INCR', KEYS[2])
if hits == 1 then redis.call('EXPIRE', KEYS[2], ARGV[8]) end
if hits > tonumber(ARGV[7]) then return -1 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5])
local live = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[3], '+inf')
if live >= tonumber(ARGV[4]) then return 0 end
local existed = live > 0 and 1 or redis.call('EXISTS', KEYS[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
keep_until(KEYS[1], existed, ARGV[6])
return 1
`;

/**
 * A mint's first round trip in one script, where its keys may be touched together (a single Redis
 * or Sentinel): the signing gate (`NOTE_KEY_USE`, KEYS[1..3], ARGV[1..3]), then the client's rate
 * counter (`COUNT_HIT`, KEYS[4], ARGV[4]) and the subject's rate and slot
 * (`RESERVE_SUBJECT_SLOT`, KEYS[5..6], ARGV[5..12]), each script run as it runs alone. A gate
 * error (the epoch is lost) ends it before anything is counted. Returns { gate, hits, slot }.
 */
export const OPEN_MINT = `
local function note_key_use(KEYS, ARGV)
${NOTE_KEY_USE}
end
local function count_hit(KEYS, ARGV)
${COUNT_HIT}
end
local function reserve_subject_slot(KEYS, ARGV)
${RESERVE_SUBJECT_SLOT}
end
local gate = note_key_use({ KEYS[1], KEYS[2], KEYS[3] }, { ARGV[1], ARGV[2], ARGV[3] })
if type(gate) == 'table' then return gate end
local hits = count_hit({ KEYS[4] }, { ARGV[4] })
local slot = reserve_subject_slot({ KEYS[5], KEYS[6] }, { unpack(ARGV, 5, 12) })
return { gate, hits, slot }
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
 * KEYS[1] token hash; ARGV: to (active or revoked), the decision as JSON (field `ad`). Decides a
 * pending token only (1 decided, 0 not pending).
 */
export const DECIDE_APPROVAL = `
if redis.call('HGET', KEYS[1], 's') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 's', ARGV[1], 'ad', ARGV[2])
return 1
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

/** KEYS[1] an activity bucket; ARGV: token id, at, deadline. Keeps the latest `at` per token. */
export const NOTE_ACTIVITY = `${KEEP_UNTIL}
local existed = redis.call('EXISTS', KEYS[1])
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
keep_until(KEYS[1], existed, ARGV[3])
return 1
`;

/** KEYS[1] an activity bucket; ARGV: token id, at. Removes the entry only while it is still `at`. */
export const DROP_IDLE_ENTRY = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
`;
