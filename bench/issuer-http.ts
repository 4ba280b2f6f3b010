/**
 * Issue 7, part 3: the issuer over HTTP with real Redis. Mint, introspect, JWKS and status list
 * requests per second and p50/p99, each measured right after the trivial endpoint (`/healthz`) of
 * the same server, which is its baseline.
 * @module
 */
import { startRedisServer } from "../test/helpers/redis-server.js";
import { type BenchIssuer, mintBody, mintOverHttp, startIssuer } from "./issuer-process.js";
import { type LoadRequest, type LoadResult, load } from "./load.js";
import type { BenchOptions } from "./options.js";
import { type Row, row, type Target } from "./report.js";

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

const TARGETS: Record<string, number> = {
  mint: 0.5,
  introspect: 0.6,
  jwks: 0.9,
  "status list": 0.9,
};

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

/** Runs part 3. */
export async function benchIssuerHttp(options: BenchOptions): Promise<Row[]> {
  const redis = await startRedisServer();
  const issuer = await startIssuer(redis.url, "bench:");
  try {
    const tokens = await mintOverHttp(issuer, 64);
    const endpoints = endpointRequests(issuer, tokens);
    const rows: Row[] = [];
    for (const [name, requests] of Object.entries(endpoints)) {
      const { result, healthz } = await versusHealthz(issuer.url, requests, options);
      const slug = name.replace(" ", "-");
      const target: Target = { of: "ratio", op: ">=", limit: TARGETS[name] ?? 1 };
      rows.push(row(`issuer.${slug}`, result.rps, healthz.rps, "req/s", "/healthz", target));
      rows.push(row(`issuer.${slug}.p50`, result.p50, healthz.p50, "ms", "/healthz p50"));
      rows.push(row(`issuer.${slug}.p99`, result.p99, healthz.p99, "ms", "/healthz p99"));
    }
    return rows;
  } finally {
    await issuer.stop();
    await redis.stop();
  }
}
