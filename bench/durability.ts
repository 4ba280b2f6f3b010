/**
 * Issue 21: what waiting for a replica costs a revocation. One primary with one replica (both
 * local, so the figure is the wait's own overhead, not a network's); the same revocation code
 * (`getToken` + `changeTokenState`, as `POST /v1/revoke` after the JWT check) with `auto` (waits
 * for the replica) against `REDIS_WAIT_REPLICAS=0` (the old behaviour), one at a time for the p99
 * and 16 in flight for the rate. Information rows: no target.
 * @module
 */
import { Redis } from "ioredis";
import type { IssuerContext } from "../src/context.js";
import { changeTokenState } from "../src/tokens/token-state.js";
import { startRedisServer } from "../test/helpers/redis-server.js";
import { createBenchContext, mintInProcess } from "./issuer-context.js";
import type { BenchOptions } from "./options.js";
import { type Row, row } from "./report.js";

const CHANGE = { actor: "client:bench", reason: "bench", quiet: true } as const;

async function revokeOne(ctx: IssuerContext, id: string): Promise<void> {
  const stored = await ctx.store.getToken(id);
  if (stored) await changeTokenState(ctx, stored, "revoked", CHANGE);
}

/** Revokes `ids` with `inFlight` callers; returns revocations per second and each one's ms. */
async function revokeAll(ctx: IssuerContext, ids: readonly string[], inFlight: number) {
  const durations: number[] = [];
  let next = 0;
  const start = performance.now();
  async function worker(): Promise<void> {
    while (next < ids.length) {
      const id = ids[next++] as string;
      const t = performance.now();
      await revokeOne(ctx, id);
      durations.push(performance.now() - t);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  const perSecond = ids.length / ((performance.now() - start) / 1000);
  durations.sort((a, b) => a - b);
  const p99 = durations[Math.min(durations.length - 1, Math.floor(durations.length * 0.99))] ?? 0;
  return { perSecond, p99 };
}

/** Mints `count` tokens on `ctx` and returns their ids. */
async function mintIds(ctx: IssuerContext, redis: Redis, prefix: string, count: number) {
  await mintInProcess(ctx, count);
  const keys = await redis.keys(`${prefix}tok:*`);
  return keys.map((key) => /tok:\{(.+)\}$/.exec(key)?.[1] as string);
}

/** Runs the durability part on its own primary and replica. */
export async function benchDurability(options: BenchOptions): Promise<Row[]> {
  const primary = await startRedisServer();
  const replica = await startRedisServer(undefined, [
    "--replicaof",
    "127.0.0.1",
    String(primary.port),
  ]);
  const redis = new Redis(primary.url);
  const count = options.quick ? 400 : 3000;
  const contexts: IssuerContext[] = [];
  try {
    while (!(await redis.info("replication")).includes("state=online")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const measure = async (waitReplicas: "auto" | 0, inFlight: number) => {
      const prefix = `dur${waitReplicas}${inFlight}${Date.now().toString(36)}:`;
      const ctx = await createBenchContext(primary.url, prefix, { waitReplicas });
      contexts.push(ctx);
      const ids = await mintIds(ctx, redis, prefix, count);
      // Warm-up: connections, scripts, the replica count.
      await revokeAll(ctx, ids.slice(0, 20), 1);
      return revokeAll(ctx, ids.slice(20), inFlight);
    };
    const rows: Row[] = [];
    for (const inFlight of [1, 16]) {
      const none = await measure(0, inFlight);
      const wait = await measure("auto", inFlight);
      const label = inFlight === 1 ? "sequential" : `${inFlight} in flight`;
      rows.push(
        row(
          `durability.revocations-per-s, wait for 1 replica (${label})`,
          wait.perSecond,
          none.perSecond,
          "/s",
          "no wait (REDIS_WAIT_REPLICAS=0)",
        ),
        row(
          `durability.revocation-p99, wait for 1 replica (${label})`,
          wait.p99,
          none.p99,
          "ms",
          "no wait (REDIS_WAIT_REPLICAS=0)",
        ),
      );
    }
    return rows;
  } finally {
    for (const ctx of contexts) await ctx.store.close();
    redis.disconnect();
    await replica.stop();
    await primary.stop();
  }
}
