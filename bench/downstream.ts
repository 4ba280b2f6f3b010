/**
 * Issue 7, part 2: a Hono endpoint behind `requireToken` versus the same endpoint with no
 * authentication, in paired rounds, under autocannon (2 workers, 64 connections), the server in
 * its own process; and (issue 10) the same protected request sent through the cell router (a
 * third process) versus directly. Issue 20: the same endpoint behind an opaque token looked up in
 * Redis by its SHA-256 on every request, against `requireToken` cold (no verified-token cache)
 * and warm. The downstream server is pinned to its own core, the load generator and Redis to the
 * other; the router is not.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { startRedisServer } from "../test/helpers/redis-server.js";
import { type ChildServer, startChild } from "./child.js";
import { OTHER_CORES, PINNED, pin, redisPid, SERVER_CORE, unpinSelf } from "./cpu.js";
import { medianOf } from "./kind-rounds.js";
import { type LoadResult, load } from "./load.js";
import type { BenchOptions } from "./options.js";
import { pairedRatio } from "./paired-rounds.js";
import { type Row, row, type Target } from "./report.js";

/** Runs part 2. */
export async function benchDownstream(options: BenchOptions): Promise<Row[]> {
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url);
  const child = await startChild(
    "bench/downstream-server.ts",
    { REDIS_URL: redisServer.url },
    /READY .*\n/,
  );
  const { port, jwk, tokens } = JSON.parse(child.banner.slice(6)) as {
    port: number;
    jwk: unknown;
    tokens: string[];
  };
  let router: ChildServer | undefined;
  try {
    // As many opaque tokens as signed ones, each stored under its SHA-256 (as GitLab stores PATs).
    const exp = Math.floor(Date.now() / 1000) + 86400;
    const opaqueTokens = tokens.map(() => `glpat-${randomBytes(20).toString("base64url")}`);
    for (const [i, token] of opaqueTokens.entries()) {
      const digest = createHash("sha256").update(token).digest("hex");
      const record = { sub: `user-${i}`, scope: ["read_api", "read_project"], exp };
      await redis.set(`pat:${digest}`, JSON.stringify(record));
    }
    router = await startChild(
      "bench/router-server.ts",
      { CELL_URL: `http://127.0.0.1:${port}`, JWK: JSON.stringify(jwk) },
      /READY \d+\n/,
    );
    const routerPort = Number(router.banner.slice(6));
    // Pinned after the router starts, so the router (a child of this process) is not.
    pin(process.pid, OTHER_CORES);
    pin(await redisPid(redis), OTHER_CORES);
    pin(child.process.pid, SERVER_CORE);
    const base = `http://127.0.0.1:${port}`;
    // Both endpoints get byte-identical requests (the open one ignores the header), so the ratio
    // is the cost of authentication, not of sending and parsing a 700-byte header.
    const withTokens = (path: string) =>
      tokens.map((token) => ({ path, headers: { authorization: `Bearer ${token}` } }));
    const open = withTokens("/open");
    const protectedRequests = withTokens("/protected");
    const coldRequests = withTokens("/protected-cold");
    const opaqueRequests = opaqueTokens.map((token) => ({
      path: "/opaque",
      headers: { authorization: `Bearer ${token}` },
    }));
    if (options.warmupSeconds > 0) {
      for (const requests of [open, protectedRequests, coldRequests, opaqueRequests])
        await load(base, requests, options.warmupSeconds);
    }
    // Paired rounds of the open endpoint, the opaque lookup, cold and warm: each ratio is the
    // median of the rounds' (the speed of these shared cores drifts within a run).
    const openRounds: LoadResult[] = [];
    const opaque: number[] = [];
    const cold: number[] = [];
    const warmRounds: LoadResult[] = [];
    for (let round = 0; round < options.cpuRounds; round++) {
      openRounds.push(await load(base, open, options.cpuRoundSeconds));
      opaque.push((await load(base, opaqueRequests, options.cpuRoundSeconds)).rps);
      cold.push((await load(base, coldRequests, options.cpuRoundSeconds)).rps);
      warmRounds.push(await load(base, protectedRequests, options.cpuRoundSeconds));
    }
    const warm = warmRounds.map((result) => result.rps);
    const rounds = `median of ${options.cpuRounds} paired rounds`;
    /** A throughput row of `measured` against `baseline`, round by round. */
    const pairedRow = (
      name: string,
      measured: readonly number[],
      baseline: readonly number[],
      against: string,
      target?: Target,
    ) => {
      const paired = pairedRatio(measured, baseline);
      const text = `${against}, ${rounds} (${paired.spread})`;
      return row(name, paired.ratio * paired.under, paired.under, "req/s", text, target);
    };
    const opaqueLookup = `opaque token + Redis lookup${PINNED ? ", server pinned" : ""}`;
    // Issue 10: the same protected request, directly and through the cell router.
    const direct = await load(base, protectedRequests, options.loadSeconds);
    const routed = await load(
      `http://127.0.0.1:${routerPort}`,
      protectedRequests,
      options.loadSeconds,
    );
    return [
      pairedRow("downstream.vs-opaque-lookup.cold", cold, opaque, opaqueLookup),
      pairedRow("downstream.vs-opaque-lookup.warm", warm, opaque, opaqueLookup, {
        of: "ratio",
        op: ">=",
        limit: 1.5,
      }),
      row("router.added-latency.p50", routed.p50 - direct.p50, direct.p50, "ms", "direct p50"),
      row("router.added-latency.p99", routed.p99 - direct.p99, direct.p99, "ms", "direct p99"),
      row("router.throughput", routed.rps, direct.rps, "req/s", "direct to the cell"),
      pairedRow(
        "downstream.ES256.requireToken-warm",
        warm,
        openRounds.map((result) => result.rps),
        "same endpoint, no auth",
        { of: "ratio", op: ">=", limit: 0.9 },
      ),
      ...(["p50", "p99"] as const).map((figure) =>
        row(
          `downstream.ES256.requireToken-warm.${figure}`,
          medianOf(warmRounds, figure),
          medianOf(openRounds, figure),
          "ms",
          `no auth ${figure}, medians of the same rounds`,
        ),
      ),
    ];
  } finally {
    unpinSelf();
    await router?.stop();
    await child.stop();
    redis.disconnect();
    await redisServer.stop();
  }
}
