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
  BENCH_SUBJECTS,
  type BenchIssuer,
  FLOOR_TOKENS,
  mintBody,
  mintOverHttp,
  startIssuer,
} from "./issuer-process.js";
import { addRound, type KindRounds, meanRedisPerRequest, medianOf } from "./kind-rounds.js";
import { type LoadRequest, type LoadResult, load } from "./load.js";
import type { BenchOptions } from "./options.js";
import { median, pairedRatio } from "./paired-rounds.js";
import { CommandStats } from "./redis-commands.js";
import { startExchangeCounter } from "./redis-exchanges.js";
import { type Row, row } from "./report.js";

/**
 * The requests of the kinds the floor answers too, with the `authorization` header `auth`:
 * introspect presenting each of `presented`, a list for each of the 64 subjects, a mint for each.
 */
function kindRequests(auth: string, presented: readonly string[]): Record<string, LoadRequest[]> {
  return {
    mint: Array.from({ length: BENCH_SUBJECTS }, (_, i) => ({
      method: "POST",
      path: "/v1/tokens",
      headers: { authorization: auth, "content-type": "application/json" },
      body: mintBody(i),
    })),
    introspect: presented.map((token) => ({
      method: "POST",
      path: "/v1/introspect",
      headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }).toString(),
    })),
    list: Array.from({ length: BENCH_SUBJECTS }, (_, i) => ({
      path: `/v1/tokens?subject=user-${i}`,
      headers: { authorization: auth },
    })),
  };
}

/** The request shapes of each measured endpoint. */
export function endpointRequests(
  issuer: BenchIssuer,
  tokens: readonly string[],
): Record<string, LoadRequest[]> {
  const payload = JSON.parse(atob((tokens[0] as string).split(".")[1] as string)) as {
    status: { status_list: { uri: string } };
  };
  const listPath = new URL(payload.status.status_list.uri).pathname;
  return {
    healthz: [{ path: "/healthz" }],
    ...kindRequests(issuer.auth, tokens),
    jwks: [{ path: "/.well-known/jwks.json" }],
    "status list": [{ path: listPath }],
  };
}

/**
 * Warm-up and measured load runs of `endpoints` on the server at `url` (process `pid`), with CPU
 * per request of it and of Redis.
 */
function loadTarget(
  url: string,
  pid: number,
  redis: Redis,
  endpoints: Record<string, LoadRequest[]>,
  options: BenchOptions,
) {
  return {
    async warmUp(name: string) {
      if (options.warmupSeconds > 0) await load(url, endpoints[name] ?? [], options.warmupSeconds);
    },
    measure: (name: string) =>
      cpuPerRequest(pid, redis, () => load(url, endpoints[name] ?? [], options.loadSeconds)),
  };
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
  const issuer = await startIssuer(redisServer.url, "bench:", checkout, options.metrics);
  pin(await redisPid(redis), OTHER_CORES);
  pin(issuer.pid, SERVER_CORE);
  // Five tokens for each of the 64 subjects: what a list answers, and what introspect presents.
  const tokens = await mintOverHttp(issuer, 5 * BENCH_SUBJECTS);
  return {
    redisServer,
    redis,
    ...loadTarget(issuer.url, issuer.pid, redis, endpointRequests(issuer, tokens), options),
    async stop() {
      redis.disconnect();
      await issuer.stop();
      await redisServer.stop();
    },
  };
}

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
  const floorTokens = Array.from({ length: FLOOR_TOKENS }, (_, i) => `floor-${i}`);
  const endpoints: Record<string, LoadRequest[]> = {
    healthz: [{ path: "/healthz" }],
    ...kindRequests("Basic Zmxvb3I6ZmxvOg==", floorTokens),
  };
  return {
    ...loadTarget(`http://127.0.0.1:${port}`, pid, redis, endpoints, options),
    stop: () => child.stop(),
  };
}

/**
 * Runs the issuer part: CPU per request of each kind, throughput and latency beside it, in
 * `options.cpuRounds` paired rounds (`/healthz`, then the kind; then the floor's pair where there
 * is a floor) of `options.cpuRoundSeconds` each. With `options.before`, that checkout's issuer (on
 * a redis-server of its own, pinned the same way) is measured in each round right after this one,
 * and `*.vs-before` rows compare the two.
 */
export async function benchIssuerHttp(options: BenchOptions): Promise<Row[]> {
  pin(process.pid, OTHER_CORES);
  const roundOptions = { ...options, loadSeconds: options.cpuRoundSeconds };
  const current = await prepareIssuer(roundOptions);
  const before =
    options.before === undefined ? undefined : await prepareIssuer(roundOptions, options.before);
  const issuers = before ? [current, before] : [current];
  const floor = await startFloor(current.redis, current.redisServer.url, roundOptions);
  try {
    await floor.warmUp("healthz");
    // Warm-ups first, except mint's: it adds tokens, so it runs after the list is measured.
    for (const name of ORDER) {
      if (name !== "mint") for (const each of issuers) await each.warmUp(name);
    }
    const measured = issuers.map(() => new Map<string, KindRounds>());
    const floorMeasured = new Map<string, KindRounds>();
    const mintCommands = new CommandStats();
    for (const name of ORDER.slice(1)) {
      if (name === "mint") for (const each of issuers) await each.warmUp(name);
      if (FLOOR_KINDS.has(name)) await floor.warmUp(name);
      for (let round = 0; round < options.cpuRounds; round++) {
        for (const [i, each] of issuers.entries()) {
          const healthz = await each.measure("healthz");
          const before = i === 0 && name === "mint" ? await mintCommands.read(each.redis) : null;
          const kind = await each.measure(name);
          if (before) await mintCommands.add(each.redis, before, kind.result.requests);
          addRound(measured[i] as Map<string, KindRounds>, name, healthz, kind);
        }
        if (FLOOR_KINDS.has(name)) {
          const healthz = await floor.measure("healthz");
          addRound(floorMeasured, name, healthz, await floor.measure(name));
        }
      }
    }
    const pinned = PINNED ? "issuer pinned" : "not pinned: 1 core";
    const rows: Row[] = [];
    const now = measured[0] as Map<string, KindRounds>;
    const then = measured[1];
    const us = (cpu: number) => `${Math.round(cpu)}`;
    const paired = `median of ${options.cpuRounds} paired rounds`;
    for (const name of ORDER.slice(1)) {
      const rounds = now.get(name) as KindRounds;
      const cpu = pairedRatio(rounds.healthzCpu, rounds.cpu);
      const slug = name.replace(" ", "-");
      // Requests per CPU-second at the median /healthz CPU, so ratio = /healthz CPU ÷ this
      // request's CPU, as the targets are written.
      const healthzRate = 1e6 / cpu.over;
      rows.push(
        row(
          `issuer.cpu.${slug}`,
          cpu.ratio * healthzRate,
          healthzRate,
          "req/CPU-s",
          `/healthz just before, ${paired} (${cpu.spread}); µs/req ${us(cpu.under)} vs ${us(cpu.over)}, ${pinned}`,
          { of: "ratio", op: ">=", limit: CPU_TARGETS[name] ?? 1 },
        ),
        ...(["rps", "p50", "p99"] as const).map((figure) =>
          row(
            figure === "rps" ? `issuer.${slug}` : `issuer.${slug}.${figure}`,
            medianOf(rounds.results, figure),
            medianOf(rounds.healthzResults, figure),
            figure === "rps" ? "req/s" : "ms",
            figure === "rps" ? "/healthz" : `/healthz ${figure}`,
          ),
        ),
      );
      const floorRounds = floorMeasured.get(name);
      if (floorRounds) {
        // Per round, the issuer's /healthz plus what the floor spends above its own: the CPU this
        // request would cost the issuer if it did nothing the request does not need.
        const best = floorRounds.cpu.map(
          (kind, i) =>
            (rounds.healthzCpu[i] as number) + kind - (floorRounds.healthzCpu[i] as number),
        );
        const atFloor = pairedRatio(rounds.healthzCpu, best);
        const vsFloor = pairedRatio(best, rounds.cpu);
        rows.push(
          row(
            `floor.cpu.${slug}`,
            atFloor.ratio * healthzRate,
            healthzRate,
            "req/CPU-s",
            `the issuer's /healthz, ${paired} (${atFloor.spread}); floor µs/req ${us(atFloor.under)} (its own: ${us(median(floorRounds.cpu))} vs /healthz ${us(median(floorRounds.healthzCpu))})`,
          ),
          row(
            `issuer.cpu.${slug}.vs-floor`,
            vsFloor.ratio,
            1,
            "× floor speed",
            `the floor, ${paired} (${vsFloor.spread}); µs/req ${us(cpu.under)} vs ${us(vsFloor.over)}`,
          ),
        );
      }
      const earlier = then?.get(name);
      if (earlier) {
        // Each side as a multiple of its own /healthz just before it; ratio < 1: less CPU now.
        const multiple = (x: KindRounds) => 1 / pairedRatio(x.healthzCpu, x.cpu).ratio;
        rows.push(
          row(
            `issuer.cpu.${slug}.vs-before`,
            multiple(rounds),
            multiple(earlier),
            "× /healthz CPU",
            `the --before checkout's, measured right after in each round; µs/req ${us(cpu.under)} vs ${us(median(earlier.cpu))}`,
          ),
        );
      }
    }
    const mintRounds = now.get("mint") as KindRounds;
    const redisPerMint = median(mintRounds.redis);
    rows.push(
      row(
        "redis.cpu.mint",
        redisPerMint,
        median(mintRounds.cpu),
        "µs",
        `issuer CPU per mint; ${paired}`,
        { of: "value", op: "<=", limit: REDIS_CPU_PER_MINT },
      ),
      // Over every round, as the command statistics are: the mean, not the median.
      ...mintCommands.rows(meanRedisPerRequest(mintRounds)),
      row(
        "floor.redis.cpu.mint",
        median((floorMeasured.get("mint") as KindRounds).redis),
        redisPerMint,
        "µs",
        `the issuer's Redis CPU per mint; the floor's two scripts (count the mint and reserve the slot, write the record), ${paired}`,
      ),
    );
    const earlierMint = then?.get("mint");
    if (earlierMint) {
      rows.push(
        row(
          "redis.cpu.mint.vs-before",
          redisPerMint,
          median(earlierMint.redis),
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
