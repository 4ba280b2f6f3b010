/**
 * The Redis store's record layout (src/store/redis/token-hash.ts): a record round-trips exactly, a
 * typical one stays in Redis's compact listpack encoding even after use from five IPv6 addresses,
 * and records and indexes written by the layout before it are still read and changed correctly.
 */
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseTokenHash, tokenHashFields } from "../../src/store/redis/token-hash.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import type { TokenRecord } from "../../src/store/types.js";
import { NOW, record } from "./contract-suite.js";

const EPOCH = { id: "k3v9q2m7xa", listSize: 131072 };
const RATE = { limit: 1000, windowSeconds: 60 };
const redis = new Redis(inject("redisUrl"));
afterAll(() => redis.disconnect());

function hashOf(fields: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) hash[fields[i] as string] = fields[i + 1] as string;
  return hash;
}

const text = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
  fc
    .string({ unit: "binary", minLength: 1, maxLength: 10 })
    .filter((s) => Buffer.from(s).toString() === s), // well-formed UTF-16
);
const word = fc.stringMatching(/^[a-z_:.]{1,20}$/);
const arbitraryRecord: fc.Arbitrary<TokenRecord> = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    sub: text,
    name: text,
    description: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
    scope: fc.array(word, { minLength: 1, maxLength: 5 }),
    permissions: fc.option(fc.dictionary(word, fc.array(text, { maxLength: 3 })), {
      nil: undefined,
    }),
    org: fc.option(text, { nil: undefined }),
    cell: fc.option(text, { nil: undefined }),
    aud: fc.array(text, { minLength: 1, maxLength: 3 }),
    client_id: text,
    ownFamily: fc.boolean(),
    fam: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    kid: text,
    status: fc.oneof(
      fc.record({
        list: fc.nat(5).map((n) => `${EPOCH.id}-${n}`),
        idx: fc.nat(EPOCH.listSize - 1),
      }),
      fc.record({ list: fc.constant("zzzzzzzzzz-3"), idx: fc.nat(1000) }),
    ),
    created: fc.nat(2 ** 31),
    exp: fc.option(fc.nat(2 ** 31), { nil: null }),
  })
  .map(({ ownFamily, description, permissions, org, cell, ...rest }) => ({
    ...rest,
    fam: ownFamily ? rest.id : rest.fam,
    ...(description === undefined ? {} : { description }),
    ...(permissions === undefined ? {} : { permissions }),
    ...(org === undefined ? {} : { org }),
    ...(cell === undefined ? {} : { cell }),
  }));

describe("the Redis record layout", () => {
  it("round-trips every record exactly", () => {
    fc.assert(
      fc.property(arbitraryRecord, (original) => {
        const parsed = parseTokenHash(original.id, hashOf(tokenHashFields(original, EPOCH)), EPOCH);
        expect(parsed?.record).toEqual(original);
        expect(parsed?.state).toBe("active");
      }),
    );
  });

  it("stores and reads back every record exactly through Redis", async () => {
    const store = createRedisStore({ url: inject("redisUrl"), prefix: `trip${Date.now()}:` });
    await store.open(EPOCH.listSize);
    await fc.assert(
      fc.asyncProperty(arbitraryRecord, async (generated) => {
        // A record kept until a past instant would be gone at once (EXPIREAT in the past).
        const original = { ...generated, exp: generated.exp === null ? null : NOW + generated.exp };
        await store.saveToken(original, 60);
        expect((await store.getToken(original.id))?.record).toEqual(original);
      }),
      { numRuns: 60 },
    );
    await store.close();
  });

  it("keeps a typical record compact (listpack) through renames and use from five IPv6 addresses", async () => {
    const prefix = `layout${Date.now()}:`;
    const store = createRedisStore({ url: inject("redisUrl"), prefix });
    await store.open(131072);
    const status = await store.allocateStatus(NOW + 3600);
    const typical = record("EZ6j0s0eg2-yI7pk5urX-w", {
      sub: "user-1842",
      name: "ci laptop",
      scope: ["read_api", "read_project"],
      org: "acme",
      cell: "cell-2",
      kid: "3FdG3VicKNPWWyzLpKSYwFVe9OccYPOJYIjNr9Mwv-c",
      status,
    });
    expect(await store.reserveSubjectSlot(typical, NOW, 10, 60, RATE)).toBe("reserved");
    await store.saveToken(typical, 60);
    await store.updateTokenDetails(typical.id, { name: "renamed", description: "build agent" });
    const ips = Array.from({ length: 6 }, (_, i) => `2001:db8:ffff:ffff:ffff:ffff:ffff:${i}`);
    for (const [i, ip] of ips.entries()) await store.recordUsage(typical.id, NOW + i, ip);
    const key = `${prefix}tok:{${typical.id}}`;
    expect(await redis.object("ENCODING", key)).toBe("listpack");
    expect(await store.getToken(typical.id)).toEqual({
      record: { ...typical, name: "renamed", description: "build agent" },
      state: "active",
      lastUsedAt: NOW + 5,
      lastUsedIps: ips.slice(1).reverse(),
      rotatedTo: null,
    });
    await store.updateTokenDetails(typical.id, { description: null });
    expect((await store.getToken(typical.id))?.record).toEqual({ ...typical, name: "renamed" });
    await store.close();
  });

  it("reads and changes records and indexes of the layout before it", async () => {
    const prefix = `legacy${Date.now()}:`;
    const store = createRedisStore({ url: inject("redisUrl"), prefix });
    await store.open(8);
    const old = record("old", { org: "acme", exp: NOW + 100 });
    const { id: _id, fam: _fam, ...json } = old;
    await redis.hset(`${prefix}tok:{old}`, {
      r: JSON.stringify(json),
      s: "active",
      u: String(NOW),
      ip: JSON.stringify(["203.0.113.9"]),
      m: JSON.stringify({ name: "kept" }),
    });
    await redis.zadd(`${prefix}sub:{alice}`, NOW + 100, "old");
    await redis.zadd(`${prefix}org:{acme}`, NOW + 100, "old");
    await redis.zadd(`${prefix}exp:{${Math.floor((NOW + 100) / 86400)}}`, NOW + 100, "old");

    expect(await store.getToken("old")).toEqual({
      record: { ...old, name: "kept" },
      state: "active",
      lastUsedAt: NOW,
      lastUsedIps: ["203.0.113.9"],
      rotatedTo: null,
    });
    expect(await store.listTokenIds({ org: "acme" })).toEqual(["old"]);
    expect(await store.listExpiringIds(NOW, NOW + 100)).toEqual(["old"]);
    await store.updateTokenDetails("old", { description: "still here" });
    await store.recordUsage("old", NOW + 1, "203.0.113.10");
    expect(await store.transitionTokenState("old", ["active"], "suspended")).toBe(true);
    expect(await store.getToken("old")).toEqual({
      record: { ...old, name: "kept", description: "still here" },
      state: "suspended",
      lastUsedAt: NOW + 1,
      lastUsedIps: ["203.0.113.10", "203.0.113.9"],
      rotatedTo: null,
    });
    await store.close();
  });
});
