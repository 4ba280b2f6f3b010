/**
 * Issue 7, part 5: mint and introspect throughput over HTTP and Redis memory as the issuer goes
 * from 10 thousand to 1 million issued tokens. Between sizes the state is written by the fast path
 * of `bench/fill.ts`; at each size the real server is measured with autocannon, `/healthz` first,
 * and (issue 20) the issuer's CPU per mint and per introspection as multiples of `/healthz`'s,
 * pinned as in `bench/cpu.ts`.
 * @module
 */
import { Redis } from "ioredis";
import { startRedisServer } from "../test/helpers/redis-server.js";
import {
  cpuPerRequest,
  OTHER_CORES,
  PINNED,
  pin,
  redisPid,
  SERVER_CORE,
  unpinSelf,
} from "./cpu.js";
import { fillTokens, openFillStore } from "./fill.js";
import { endpointRequests, versusHealthz } from "./issuer-http.js";
import { mintOverHttp, startIssuer } from "./issuer-process.js";
import { load } from "./load.js";
import type { BenchOptions } from "./options.js";
import { usedMemory } from "./redis-memory.js";
import { type Row, row } from "./report.js";

const FLAT = { of: "ratio", op: ">=", limit: 0.8 } as const;

function label(n: number): string {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n);
}

/** Runs part 5. */
export async function benchScale(
  options: BenchOptions,
  log: (line: string) => void = () => {},
): Promise<Row[]> {
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url);
  const prefix = "scale:";
  const issuer = await startIssuer(redisServer.url, prefix);
  const fill = await openFillStore(redisServer.url, prefix);
  try {
    pin(process.pid, OTHER_CORES);
    pin(await redisPid(redis), OTHER_CORES);
    pin(issuer.pid, SERVER_CORE);
    const emptyMemory = await usedMemory(redis);
    const issued = async () => Number((await redis.hget(`${prefix}{meta}`, "seq")) ?? 0);
    const rows: Row[] = [];
    let first:
      | { mint: number; introspect: number; bytes: number; mintCpu: number; introspectCpu: number }
      | undefined;
    for (const size of options.scaleSizes) {
      const missing = size - (await issued());
      const started = performance.now();
      if (missing > 0) await fillTokens(fill, missing, await issued());
      log(
        `scale: filled to ${label(size)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const count = await issued();
      const bytes = ((await usedMemory(redis)) - emptyMemory) / count;
      const tokens = await mintOverHttp(issuer, 64);
      const endpoints = endpointRequests(issuer, tokens);
      const mint = await versusHealthz(issuer.url, endpoints.mint ?? [], options);
      const introspect = await versusHealthz(issuer.url, endpoints.introspect ?? [], options);
      // Issue 20: the issuer's CPU per mint and per introspection (pinned, after the runs above
      // warmed it up), each as a multiple of /healthz's CPU measured just before it, against the
      // same at the first size: sizes are minutes apart, over which a shared machine's speed
      // drifts by a quarter, while two adjacent runs drift much less.
      const cpu = async (requests: typeof endpoints.mint) =>
        (
          await cpuPerRequest(issuer.pid, undefined, () =>
            load(issuer.url, requests ?? [], options.loadSeconds),
          )
        ).server;
      const HEALTHZ = [{ path: "/healthz" }];
      const mintHealthz = await cpu(HEALTHZ);
      const mintCpu = (await cpu(endpoints.mint)) / mintHealthz;
      const introspectHealthz = await cpu(HEALTHZ);
      const introspectCpu = (await cpu(endpoints.introspect)) / introspectHealthz;
      const relMint = mint.result.rps / mint.healthz.rps;
      const relIntrospect = introspect.result.rps / introspect.healthz.rps;
      first ??= { mint: relMint, introspect: relIntrospect, bytes, mintCpu, introspectCpu };
      const at = label(size);
      const base = label(options.scaleSizes[0] ?? 0);
      const target = size === options.scaleSizes[0] ? undefined : FLAT;
      const pinned = PINNED ? ", issuer pinned" : "";
      rows.push(
        row(
          `scale.cpu.mint@${at}`,
          1 / mintCpu,
          1 / first.mintCpu,
          "healthz CPU ÷ CPU",
          `mint@${base}; CPU per mint ${mintCpu.toFixed(2)} vs ${first.mintCpu.toFixed(2)} × /healthz's (${Math.round(mintCpu * mintHealthz)} µs)${pinned}`,
          target,
        ),
        row(
          `scale.cpu.introspect@${at}`,
          1 / introspectCpu,
          1 / first.introspectCpu,
          "healthz CPU ÷ CPU",
          `introspect@${base}; CPU per introspection ${introspectCpu.toFixed(2)} vs ${first.introspectCpu.toFixed(2)} × /healthz's (${Math.round(introspectCpu * introspectHealthz)} µs)${pinned}`,
          target,
        ),
        row(
          `scale.mint@${at}`,
          mint.result.rps,
          mint.healthz.rps,
          "req/s",
          "/healthz, same moment",
        ),
        row(`scale.mint@${at}.relative`, relMint, first.mint, "x healthz", `mint@${base}`),
        row(
          `scale.introspect@${at}`,
          introspect.result.rps,
          introspect.healthz.rps,
          "req/s",
          "/healthz, same moment",
        ),
        row(
          `scale.introspect@${at}.relative`,
          relIntrospect,
          first.introspect,
          "x healthz",
          `introspect@${base}`,
        ),
        row(
          `scale.redis-used-memory-per-token@${at}`,
          bytes,
          first.bytes,
          "B",
          `per token@${base}`,
        ),
        row(`scale.mint@${at}.p99`, mint.result.p99, mint.healthz.p99, "ms", "/healthz p99"),
      );
    }
    return rows;
  } finally {
    unpinSelf();
    await fill.store.close();
    redis.disconnect();
    await issuer.stop();
    await redisServer.stop();
  }
}
