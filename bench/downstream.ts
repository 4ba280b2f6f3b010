/**
 * Issue 7, part 2: a Hono endpoint behind `requireToken` versus the same endpoint with no
 * authentication, under autocannon (2 workers, 64 connections), the server in its own process;
 * and (issue 10) the same protected request sent through the cell router (a third process) versus
 * directly. All three share the machine's cores with the load generator.
 * @module
 */
import { type ChildServer, startChild } from "./child.js";
import { load } from "./load.js";
import type { BenchOptions } from "./options.js";
import { type Row, row } from "./report.js";

/** Runs part 2. */
export async function benchDownstream(options: BenchOptions): Promise<Row[]> {
  const child = await startChild("bench/downstream-server.ts", {}, /READY .*\n/);
  const { port, jwk, tokens } = JSON.parse(child.banner.slice(6)) as {
    port: number;
    jwk: unknown;
    tokens: string[];
  };
  let router: ChildServer | undefined;
  try {
    router = await startChild(
      "bench/router-server.ts",
      { CELL_URL: `http://127.0.0.1:${port}`, JWK: JSON.stringify(jwk) },
      /READY \d+\n/,
    );
    const routerPort = Number(router.banner.slice(6));
    const base = `http://127.0.0.1:${port}`;
    // Both endpoints get byte-identical requests (the open one ignores the header), so the ratio
    // is the cost of authentication, not of sending and parsing a 700-byte header.
    const withTokens = (path: string) =>
      tokens.map((token) => ({ path, headers: { authorization: `Bearer ${token}` } }));
    const open = withTokens("/open");
    const protectedRequests = withTokens("/protected");
    if (options.warmupSeconds > 0) {
      await load(base, open, options.warmupSeconds);
      await load(base, protectedRequests, options.warmupSeconds);
    }
    // Interleaved: open, protected, open; the baseline is the mean of the two open runs.
    const before = await load(base, open, options.loadSeconds);
    const guarded = await load(base, protectedRequests, options.loadSeconds);
    const after = await load(base, open, options.loadSeconds);
    const baseline = {
      rps: (before.rps + after.rps) / 2,
      p50: (before.p50 + after.p50) / 2,
      p99: (before.p99 + after.p99) / 2,
    };
    // Issue 10: the same protected request, directly and through the cell router.
    const direct = await load(base, protectedRequests, options.loadSeconds);
    const routed = await load(
      `http://127.0.0.1:${routerPort}`,
      protectedRequests,
      options.loadSeconds,
    );
    return [
      row("router.added-latency.p50", routed.p50 - direct.p50, direct.p50, "ms", "direct p50"),
      row("router.added-latency.p99", routed.p99 - direct.p99, direct.p99, "ms", "direct p99"),
      row("router.throughput", routed.rps, direct.rps, "req/s", "direct to the cell"),
      row(
        "downstream.ES256.requireToken-warm",
        guarded.rps,
        baseline.rps,
        "req/s",
        "same endpoint, no auth",
        {
          of: "ratio",
          op: ">=",
          limit: 0.9,
        },
      ),
      row("downstream.ES256.requireToken-warm.p50", guarded.p50, baseline.p50, "ms", "no auth p50"),
      row("downstream.ES256.requireToken-warm.p99", guarded.p99, baseline.p99, "ms", "no auth p99"),
    ];
  } finally {
    await router?.stop();
    await child.stop();
  }
}
