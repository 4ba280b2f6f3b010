/**
 * The floor's mint scripts (see floor-server.ts) and the record a benchmark mint writes: the least
 * a mint writes, shared by the floor server and the busy-Redis costs of `bench/mint-scripts.ts`;
 * and the bare commands of a mint's guarantees in one script, a lower bound for a mint that keeps
 * them (`bench/mint-scripts.ts`).
 * @module
 */
import type { Redis } from "ioredis";
import type { StoreEpoch, TokenRecord } from "../src/store/records.js";
import { tokenHashFields } from "../src/store/redis/token-hash.js";
import { SAVE_TOKEN } from "../src/store/redis/token-scripts.js";

/** A Lua script defined as an ioredis command: its keys, then its arguments. */
export type ScriptCommand = (...args: (string | number)[]) => Promise<unknown>;

/** Defines `lua` on `redis` as the command `name` and returns it, bound to `redis`. */
export function defineScript(
  redis: Redis,
  name: string,
  lua: string,
  numberOfKeys?: number,
): ScriptCommand {
  redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
  return ((redis as unknown as Record<string, ScriptCommand>)[name] as ScriptCommand).bind(redis);
}

/** The floor's token hash of token `id`. */
export function floorTokenKey(id: string): string {
  return `floor:tok:{${id}}`;
}

/** What varies between the benchmark's token records besides the token's number. */
export interface BenchRecordContext {
  readonly kid: string;
  readonly epochId: string;
  readonly created: number;
  readonly exp: number;
}

/**
 * Token number `i`'s record (id `id`, subject `sub`): the shape the bench issuer's mints have, in
 * one of ten orgs and three cells.
 */
export function benchRecord(
  i: number,
  id: string,
  sub: string,
  context: BenchRecordContext,
): TokenRecord {
  return {
    id,
    sub,
    name: "ci laptop",
    scope: ["read_api", "read_project"],
    org: `org${i % 10}`,
    cell: `cell-${i % 3}`,
    aud: ["https://api.bench"],
    client_id: "bench",
    fam: id,
    kid: context.kid,
    status: { list: `${context.epochId}-0`, idx: i % 65_536 },
    created: context.created,
    exp: context.exp,
    kind: "pat",
  };
}

/** KEYS[1] the subject's mint counter, KEYS[2] its token zset; ARGV: score, token id. */
const FLOOR_RESERVE = `
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 61)
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1
`;

/** The floor's mint, its two round trips: what the floor server and the busy-Redis part send. */
export interface FloorMint {
  /** Counts subject `sub`'s mint and adds token `id`, scored `score`, to its index. */
  reserve(sub: string, score: number, id: string): Promise<unknown>;
  /** Writes `record` (`SAVE_TOKEN`), kept until `deadline` (Unix seconds). */
  save(record: TokenRecord, deadline: number, epoch: StoreEpoch): Promise<unknown>;
}

/**
 * The floor's mint scripts, defined on `redis`.
 *
 * @example
 * ```ts
 * const mint = floorMint(redis);
 * await mint.reserve(record.sub, now, record.id);
 * await mint.save(record, deadline, epoch);
 * ```
 */
export function floorMint(redis: Redis): FloorMint {
  const reserve = defineScript(redis, "floorReserve", FLOOR_RESERVE, 2);
  const save = defineScript(redis, "floorSave", SAVE_TOKEN, 1);
  return {
    reserve: (sub, score, id) => reserve(`floor:mints:{${sub}}`, `floor:sub:{${sub}}`, score, id),
    save: (record, deadline, epoch) =>
      save(floorTokenKey(record.id), String(deadline), ...tokenHashFields(record, epoch)),
  };
}

/**
 * The command each of a mint's guarantees needs at the least, in one script and one round trip,
 * without the bookkeeping that makes them hold over time: the signing gate as one `HMGET` of a
 * small hash (no latest `exp` kept for key retirement), the client's and subject's rate counters,
 * the subject's live count and slot (expired entries never dropped), the record, the org and
 * expiry indexes, and the audit event (`XADD … MAXLEN ~`, trimmed past undelivered webhook
 * events). KEYS: gate hash (`epoch`, kid → `active`), client counter, subject counter, subject
 * zset, token hash, org set, expiry set, audit stream. ARGV: kid, epoch, now, token id, exp,
 * deadline, subject, the number n of record strings, those strings, the event JSON, the stream
 * length to keep. Returns the event's stream id; an error when the gate refuses, 0 at the live limit.
 */
export const BARE_GUARANTEES = `
local gate = redis.call('HMGET', KEYS[1], 'epoch', ARGV[1])
if gate[1] ~= ARGV[2] or gate[2] ~= 'active' then return redis.error_reply('GATE') end
if redis.call('INCR', KEYS[2]) == 1 then redis.call('EXPIRE', KEYS[2], 61) end
if redis.call('INCR', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], 61) end
if redis.call('ZCOUNT', KEYS[4], '(' .. ARGV[3], '+inf') >= 1000000 then return 0 end
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[4])
redis.call('EXPIREAT', KEYS[4], ARGV[6], 'GT')
local n = tonumber(ARGV[8])
redis.call('HSET', KEYS[5], unpack(ARGV, 9, 8 + n))
redis.call('EXPIREAT', KEYS[5], ARGV[6])
redis.call('SADD', KEYS[6], ARGV[7])
redis.call('EXPIREAT', KEYS[6], ARGV[6], 'GT')
redis.call('SADD', KEYS[7], ARGV[7])
return redis.call('XADD', KEYS[8], 'MAXLEN', '~', ARGV[10 + n], '*', 'e', ARGV[9 + n])
`;
