/**
 * Keeps the benchmark from rotting: a tiny run of its in-process parts (the verifier comparison
 * for one algorithm, the Redis state figures on the test run's Redis) must produce well-formed
 * rows with finite values. Speed is never asserted here; `npm run bench` measures it.
 */
import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { startChild } from "../../bench/child.js";
import { processCpuMicros, redisCpuMicros } from "../../bench/cpu.js";
import { mintBody } from "../../bench/issuer-process.js";
import { benchMintScripts } from "../../bench/mint-scripts.js";
import { SMOKE } from "../../bench/options.js";
import { startExchangeCounter } from "../../bench/redis-exchanges.js";
import { formatTable, type Row } from "../../bench/report.js";
import { benchState } from "../../bench/state.js";
import { benchVerifier } from "../../bench/verifier.js";
import { freePort } from "../helpers/redis-server.js";

function expectWellFormed(rows: readonly Row[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    expect(Object.keys(r).sort()).toEqual(
      ["against", "baseline", "holds", "name", "ratio", "target", "unit", "value"].sort(),
    );
    expect(r.name).toMatch(/^[a-z]+\./);
    expect(Number.isFinite(r.value) && r.value >= 0).toBe(true);
    expect(Number.isFinite(r.baseline) && r.baseline > 0).toBe(true);
    expect(r.ratio).toBeCloseTo(r.value / r.baseline, 10);
    expect(r.holds === null).toBe(r.target === null);
  }
  expect(formatTable(rows).split("\n")).toHaveLength(rows.length + 2);
}

describe("the benchmark harness (smoke run)", () => {
  it("compares the verifiers on the same ES256 tokens", async () => {
    const rows = await benchVerifier(SMOKE, ["ES256"]);
    expectWellFormed(rows);
    expect(rows.map((r) => r.name)).toContain("verify.ES256.seq.tokenmint-cold");
    expect(rows.map((r) => r.name)).toContain("verify.ES256.c64.tokenmint-warm");
  });

  it("measures Redis bytes per token and the compressed status list", async () => {
    const rows = await benchState(SMOKE, inject("redisUrl"));
    expectWellFormed(rows);
    expect(rows.map((r) => r.name)).toContain("state.redis-bytes-per-token");
    expect(rows.find((r) => r.name === "state.status-list.bits-per-entry")?.baseline).toBe(2);
  });

  it("runs the floor server: the issuer's answers in shape, from real Redis reads and writes", async () => {
    const port = await freePort();
    const floor = await startChild(
      "bench/floor-server.ts",
      { PORT: String(port), REDIS_URL: inject("redisUrl") },
      /floor listening on .*\n/,
    );
    const url = `http://127.0.0.1:${port}`;
    try {
      const introspected = await fetch(`${url}/v1/introspect`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "token=floor-67",
      });
      expect(await introspected.json()).toMatchObject({
        active: true,
        sub: "user-3",
        jti: "floor-67",
      });
      const listed = (await (await fetch(`${url}/v1/tokens?subject=user-3`)).json()) as {
        tokens: { id: string }[];
      };
      expect(listed.tokens.map((token) => token.id)).toEqual(
        [3, 67, 131, 195, 259].map((i) => `floor-${i}`),
      );
      const minted = await fetch(`${url}/v1/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: mintBody(5),
      });
      expect(minted.status).toBe(201);
      const { id, token } = (await minted.json()) as { id: string; token: string };
      const payload = JSON.parse(
        atob((token.split(".")[1] as string).replace(/-/g, "+").replace(/_/g, "/")),
      );
      expect(payload).toMatchObject({ sub: "user-5", jti: id });
      const redis = new Redis(inject("redisUrl"));
      expect(await redis.hget(`floor:tok:{${id}}`, "sub")).toBe("user-5");
      redis.disconnect();
      const refused = await fetch(`${url}/v1/tokens`, { method: "POST", body: "{}" });
      expect(refused.status).toBe(400);
    } finally {
      await floor.stop();
    }
  });

  it("counts sequential Redis round trips: a pipeline or a parallel pair is one", async () => {
    const counter = await startExchangeCounter(Number(new URL(inject("redisUrl")).port));
    const a = new Redis(counter.url);
    const b = new Redis(counter.url);
    try {
      await Promise.all([a.ping(), b.ping()]);
      let before = counter.exchanges();
      await a.set("bench-smoke:x", "1");
      await a.get("bench-smoke:x");
      await a.del("bench-smoke:x");
      expect(counter.exchanges() - before).toBe(3);
      before = counter.exchanges();
      await a.pipeline().set("bench-smoke:x", "1").get("bench-smoke:x").del("bench-smoke:x").exec();
      expect(counter.exchanges() - before).toBe(1);
      before = counter.exchanges();
      await Promise.all([a.ping(), b.ping()]);
      expect(counter.exchanges() - before).toBe(1);
    } finally {
      a.disconnect();
      b.disconnect();
      await counter.close();
    }
  });

  it("replays a mint's scripts on a busy Redis: a whole mint costs it more than the floor's", async () => {
    const rows = await benchMintScripts(SMOKE);
    expectWellFormed(rows);
    const value = (name: string) => rows.find((r) => r.name === `redis.busy.${name}`)?.value ?? 0;
    expect(value("mint")).toBeGreaterThan(value("floor"));
    expect(value("script.empty-60-args")).toBeGreaterThan(value("script.empty"));
    expect(value("bare-guarantees")).toBeGreaterThan(value("script.empty"));
  });

  it("reads a process's CPU time and redis-server's", async () => {
    const redis = new Redis(inject("redisUrl"));
    try {
      expect(processCpuMicros(process.pid)).toBeGreaterThan(0);
      expect(await redisCpuMicros(redis)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});
