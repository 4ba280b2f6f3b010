/**
 * What a request costs on the Worker with one Redis connection per request: N sequential requests
 * per route, timed from the test Worker (wall clock across the service binding), next to the
 * connect time the issuer reports in `Server-Timing`. Prints one table; asserts only the shape
 * (which routes connect), since the numbers depend on the machine.
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { call, clientAuth, form, mint, serverTiming } from "./helpers.js";

const N = 40;

interface Cost {
  readonly route: string;
  readonly meanMs: number;
  readonly connectMs: number | null;
  readonly connected: number;
}

async function measure(route: string, send: () => Promise<Response>): Promise<Cost> {
  await (await send()).arrayBuffer(); // warm: isolate started, keys loaded, cache filled
  let connected = 0;
  let connectTotal = 0;
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    const response = await send();
    await response.arrayBuffer();
    if (response.status >= 400) throw new Error(`${route}: ${response.status}`);
    const connect = serverTiming(response)["redis-connect"];
    if (connect !== undefined) {
      connected++;
      connectTotal += Number(connect);
    }
  }
  return {
    route,
    meanMs: (Date.now() - started) / N,
    connectMs: connected > 0 ? connectTotal / connected : null,
    connected,
  };
}

it(`measures ${N} sequential requests per route`, async () => {
  const token = (await mint()).token;
  const auth = { authorization: clientAuth() };
  const costs = [
    await measure("GET /healthz (no Redis)", () => call(env.ISSUER, "/healthz")),
    await measure("GET jwks (edge cache hit)", () => call(env.ISSUER, "/.well-known/jwks.json")),
    await measure("GET /readyz (connect + ping)", () => call(env.ISSUER, "/readyz")),
    await measure("POST /v1/introspect", () =>
      call(env.ISSUER, "/v1/introspect", form({ token }, auth)),
    ),
    await measure("POST /v1/tokens (mint)", () =>
      call(env.ISSUER, "/v1/tokens", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ subject: `cost-${Date.now()}`, name: "cost", scope: ["read_api"] }),
      }),
    ),
  ];
  console.log(
    costs
      .map(
        (cost) =>
          `${cost.route.padEnd(32)} mean ${cost.meanMs.toFixed(2).padStart(6)} ms` +
          `   connect ${cost.connectMs === null ? "     -" : cost.connectMs.toFixed(2).padStart(6)} ms (${cost.connected}/${N})`,
      )
      .join("\n"),
  );
  expect(costs.map((cost) => cost.connected)).toEqual([0, 0, N, N, N]);
});
