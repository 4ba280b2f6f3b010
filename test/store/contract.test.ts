/**
 * One contract for both stores: the memory store must behave like Redis (TTLs on the clock).
 * The Redis run uses the test run's real redis-server. The contract itself is in contract-suite.ts
 * (the Redis Cluster run in test/cluster uses it too).
 */
import { describe, expect, it } from "vitest";
import { createTestStore, STORE_KINDS, testClock } from "../helpers/issuer.js";
import { defineStoreContract, NOW, record } from "./contract-suite.js";

describe.each(STORE_KINDS)("the %s store", (kind) => {
  defineStoreContract((clock) => createTestStore(kind, clock));
});

describe("TTLs", () => {
  it("the memory store expires records and lists on the clock, like Redis TTLs", async () => {
    const clock = testClock(NOW * 1000);
    const store = createTestStore("memory", clock);
    const epoch = await store.open(8);
    const ref = await store.allocateStatus(NOW + 100);
    await store.saveToken(record("t", { exp: NOW + 40, status: ref }), 60);
    clock.advance(99);
    expect(await store.getToken("t")).not.toBeNull();
    expect(await store.getStatus(ref)).toBe(0);
    clock.advance(2);
    expect(await store.getToken("t")).toBeNull();
    expect(await store.listTokens("alice")).toEqual([]);
    // An expired list reads as revoked through getStatus and as all-valid when served.
    expect(await store.getStatus(ref)).toBe(1);
    expect(await store.readStatusList(`${epoch.id}-0`)).toEqual(new Uint8Array(2));
  });

  it("the Redis store gives records and lists TTLs that never shrink", async () => {
    const { Redis } = await import("ioredis");
    const { inject } = await import("vitest");
    const clock = testClock(Date.now());
    const prefix = `ttl${Date.now()}:`;
    const { createRedisStore } = await import("../../src/store/redis-store.js");
    const store = createRedisStore({ url: inject("redisUrl"), prefix });
    await store.open(8);
    const now = Math.floor(clock() / 1000);
    const ref = await store.allocateStatus(now + 1000);
    await store.allocateStatus(now + 500);
    await store.saveToken(record("r", { exp: now + 400, status: ref }), 100);
    await store.saveToken(record("forever", { exp: null, status: ref }), 100);
    const redis = new Redis(inject("redisUrl"));
    const listTtl = await redis.ttl(`${prefix}sl:{${ref.list}}`);
    const tokenTtl = await redis.ttl(`${prefix}tok:{r}`);
    // A list lives until the hour after its latest token's keep-until (one extension per hour).
    const listDeadline = Number(await redis.call("EXPIRETIME", `${prefix}sl:{${ref.list}}`));
    expect(listDeadline % 3600).toBe(0);
    expect(listDeadline).toBeGreaterThanOrEqual(now + 1000);
    expect(listDeadline).toBeLessThan(now + 1000 + 3600);
    expect(listTtl).toBeGreaterThan(990);
    expect(tokenTtl).toBeGreaterThan(490);
    expect(tokenTtl).toBeLessThanOrEqual(500);
    expect(await redis.ttl(`${prefix}tok:{forever}`)).toBe(-1);
    // Later tokens of the same list extend it past what this instance remembers, then for ever.
    expect((await store.allocateStatus(now + 20_000)).list).toBe(ref.list);
    const extended = Number(await redis.call("EXPIRETIME", `${prefix}sl:{${ref.list}}`));
    expect(extended).toBeGreaterThanOrEqual(now + 20_000);
    expect(extended).toBeLessThan(now + 20_000 + 3600);
    expect((await store.allocateStatus(null)).list).toBe(ref.list);
    expect(await redis.ttl(`${prefix}sl:{${ref.list}}`)).toBe(-1);
    await store.allocateStatus(now + 30_000);
    expect(await redis.ttl(`${prefix}sl:{${ref.list}}`)).toBe(-1);
    // A token that starts its own family needs no family index (only rotations add one).
    expect(await redis.exists(`${prefix}fam:{forever}`, `${prefix}fam:{r}`)).toBe(0);
    redis.disconnect();
    await store.close();
  });
});
