/**
 * One contract for both stores: the memory store must behave like Redis (TTLs on the clock).
 * The Redis run uses the test run's real redis-server.
 */
import { describe, expect, it } from "vitest";
import { readStatusBits } from "../../src/status/bits.js";
import type { StoredKey, TokenRecord } from "../../src/store/types.js";
import { TokenStatus } from "../../src/store/types.js";
import { createTestStore, STORE_KINDS, testClock } from "../helpers/issuer.js";

const NOW = Math.floor(testClock()() / 1000);

function record(id: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id,
    sub: "alice",
    name: id,
    scope: ["read_api"],
    aud: ["https://api.test"],
    client_id: "platform",
    fam: id,
    kid: "k1",
    status: { list: "x", idx: 0 },
    created: NOW,
    exp: NOW + 3600,
    ...overrides,
  };
}

function key(kid: string, state: StoredKey["state"]): StoredKey {
  return { kid, alg: "ES256", state, publicJwk: { kty: "EC" }, privateJwe: "jwe", createdAt: NOW };
}

describe.each(STORE_KINDS)("the %s store", (kind) => {
  async function openStore(listSize = 8) {
    const clock = testClock();
    const store = createTestStore(kind, clock);
    const epoch = await store.open(listSize);
    return { store, clock, epoch };
  }

  it("keeps one epoch and list size once opened", async () => {
    const { store, epoch } = await openStore(8);
    expect(epoch.id).toMatch(/^[a-z0-9]{10}$/);
    expect(await store.open(16)).toEqual({ id: epoch.id, listSize: 8 });
    await store.ping();
    await store.close();
  });

  it("never hands out one status index twice, and starts a new list when one is full", async () => {
    const { store, epoch } = await openStore(8);
    const refs = await Promise.all(
      Array.from({ length: 20 }, () => store.allocateStatus(NOW + 60)),
    );
    const seen = new Set(refs.map((ref) => `${ref.list}#${ref.idx}`));
    expect(seen.size).toBe(20);
    const lists = [...new Set(refs.map((ref) => ref.list))].sort();
    expect(lists).toEqual([`${epoch.id}-0`, `${epoch.id}-1`, `${epoch.id}-2`]);
    expect(refs.every((ref) => ref.idx >= 0 && ref.idx < 8)).toBe(true);
    await store.close();
  });

  it("sets and reads 2-bit statuses, and serves the packed list least significant bits first", async () => {
    const { store, epoch } = await openStore(8);
    const refs = [];
    for (let i = 0; i < 6; i++) refs.push(await store.allocateStatus(NOW + 60));
    await store.setStatus(refs[1]!, TokenStatus.revoked);
    await store.setStatus(refs[2]!, TokenStatus.suspended);
    await store.setStatus(refs[5]!, TokenStatus.revoked);
    expect(await store.getStatus(refs[0]!)).toBe(0);
    expect(await store.getStatus(refs[1]!)).toBe(1);
    expect(await store.getStatus(refs[2]!)).toBe(2);
    const bytes = await store.readStatusList(`${epoch.id}-0`);
    // idx1=01, idx2=10 → byte0 = 0b00_10_01_00 = 0x24; idx5=01 → byte1 = 0b00_00_01_00 = 0x04
    expect(bytes && [...bytes]).toEqual([0x24, 0x04]);
    expect([0, 1, 2, 3, 4, 5].map((i) => readStatusBits(bytes!, i))).toEqual([0, 1, 2, 0, 0, 1]);
    await store.setStatus(refs[2]!, TokenStatus.valid);
    expect(await store.getStatus(refs[2]!)).toBe(0);
    await store.close();
  });

  it("answers null for lists that were never allocated or belong to another epoch", async () => {
    const { store, epoch } = await openStore(8);
    await store.allocateStatus(NOW + 60);
    expect(await store.readStatusList(`${epoch.id}-1`)).toBeNull();
    expect(await store.readStatusList("aaaaaaaaaa-0")).toBeNull();
    expect(await store.readStatusList("../../etc")).toBeNull();
    await store.close();
  });

  it("saves, lists and updates token records, newest first, with usage", async () => {
    const { store } = await openStore();
    for (const saved of [
      record("a", { created: NOW - 10 }),
      record("b"),
      record("c", { sub: "bob" }),
    ]) {
      expect(await store.reserveSubjectSlot(saved, NOW, 10, 60)).toBe(true);
      await store.saveToken(saved, 60);
    }
    expect((await store.listTokens("alice")).map((t) => t.record.id)).toEqual(["b", "a"]);
    await store.setTokenState(record("a"), "revoked", NOW);
    await store.recordUsage("a", NOW + 5, "203.0.113.1");
    await store.recordUsage("a", NOW + 6, "203.0.113.2");
    await store.recordUsage("a", NOW + 7, "203.0.113.1");
    await store.recordUsage("a", NOW + 1, undefined);
    expect(await store.getToken("a")).toEqual({
      record: record("a", { created: NOW - 10 }),
      state: "revoked",
      lastUsedAt: NOW + 7,
      lastUsedIps: ["203.0.113.1", "203.0.113.2"],
      rotatedTo: null,
    });
    expect(await store.getToken("missing")).toBeNull();
    await store.setTokenState(record("missing"), "revoked", NOW);
    expect(await store.getToken("missing")).toBeNull();
    await store.close();
  });

  it("limits live tokens per subject; revoked and expired ones stop counting", async () => {
    const { store } = await openStore();
    const a = record("a");
    const b = record("b");
    const c = record("c", { exp: NOW + 10 });
    expect(await store.reserveSubjectSlot(a, NOW, 2, 60)).toBe(true);
    expect(await store.reserveSubjectSlot(b, NOW, 2, 60)).toBe(true);
    expect(await store.reserveSubjectSlot(c, NOW, 2, 60)).toBe(false);
    expect(await store.reserveSubjectSlot(record("bobs", { sub: "bob" }), NOW, 2, 60)).toBe(true);
    await store.saveToken(a, 60);
    await store.setTokenState(a, "revoked", NOW);
    expect(await store.reserveSubjectSlot(c, NOW, 2, 60)).toBe(true);
    expect(await store.reserveSubjectSlot(record("d"), NOW, 2, 60)).toBe(false);
    // c expires at NOW + 10: later it no longer counts
    expect(await store.reserveSubjectSlot(record("d"), NOW + 11, 2, 60)).toBe(true);
    // a ended at NOW: 61 s later (past the 60 s retention) it leaves the index; c (NOW + 10) not yet
    await store.reserveSubjectSlot(record("e"), NOW + 61, 9, 60);
    expect((await store.listTokenIds({ subject: "alice" })).sort()).toEqual(["b", "c", "d", "e"]);
    await store.close();
  });

  it("indexes tokens by family, org and expiry day", async () => {
    const { store } = await openStore();
    await store.saveToken(record("f1", { fam: "f1", org: "acme", exp: NOW + 100 }), 60);
    await store.saveToken(record("f2", { fam: "f1", org: "acme", exp: NOW + 86400 * 3 }), 60);
    await store.saveToken(record("g1", { fam: "g1", exp: null }), 60);
    expect((await store.listTokenIds({ family: "f1" })).sort()).toEqual(["f1", "f2"]);
    expect((await store.listTokenIds({ org: "acme" })).sort()).toEqual(["f1", "f2"]);
    expect(await store.listTokenIds({ org: "none" })).toEqual([]);
    expect(await store.listExpiringIds(NOW, NOW + 100)).toEqual(["f1"]);
    expect(await store.listExpiringIds(NOW + 100, NOW + 86400 * 4)).toEqual(["f2"]);
    expect(await store.listExpiringIds(NOW + 86400 * 3, NOW + 86400 * 5)).toEqual([]);
    await store.close();
  });

  it("moves a token's state only from the expected states (compare-and-set)", async () => {
    const { store } = await openStore();
    await store.saveToken(record("t"), 60);
    const results = await Promise.all([
      store.transitionTokenState("t", ["active"], "rotated", "n1"),
      store.transitionTokenState("t", ["active"], "rotated", "n2"),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await store.getToken("t");
    expect(after?.state).toBe("rotated");
    expect(after?.rotatedTo).toBe(results[0] ? "n1" : "n2");
    expect(await store.transitionTokenState("t", ["active", "suspended"], "revoked")).toBe(false);
    expect(await store.transitionTokenState("missing", ["active"], "revoked")).toBe(false);
    await store.close();
  });

  it("claims once, counts hits per window, and keeps a capped, paginated audit stream", async () => {
    const { store } = await openStore();
    expect(await store.claimOnce("notice:x", 60)).toBe(true);
    expect(await store.claimOnce("notice:x", 60)).toBe(false);
    expect(await store.countHit("mint:alice", NOW, 60)).toBe(1);
    expect(await store.countHit("mint:alice", NOW, 60)).toBe(2);
    expect(await store.countHit("mint:bob", NOW, 60)).toBe(1);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await store.appendAudit({ type: `e${i}`, at: NOW + i, actor: "test" }, 1000));
    }
    const firstPage = await store.readAudit({ count: 2 });
    expect(firstPage.map((e) => e.type)).toEqual(["e4", "e3"]);
    expect(firstPage[0]).toEqual({ type: "e4", at: NOW + 4, actor: "test", id: ids[4] });
    const secondPage = await store.readAudit({ before: firstPage[1]!.id, count: 2 });
    expect(secondPage.map((e) => e.type)).toEqual(["e2", "e1"]);
    await store.close();
  });

  it("keeps only the last five distinct IPs", async () => {
    const { store } = await openStore();
    await store.saveToken(record("ips"), 60);
    for (let i = 1; i <= 7; i++) await store.recordUsage("ips", NOW + i, `198.51.100.${i}`);
    expect((await store.getToken("ips"))?.lastUsedIps).toEqual([
      "198.51.100.7",
      "198.51.100.6",
      "198.51.100.5",
      "198.51.100.4",
      "198.51.100.3",
    ]);
    await store.close();
  });

  it("adds keys, and adds an 'only if none is active' key once", async () => {
    const { store } = await openStore();
    expect(await store.addKey(key("k1", "active"), true)).toBe(true);
    expect(await store.addKey(key("k2", "active"), true)).toBe(false);
    expect(await store.addKey(key("k1", "next"), false)).toBe(false);
    expect(await store.addKey(key("k3", "next"), false)).toBe(true);
    await store.putKey(key("k1", "retired"));
    const keys = (await store.listKeys()).map((k) => `${k.kid}:${k.state}`).sort();
    expect(keys).toEqual(["k1:retired", "k3:next"]);
    await store.close();
  });
});

describe("TTLs", () => {
  it("the memory store expires records and lists on the clock, like Redis TTLs", async () => {
    const clock = testClock();
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
    expect(listTtl).toBeGreaterThan(990);
    expect(listTtl).toBeLessThanOrEqual(1000);
    expect(tokenTtl).toBeGreaterThan(490);
    expect(tokenTtl).toBeLessThanOrEqual(500);
    expect(await redis.ttl(`${prefix}tok:{forever}`)).toBe(-1);
    expect(await redis.ttl(`${prefix}fam:{forever}`)).toBe(-1);
    expect(await redis.ttl(`${prefix}fam:{r}`)).toBe(tokenTtl);
    redis.disconnect();
    await store.close();
  });
});
