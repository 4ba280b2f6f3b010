/**
 * The issuer over HTTP with real Redis (issues 7 and 20). In one run, JWKS, status list,
 * introspect, list and mint, each right after a `/healthz` run (its baseline): the issuer's CPU
 * time per request (issuer pinned to its own core, load and Redis on the other; `bench/cpu.ts`)
 * and Redis's per mint, with requests per second and p50/p99 beside them; and the sequential
 * Redis round trips a mint waits for (`bench/redis-exchanges.ts`).
 * @module
 */
import { Redis } from "ioredis";
import { freePort, startRedisServer } from "../test/helpers/redis-server.js";
import { startChild } from "./child.js";
import {
  cpuPerRequest,
  OTHER_CORES,
  PINNED,
  pin,
  redisPid,
  SERVER_CORE,
  unpinSelf,
} from "./cpu.js";
import {
  type BenchIssuer,
  FLOOR_TOKENS,
  mintBody,
  mintOverHttp,
  startIssuer,
} from "./issuer-process.js";
import { type LoadRequest, type LoadResult, load } from "./load.js";
import type { BenchOptions } from "./options.js";
import { startExchangeCounter } from "./redis-exchanges.js";
import { type Row, row } from "./report.js";

/** The request shapes of each measured endpoint. */
export function endpointRequests(issuer: BenchIssuer, tokens: readonly string[]) {
  const payload = JSON.parse(atob((tokens[0] as string).split(".")[1] as string)) as {
    status: { status_list: { uri: string } };
  };
  const listPath = new URL(payload.status.status_list.uri).pathname;
  return {
    mint: Array.from({ length: 64 }, (_, i) => ({
      method: "POST",
      path: "/v1/tokens",
      headers: { authorization: issuer.auth, "content-type": "application/json" },
      body: mintBody(i),
    })) satisfies LoadRequest[],
    introspect: tokens.map((token) => ({
      method: "POST",
      path: "/v1/introspect",
      headers: { authorization: issuer.auth, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    })) satisfies LoadRequest[],
    jwks: [{ path: "/.well-known/jwks.json" }],
    "status list": [{ path: listPath }],
  } as Record<string, LoadRequest[]>;
}

/**
 * Issue 20's targets: `/healthz` CPU per request ÷ the request's (so 0.5 = twice `/healthz`).
 * Throughput and latency are reported beside them, without targets.
 */
const CPU_TARGETS: Record<string, number> = {
  jwks: 0.9,
  "status list": 0.9,
  introspect: 0.5,
  list: 0.5,
  mint: 0.25,
};
/** Redis CPU per mint (µs) and the sequential Redis exchanges a mint waits for. */
const REDIS_CPU_PER_MINT = 40;
const EXCHANGES_PER_MINT = 3;
/** The order of the CPU run: `/healthz` (warmed up here, then run before each kind), mint last. */
const ORDER = ["healthz", "jwks", "status list", "introspect", "list", "mint"] as const;

/** Measures one endpoint right after /healthz; both with the same load settings. */
export async function versusHealthz(
  base: string,
  requests: LoadRequest[],
  options: BenchOptions,
): Promise<{ result: LoadResult; healthz: LoadResult }> {
  const healthzRequests = [{ path: "/healthz" }];
  if (options.warmupSeconds > 0) {
    await load(base, healthzRequests, options.warmupSeconds);
    await load(base, requests, options.warmupSeconds);
  }
  const healthz = await load(base, healthzRequests, options.loadSeconds);
  const result = await load(base, requests, options.loadSeconds);
  return { result, healthz };
}

/**
 * Sequential Redis round trips per mint, counted by a proxy between a second issuer process and
 * Redis (`bench/redis-exchanges.ts`), one mint at a time, after a warm-up. The issuer's own
 * background work (key refresh, delivery passes) is counted over as long again with no request
 * and taken off, so the figure is what a mint waits for.
 */
export async function exchangesPerMint(
  redisPort: number,
  mints: number,
  checkout?: string,
): Promise<number> {
  const counter = await startExchangeCounter(redisPort);
  const issuer = await startIssuer(
    counter.url,
    checkout ? "exchanges-before:" : "exchanges:",
    checkout,
  );
  try {
    await mintOverHttp(issuer, 16, 1);
    const before = counter.exchanges();
    const started = performance.now();
    await mintOverHttp(issuer, mints, 1);
    const during = counter.exchanges() - before;
    const elapsed = performance.now() - started;
    const idleBefore = counter.exchanges();
    await new Promise((resolve) => setTimeout(resolve, elapsed));
    const background = counter.exchanges() - idleBefore;
    return (during - background) / mints;
  } finally {
    await issuer.stop();
    await counter.close();
  }
}

/**
 * One issuer under load (this checkout's, or `checkout`'s): its own redis-server, 320 tokens (five
 * per subject), the requests of each kind, and CPU per request of a load run.
 */
export async function prepareIssuer(options: BenchOptions, checkout?: string) {
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url);
  const issuer = await startIssuer(redisServer.url, "bench:", checkout);
  pin(await redisPid(redis), OTHER_CORES);
  pin(issuer.pid, SERVER_CORE);
  // Five tokens for each of the 64 subjects: what a list answers, and what introspect presents.
  const tokens = await mintOverHttp(issuer, 5 * 64);
  const endpoints: Record<string, LoadRequest[]> = {
    healthz: [{ path: "/healthz" }],
    ...endpointRequests(issuer, tokens),
    list: Array.from({ length: 64 }, (_, i) => ({
      path: `/v1/tokens?subject=user-${i}`,
      headers: { authorization: issuer.auth },
    })),
  };
  return {
    redisServer,
    redis,
    async warmUp(name: string) {
      if (options.warmupSeconds > 0)
        await load(issuer.url, endpoints[name] ?? [], options.warmupSeconds);
    },
    measure: (name: string) =>
      cpuPerRequest(issuer.pid, redis, () =>
        load(issuer.url, endpoints[name] ?? [], options.loadSeconds),
      ),
    async stop() {
      redis.disconnect();
      await issuer.stop();
      await redisServer.stop();
    },
  };
}

type Measured = Awaited<ReturnType<Awaited<ReturnType<typeof prepareIssuer>>["measure"]>>;

/** The kinds the floor server answers (`bench/floor-server.ts`). */
const FLOOR_KINDS: ReadonlySet<string> = new Set(["introspect", "list", "mint"]);

/**
 * The floor server on `redis` (its keys under `floor:`), pinned like the issuer, with the same
 * request shapes as the issuer's (the same headers; its own token names).
 */
async function startFloor(redis: Redis, redisUrl: string, options: BenchOptions) {
  const port = await freePort();
  const child = await startChild(
    "bench/floor-server.ts",
    { PORT: String(port), REDIS_URL: redisUrl },
    /floor listening on .*\n/,
  );
  const pid = child.process.pid as number;
  pin(pid, SERVER_CORE);
  const url = `http://127.0.0.1:${port}`;
  const auth = { authorization: "Basic Zmxvb3I6ZmxvOg==" };
  const endpoints: Record<string, LoadRequest[]> = {
    healthz: [{ path: "/healthz" }],
    introspect: Array.from({ length: FLOOR_TOKENS }, (_, i) => ({
      method: "POST",
      path: "/v1/introspect",
      headers: { ...auth, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: `floor-${i}` }).toString(),
    })),
    list: Array.from({ length: 64 }, (_, i) => ({
      path: `/v1/tokens?subject=user-${i}`,
      headers: auth,
    })),
    mint: Array.from({ length: 64 }, (_, i) => ({
      method: "POST",
      path: "/v1/tokens",
      headers: { ...auth, "content-type": "application/json" },
      body: mintBody(i),
    })),
  };
  return {
    async warmUp(name: string) {
      if (options.warmupSeconds > 0) await load(url, endpoints[name] ?? [], options.warmupSeconds);
    },
    measure: (name: string) =>
      cpuPerRequest(pid, redis, () => load(url, endpoints[name] ?? [], options.loadSeconds)),
    stop: () => child.stop(),
  };
}

/**
 * Runs the issuer part: CPU per request of each kind, throughput and latency beside it. With
 * `options.before`, that checkout's issuer (on a redis-server of its own, pinned the same way) is
 * measured right after this one for each kind, and `*.vs-before` rows compare the two.
 */
export async function benchIssuerHttp(options: BenchOptions): Promise<Row[]> {
  pin(process.pid, OTHER_CORES);
  const current = await prepareIssuer(options);
  const before =
    options.before === undefined ? undefined : await prepareIssuer(options, options.before);
  const issuers = before ? [current, before] : [current];
  const floor = await startFloor(current.redis, current.redisServer.url, options);
  try {
    await floor.warmUp("healthz");
    // Warm-ups first, except mint's: it adds tokens, so it runs after the list is measured.
    for (const name of ORDER) {
      if (name !== "mint") for (const each of issuers) await each.warmUp(name);
    }
    const measured: Record<string, { kind: Measured; healthz: Measured }>[] = issuers.map(
      () => ({}),
    );
    const floorMeasured: Record<string, { kind: Measured; healthz: Measured }> = {};
    for (const name of ORDER.slice(1)) {
      for (const [i, each] of issuers.entries()) {
        if (name === "mint") await each.warmUp(name);
        // /healthz right before each kind: a shared machine's speed drifts by a quarter over a
        // run, two adjacent load runs much less, so each ratio is taken against its own /healthz.
        const healthz = await each.measure("healthz");
        (measured[i] as (typeof measured)[number])[name] = {
          healthz,
          kind: await each.measure(name),
        };
      }
      if (FLOOR_KINDS.has(name)) {
        await floor.warmUp(name);
        floorMeasured[name] = {
          healthz: await floor.measure("healthz"),
          kind: await floor.measure(name),
        };
      }
    }
    const pinned = PINNED ? "issuer pinned" : "not pinned: 1 core";
    const rows: Row[] = [];
    const now = measured[0] as (typeof measured)[number];
    const then = measured[1];
    for (const name of ORDER.slice(1)) {
      const { kind: m, healthz } = now[name] as (typeof now)[string];
      const slug = name.replace(" ", "-");
      // Requests per CPU-second of the issuer (1e6 ÷ µs per request), so ratio = healthz CPU ÷
      // this request's CPU, as the targets are written.
      const us = (cpu: number) => `${Math.round(cpu)}`;
      rows.push(
        row(
          `issuer.cpu.${slug}`,
          1e6 / m.server,
          1e6 / healthz.server,
          "req/CPU-s",
          `/healthz just before; µs/req ${us(m.server)} vs ${us(healthz.server)}, ${pinned}`,
          { of: "ratio", op: ">=", limit: CPU_TARGETS[name] ?? 1 },
        ),
        row(`issuer.${slug}`, m.result.rps, healthz.result.rps, "req/s", "/healthz"),
        row(`issuer.${slug}.p50`, m.result.p50, healthz.result.p50, "ms", "/healthz p50"),
        row(`issuer.${slug}.p99`, m.result.p99, healthz.result.p99, "ms", "/healthz p99"),
      );
      const floorRun = floorMeasured[name];
      if (floorRun) {
        // The issuer's /healthz plus what the floor spends above its own: the CPU this request
        // would cost the issuer if it did nothing the request does not need.
        const best = healthz.server + floorRun.kind.server - floorRun.healthz.server;
        rows.push(
          row(
            `floor.cpu.${slug}`,
            1e6 / best,
            1e6 / healthz.server,
            "req/CPU-s",
            `the issuer's /healthz; floor µs/req ${us(best)} (its own: ${us(floorRun.kind.server)} vs /healthz ${us(floorRun.healthz.server)})`,
          ),
          row(
            `issuer.cpu.${slug}.vs-floor`,
            1e6 / m.server,
            1e6 / best,
            "req/CPU-s",
            `the floor; µs/req ${us(m.server)} vs ${us(best)}`,
          ),
        );
      }
      const earlier = then?.[name];
      if (earlier) {
        // Each side as a multiple of its own /healthz just before it; ratio < 1: less CPU now.
        const multiple = (x: { kind: Measured; healthz: Measured }) =>
          x.kind.server / x.healthz.server;
        rows.push(
          row(
            `issuer.cpu.${slug}.vs-before`,
            multiple(now[name] as (typeof now)[string]),
            multiple(earlier),
            "× /healthz CPU",
            `the --before checkout's, measured right after; µs/req ${us(m.server)} vs ${us(earlier.kind.server)}`,
          ),
        );
      }
    }
    const mint = (now.mint as (typeof now)[string]).kind;
    rows.push(
      row("redis.cpu.mint", mint.redis, mint.server, "µs", "issuer CPU per mint", {
        of: "value",
        op: "<=",
        limit: REDIS_CPU_PER_MINT,
      }),
    );
    const earlierMint = then?.mint?.kind;
    if (earlierMint) {
      rows.push(
        row(
          "redis.cpu.mint.vs-before",
          mint.redis,
          earlierMint.redis,
          "µs",
          "the --before checkout's Redis CPU per mint",
        ),
      );
    }
    unpinSelf();
    const exchanges = await exchangesPerMint(current.redisServer.port, options.quick ? 50 : 200);
    rows.push(
      row("redis.exchanges.mint", exchanges, 1, "round trips", "one pipelined exchange", {
        of: "value",
        op: "<=",
        limit: EXCHANGES_PER_MINT,
      }),
    );
    if (options.before !== undefined) {
      const earlier = await exchangesPerMint(
        current.redisServer.port,
        options.quick ? 50 : 200,
        options.before,
      );
      rows.push(
        row(
          "redis.exchanges.mint.vs-before",
          exchanges,
          earlier,
          "round trips",
          "the --before checkout's round trips per mint",
        ),
      );
    }
    return rows;
  } finally {
    unpinSelf();
    await floor.stop();
    for (const each of issuers) await each.stop();
  }
}
