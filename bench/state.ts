/**
 * Issue 7, part 4: Redis bytes per live token (record + index entries + status bits, by exact
 * `MEMORY USAGE`), the status list's bits per entry before compression, and the compressed size
 * of a 1M-entry list with 1% revoked.
 * @module
 */
import { Redis } from "ioredis";
import { signStatusListToken } from "../src/status/sign-status-list.js";
import { startRedisServer } from "../test/helpers/redis-server.js";
import { createBenchContext, mintInProcess } from "./issuer-context.js";
import type { BenchOptions } from "./options.js";
import { memoryByFamily } from "./redis-memory.js";
import { type Row, row } from "./report.js";
import { benchStatusListSize } from "./status-list-size.js";

const PER_TOKEN = ["record", "subject index", "family index", "org index", "expiry index"];

/** Runs part 4 on its own Redis, or on `redisUrl` (the smoke test's) under a fresh prefix. */
export async function benchState(options: BenchOptions, redisUrl?: string): Promise<Row[]> {
  const own = redisUrl ? undefined : await startRedisServer();
  const url = redisUrl ?? (own?.url as string);
  const prefix = `state${Date.now().toString(36)}:`;
  const redis = new Redis(url);
  const ctx = await createBenchContext(url, prefix);
  try {
    const n = options.stateTokens;
    await mintInProcess(ctx, n);
    const memory = await memoryByFamily(redis, prefix);
    const ids = (await redis.keys(`${prefix}tok:*`))
      .slice(0, 200)
      .map((key) => /tok:\{(.+)\}$/.exec(key)?.[1] as string);
    const records = await Promise.all(ids.map((id) => ctx.store.getToken(id)));
    const recordJson =
      records.reduce((sum, stored) => sum + Buffer.byteLength(JSON.stringify(stored?.record)), 0) /
      ids.length;

    const listKeys = await redis.keys(`${prefix}sl:*`);
    const listBytes = (await Promise.all(listKeys.map((key) => redis.strlen(key)))).reduce(
      (a, b) => a + b,
      0,
    );
    const listSize = Number(await redis.hget(`${prefix}{meta}`, "list_size"));
    const bitsPerEntry = (listBytes * 8) / (listKeys.length * listSize);
    const listId = /sl:\{(.+)\}$/.exec(listKeys[0] ?? "")?.[1] as string;
    const listJwt = await signStatusListToken(ctx, listId);
    const servedBits = (
      JSON.parse(atob(listJwt.split(".")[1] as string)) as { status_list: { bits: number } }
    ).status_list.bits;

    const rows: Row[] = [];
    let perToken = bitsPerEntry / 8;
    for (const family of PER_TOKEN) {
      const bytes = (memory[family]?.bytes ?? 0) / n;
      perToken += bytes;
      rows.push(
        row(
          `state.redis-bytes-per-token.${family.replace(" ", "-")}`,
          bytes,
          recordJson,
          "B",
          "record JSON length",
        ),
      );
    }
    rows.unshift(
      // No target: a byte budget per token turned on the allocator's size classes.
      row("state.redis-bytes-per-token", perToken, recordJson, "B", "record JSON length"),
    );
    rows.push(
      row(
        "state.status-list.bits-per-entry",
        bitsPerEntry,
        servedBits,
        "bits",
        "`bits` of the served list",
        {
          of: "value",
          op: "<=",
          limit: 2,
        },
      ),
    );
    const audit = memory.audit;
    if (audit) {
      rows.push(
        row(
          "state.audit-bytes-per-event (capped stream)",
          audit.bytes / n,
          recordJson,
          "B",
          "record JSON length",
        ),
      );
    }
    rows.push(...(await benchStatusListSize(options)));
    return rows;
  } finally {
    await ctx.store.close();
    redis.disconnect();
    await own?.stop();
  }
}
