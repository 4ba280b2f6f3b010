/**
 * The floor's mint scripts (see floor-server.ts) and the record a benchmark mint writes: the least
 * a mint writes, shared by the floor server and the busy-Redis costs of `bench/mint-scripts.ts`.
 * @module
 */
import type { TokenRecord } from "../src/store/records.js";

export { SAVE_TOKEN as FLOOR_SAVE } from "../src/store/redis/token-scripts.js";

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
export const FLOOR_RESERVE = `
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 61)
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1
`;
