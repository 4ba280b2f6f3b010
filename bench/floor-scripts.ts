/**
 * The floor's mint scripts (see floor-server.ts): the least a mint writes, shared by the floor
 * server and the busy-Redis costs of `bench/mint-scripts.ts`.
 * @module
 */
export { SAVE_TOKEN as FLOOR_SAVE } from "../src/store/redis/token-scripts.js";

/** KEYS[1] the subject's mint counter, KEYS[2] its token zset; ARGV: score, token id. */
export const FLOOR_RESERVE = `
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 61)
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
return 1
`;
