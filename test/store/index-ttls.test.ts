/**
 * The lives of a token's index keys on Redis: after any sequence of mints, every index key lives
 * exactly until the latest keep-until of what it lists (for ever when one of them never expires),
 * and each expiry day bucket until its day's deadline: never shorter (an index entry would vanish
 * before its token's record), never longer (the key would outlive its purpose). Both write paths:
 * record, indexes and event in one script, and one script per key (as on Redis Cluster).
 */
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createRedisStore } from "../../src/store/redis-store.js";
import { expiryDay, expiryIndexDeadline, keepUntilOf } from "../../src/store/token-indexes.js";
import { record } from "./contract-suite.js";

const RETENTION = 500;
const RATE = { limit: 1_000_000, windowSeconds: 60 };

const arbitraryMint = fc.record({
  sub: fc.constantFrom("ann", "bob", "cy"),
  org: fc.constantFrom(undefined, "acme", "globex"),
  fam: fc.constantFrom(undefined, "fam1", "fam2"),
  // Within two days of now, so that buckets of neighbouring days take turns; or never.
  lifetime: fc.option(fc.integer({ min: 60, max: 2 * 86400 }), { nil: null }),
  withEvent: fc.boolean(),
});

/** The deadline a key must have: -1 (no TTL) when a member never ends, else the latest. */
function expectedDeadline(deadlines: readonly (number | null)[]): number {
  return deadlines.includes(null) ? -1 : Math.max(...(deadlines as number[]));
}

describe("index key lives on Redis", () => {
  const redis = new Redis(inject("redisUrl"));
  afterAll(() => redis.disconnect());

  it("each index key lives exactly as long as the latest of what it lists", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryMint, { minLength: 1, maxLength: 25 }), async (mints) => {
        const prefix = `ittl${Date.now()}-${run++}:`;
        const store = createRedisStore({ url: inject("redisUrl"), prefix });
        await store.open(64);
        const now = Math.floor(Date.now() / 1000);
        const wanted = new Map<string, (number | null)[]>();
        const want = (key: string, deadline: number | null) =>
          wanted.set(key, [...(wanted.get(key) ?? []), deadline]);
        for (const [i, mint] of mints.entries()) {
          const id = `t${i}`;
          const exp = mint.lifetime === null ? null : now + mint.lifetime;
          const token = record(id, {
            sub: mint.sub,
            fam: mint.fam ?? id,
            exp,
            ...(mint.org === undefined ? {} : { org: mint.org }),
          });
          await expect(store.reserveSubjectSlot(token, now, 1000, RETENTION, RATE)).resolves.toBe(
            "reserved",
          );
          const event = { type: "token.minted", at: now, actor: "client:test", jti: id };
          await store.saveToken(
            token,
            RETENTION,
            "active",
            mint.withEvent ? { event, maxLength: 1000 } : undefined,
          );
          const keepUntil = keepUntilOf(token, RETENTION);
          want(`${prefix}sub:{${mint.sub}}`, keepUntil);
          if (mint.fam !== undefined) want(`${prefix}fam:{${mint.fam}}`, keepUntil);
          if (mint.org !== undefined) want(`${prefix}orgsub:{${mint.org}}`, keepUntil);
          if (exp !== null) want(`${prefix}expsub:{${expiryDay(exp)}}`, expiryIndexDeadline(exp));
        }
        for (const [key, deadlines] of wanted) {
          expect({ key, deadline: Number(await redis.call("EXPIRETIME", key)) }).toEqual({
            key,
            deadline: expectedDeadline(deadlines),
          });
        }
        await store.close();
      }),
      { numRuns: 40 },
    );
  });
});
