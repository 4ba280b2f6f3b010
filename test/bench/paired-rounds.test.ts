/**
 * The benchmark's arithmetic for paired rounds and Redis's time by command: checked on fixed
 * figures and on a real Redis, never on speed.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRound, type KindRounds, meanRedisPerRequest } from "../../bench/kind-rounds.js";
import { median, pairedRatio } from "../../bench/paired-rounds.js";
import { CommandStats } from "../../bench/redis-commands.js";
import { type RedisProcess, startRedisServer } from "../helpers/redis-server.js";

describe("paired rounds", () => {
  it("takes the median of the rounds' ratios, not the ratio of the medians", () => {
    // Round 3 fell on a slow moment for the kind only: its ratio is the outlier the median drops.
    const paired = pairedRatio([40, 50, 45], [80, 100, 300]);
    expect(paired.ratio).toBe(0.5);
    expect(paired.over).toBe(45);
    expect(paired.under).toBe(100);
    expect(paired.spread).toBe("0.15–0.50");
  });

  it("names a single round's ratio as its spread", () => {
    expect(pairedRatio([30], [60])).toMatchObject({ ratio: 0.5, spread: "0.50" });
  });

  it("takes the upper middle of an even count, and NaN of none", () => {
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([])).toBeNaN();
  });
});

describe("a kind's rounds", () => {
  it("weigh each round's Redis CPU by the requests it served", () => {
    const rounds = new Map<string, KindRounds>();
    const run = (requests: number, server: number, redis: number) => ({
      result: { rps: requests, requests, p50: 1, p99: 2 },
      server,
      redis,
    });
    addRound(rounds, "mint", run(1000, 50, 0), run(100, 400, 80));
    addRound(rounds, "mint", run(1000, 50, 0), run(300, 400, 40));
    const mint = rounds.get("mint") as KindRounds;
    expect(mint.cpu).toEqual([400, 400]);
    expect(mint.healthzCpu).toEqual([50, 50]);
    expect(meanRedisPerRequest(mint)).toBe((100 * 80 + 300 * 40) / 400);
  });
});

describe("Redis's time per request by command", () => {
  // A server of its own: the shared one's counters move with every other test file.
  let server: RedisProcess;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it("counts the commands of a run per request, a script's time including its commands", async () => {
    const stats = new CommandStats();
    const key = `bench-commands:${Date.now()}`;
    const before = await stats.read(redis);
    for (let i = 0; i < 200; i++) {
      await redis.eval(
        "for i = 1, 20 do redis.call('ZADD', KEYS[1], i, 'm' .. i) end return 1",
        1,
        key,
      );
    }
    await stats.add(redis, before, 100);
    await redis.del(key);
    const rows = stats.rows(1000);
    const zadd = rows.find((r) => r.name === "redis.cpu.mint.zadd");
    expect(zadd?.against).toContain("40.00 calls per mint");
    const script = rows.find((r) => r.name === "redis.cpu.mint.eval");
    expect(script?.against).toContain(
      "2.00 calls per mint, the commands its scripts call included",
    );
    expect(script?.value).toBeGreaterThan(zadd?.value ?? Number.POSITIVE_INFINITY);
    const outside = rows.find((r) => r.name === "redis.cpu.mint.outside-scripts");
    expect(outside?.value).toBeCloseTo(1000 - (script?.value ?? 0), 5);
  });
});
