/**
 * Status indexes handed out from blocks reserved ahead (a server's Redis store), on the test run's
 * real redis-server: never one index twice across instances, nothing shared with the pending
 * lists, a new block when the epoch changes; and the signing gate's epoch check, which is what
 * still stops a mint on a store whose data was lost while an instance holds a block.
 */
import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { StoreUnavailable } from "../../src/errors.js";
import { createSequenceBlocks } from "../../src/store/redis/sequence-blocks.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import { mintOpening } from "./contract-suite.js";

const url = inject("redisUrl");
const NOW = Math.floor(Date.now() / 1000);

describe("status blocks on Redis", () => {
  it("never hands out one index twice across instances sharing a store", async () => {
    const prefix = `blocks${Date.now()}:`;
    const stores = [1, 2, 3].map(() => createRedisStore({ url, prefix, statusBlock: 4 }));
    for (const store of stores) await store.open(8);
    const refs = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (stores[i % stores.length] as (typeof stores)[number]).allocateStatus(NOW + 60),
      ),
    );
    const keys = refs.map((ref) => `${ref.list}#${ref.idx}`);
    expect(new Set(keys).size).toBe(60);
    // Pending entries still come one at a time from their own lists.
    const pending = await (stores[0] as (typeof stores)[number]).allocateStatus(
      NOW + 60,
      "pending",
    );
    expect(pending.list).toMatch(/-p0$/);
    // Each list an index points at exists in Redis, created at full length.
    const redis = new Redis(url);
    for (const list of new Set(refs.map((ref) => ref.list))) {
      expect(await redis.strlen(`${prefix}sl:{${list}}`)).toBe(2);
    }
    redis.disconnect();
    await Promise.all(stores.map((store) => store.close()));
  });

  it("a store whose epoch copy is gone or another stops the signing gate", async () => {
    const prefix = `gate${Date.now()}:`;
    const store = createRedisStore({ url, prefix, statusBlock: 4 });
    await store.open(8);
    await store.addKey(
      { kid: "k1", alg: "ES256", state: "active", publicJwk: {}, privateJwe: "x", createdAt: NOW },
      false,
    );
    expect(await store.noteKeyUse("k1", NOW + 60)).toBe(true);
    const redis = new Redis(url);
    await redis.set(`${prefix}{keys}:epoch`, "another00");
    await expect(store.noteKeyUse("k1", NOW + 60)).rejects.toThrow(StoreUnavailable);
    await redis.del(`${prefix}{keys}:epoch`);
    await expect(store.noteKeyUse("k1", NOW + 60)).rejects.toThrow(/data was lost/);
    // A mint's first round trip stops at the gate: nothing counted, no place reserved.
    await expect(store.openMint(mintOpening("t1", NOW))).rejects.toThrow(/data was lost/);
    expect(await redis.exists(`${prefix}sub:{alice}`)).toBe(0);
    expect(await redis.keys(`${prefix}rl:*`)).toEqual([]);
    redis.disconnect();
    await store.close();
  });
});

describe("sequence blocks", () => {
  it("fetches the next block ahead, once, and drops a block of another epoch", async () => {
    const reserved: [string, number][] = [];
    let counter = 0;
    const blocks = createSequenceBlocks(4, async (epoch, count) => {
      reserved.push([epoch, count]);
      counter += count;
      return counter;
    });
    const first = await Promise.all(Array.from({ length: 6 }, () => blocks.next("e1")));
    expect(first).toEqual([1, 2, 3, 4, 5, 6]);
    // The first block, then one fetched ahead once fewer than half of it were left.
    expect(reserved).toEqual([
      ["e1", 4],
      ["e1", 4],
    ]);
    expect(await blocks.next("e2")).toBe(9);
    expect(reserved.at(-1)).toEqual(["e2", 4]);
  });

  it("passes on a failed reservation to the caller and tries again on the next call", async () => {
    let fail = true;
    const blocks = createSequenceBlocks(4, async () => {
      if (fail) throw new Error("down");
      return 4;
    });
    await expect(blocks.next("e1")).rejects.toThrow("down");
    fail = false;
    expect(await blocks.next("e1")).toBe(1);
  });
});
