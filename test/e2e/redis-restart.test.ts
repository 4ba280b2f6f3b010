/**
 * Faults with a Redis that persists (AOF): a revoke that answered 200 survives a Redis restart,
 * and the issuer recovers by itself without a restart of its own. A Redis that hangs is cut off
 * by the command timeout and answered with 503, not waited on.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createJsonLogger } from "../../src/logger.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import {
  createTestIssuer,
  form,
  type MintAnswer,
  type TestIssuer,
  uniquePrefix,
} from "../helpers/issuer.js";
import { type RedisProcess, startRedisServer } from "../helpers/redis-server.js";

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Only the request during a hang is under test: a busy machine may stretch a command past a short
 * timeout before it, so the mint that sets it up may try a few times.
 */
async function mintPatiently(issuer: TestIssuer): Promise<MintAnswer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await issuer.mint();
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

describe("Redis faults", () => {
  let redis: RedisProcess | undefined;
  afterAll(async () => redis?.stop());

  it("keeps a revocation across a Redis restart and recovers without restarting the issuer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tokenmint-aof-"));
    const persistent = ["--appendonly", "yes", "--appendfsync", "always", "--dir", dir];
    redis = await startRedisServer(undefined, persistent);
    // The default command timeout: every write waits for an fsync, which a busy disk can stretch.
    const store = createRedisStore({ url: redis.url, prefix: uniquePrefix() });
    const issuer = await createTestIssuer({ store });
    const keep = await issuer.mint({ name: "keep" });
    const kill = await issuer.mint({ name: "kill" });
    expect((await issuer.request("/v1/revoke", form({ token: kill.token }))).status).toBe(200);

    await redis.stop();
    const down = await issuer.request(
      "/v1/introspect",
      form({ token: keep.token }, { authorization: issuer.clientAuth }),
    );
    expect(down.status).toBe(503);

    redis = await startRedisServer(redis.port, persistent);
    const introspect = async (token: string) => {
      const response = await issuer.request(
        "/v1/introspect",
        form({ token }, { authorization: issuer.clientAuth }),
      );
      return response.status === 200 ? ((await response.json()) as { active: boolean }) : null;
    };
    await waitUntil(async () => (await introspect(keep.token)) !== null);
    expect(await introspect(keep.token)).toMatchObject({ active: true });
    expect(await introspect(kill.token)).toEqual({ active: false });
    expect((await issuer.mint({ name: "after" })).id).toBeTruthy();
    await store.close();
  });

  it("answers 503 within the command timeout when Redis hangs", async () => {
    const hanging = await startRedisServer(undefined, ["--enable-debug-command", "yes"]);
    const store = createRedisStore({ url: hanging.url, prefix: uniquePrefix(), timeoutMs: 300 });
    const issuer = await createTestIssuer({ store });
    const minted = await mintPatiently(issuer);
    const admin = new Redis(hanging.url);
    const sleeping = admin.call("DEBUG", "SLEEP", "1.5").catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await issuer.request(
      "/v1/introspect",
      form({ token: minted.token }, { authorization: issuer.clientAuth }),
    );
    // Without the 300 ms command timeout this request would wait out the 1.5 s and answer 200.
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    await sleeping;
    await waitUntil(async () => {
      const again = await issuer.request(
        "/v1/introspect",
        form({ token: minted.token }, { authorization: issuer.clientAuth }),
      );
      return again.status === 200;
    });
    admin.disconnect();
    await store.close();
    await hanging.stop();
  });

  it("warns at start-up about an evicting Redis and one without AOF", async () => {
    const evicting = await startRedisServer(undefined, ["--maxmemory-policy", "allkeys-lru"]);
    const lines: string[] = [];
    const store = createRedisStore({ url: evicting.url, prefix: uniquePrefix() });
    await createTestIssuer({ store, logger: createJsonLogger((line) => lines.push(line)) });
    const warnings = lines
      .map((line) => JSON.parse(line) as { event: string; warning?: string })
      .filter((entry) => entry.event === "store.risky_setting")
      .map((entry) => entry.warning);
    expect(warnings).toEqual([
      "maxmemory-policy is allkeys-lru: Redis may evict status lists and token records; use noeviction",
      "appendonly is off: a Redis restart loses recent revocations; use appendonly yes",
    ]);
    await store.close();
    await evicting.stop();
  });
});
