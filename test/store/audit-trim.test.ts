/**
 * The capped audit stream on the test run's real redis-server: at its cap it is trimmed once per
 * 100 appends, not on every append, and never past what the consumer group has read;
 * while the group holds back what is over, appends stop trying for a moment.
 */
import { Redis } from "ioredis";
import { expect, inject, it } from "vitest";
import { createRedisStore } from "../../src/store/redis-store.js";

const url = inject("redisUrl");
const CAP = 1000; // 100 entries of slack

it("trims a stream at its cap once it is more than 100 entries over, down to the cap", async () => {
  const prefix = `trim${Date.now()}:`;
  const store = createRedisStore({ url, prefix });
  await store.open(8);
  const redis = new Redis(url);
  const stream = `${prefix}{audit}`;
  await redis.xgroup("CREATE", stream, "webhooks", "$", "MKSTREAM");
  const append = async (count: number) => {
    for (let i = 0; i < count; i++) {
      await store.appendAudit({ type: "token.minted", at: i, actor: "client:test" }, CAP);
    }
  };
  await append(CAP + 150);
  // Nothing the group has not read is trimmed, and trying again pauses for a moment.
  expect(await redis.xlen(stream)).toBe(CAP + 150);
  expect(await redis.pttl(`${stream}:trim-pause`)).toBeGreaterThan(0);
  // The group moving on ends the pause at once.
  await store.skipOutboxTo(await store.outboxEnd());
  expect(await redis.exists(`${stream}:trim-pause`)).toBe(0);
  await append(1);
  expect(await redis.xlen(stream)).toBe(CAP);
  await append(100);
  expect(await redis.xlen(stream)).toBe(CAP + 100);
  await append(1);
  expect(await redis.xlen(stream)).toBe(CAP);
  redis.disconnect();
  await store.close();
});
