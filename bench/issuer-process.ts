/**
 * The real issuer (`src/server.ts`) in a child process on a real `redis-server`, configured for
 * benchmarks: rate limits and the per-subject token limit raised, loopback only.
 * @module
 */
import { randomBytes } from "node:crypto";
import { freePort } from "../test/helpers/redis-server.js";
import { startChild } from "./child.js";

/** A running issuer. */
export interface BenchIssuer {
  readonly url: string;
  /** `Authorization` header of the service client. */
  readonly auth: string;
  readonly prefix: string;
  /** The server's process id (for pinning it and reading its CPU time). */
  readonly pid: number;
  stop(): Promise<void>;
}

export const CLIENT_ID = "bench";
/** The bench issuer's audit stream cap (`TOKENMINT_AUDIT_MAX_EVENTS`). */
export const BENCH_AUDIT_CAP = 2000;

/**
 * Starts the issuer against `redisUrl` with key prefix `prefix`: this checkout's, or the one in
 * `checkout` (another commit's, for a before/after comparison); with `metrics`, as deployments
 * that are scraped run it (`TOKENMINT_METRICS=true`).
 */
export async function startIssuer(
  redisUrl: string,
  prefix: string,
  checkout?: string,
  metrics = false,
): Promise<BenchIssuer> {
  const port = await freePort();
  const secret = randomBytes(24).toString("base64url");
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild(
    "src/server.ts",
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      TOKENMINT_ISSUER: url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      TOKENMINT_CLIENTS: `${CLIENT_ID}:${secret}`,
      TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      TOKENMINT_AUDIENCE: "https://api.bench",
      TOKENMINT_ORG_CELLS: Array.from({ length: 10 }, (_, i) => `org${i}=cell-${i % 3}`).join(","),
      TOKENMINT_MINT_RATE_PER_SUBJECT: "1000000",
      TOKENMINT_MINT_RATE_PER_CLIENT: "1000000",
      TOKENMINT_MAX_TOKENS_PER_SUBJECT: "100000",
      // Small enough that the audit stream is at its cap while mints are measured, as it is in
      // any deployment that has run a while: each mint pays its share of the trimming.
      TOKENMINT_AUDIT_MAX_EVENTS: String(BENCH_AUDIT_CAP),
      ...(metrics ? { TOKENMINT_METRICS: "true" } : {}),
    },
    /listening on .*\n/,
    checkout,
  );
  return {
    url,
    auth: `Basic ${btoa(`${CLIENT_ID}:${secret}`)}`,
    prefix,
    pid: child.process.pid as number,
    stop: () => child.stop(),
  };
}

/** The subjects benchmark mints and lists spread over (`user-0`…`user-63`). */
export const BENCH_SUBJECTS = 64;
/** The floor server's tokens (`bench/floor-server.ts`): `floor-<i>`, five per subject. */
export const FLOOR_TOKENS = 5 * BENCH_SUBJECTS;

/** The body of one benchmark mint: subject `i` of 64, org `i` of 10, two scopes, 30-day default. */
export function mintBody(i: number): string {
  return JSON.stringify({
    subject: `user-${i % 64}`,
    name: "ci laptop",
    scope: ["read_api", "read_project"],
    org: `org${i % 10}`,
  });
}

/** Mints `count` tokens over HTTP, `inFlight` at a time; returns the tokens. */
export async function mintOverHttp(
  issuer: BenchIssuer,
  count: number,
  inFlight = 16,
): Promise<string[]> {
  const tokens: string[] = [];
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      const response = await fetch(`${issuer.url}/v1/tokens`, {
        method: "POST",
        headers: { authorization: issuer.auth, "content-type": "application/json" },
        body: mintBody(i),
      });
      if (response.status !== 201)
        throw new Error(`mint answered ${response.status}: ${await response.text()}`);
      tokens.push(((await response.json()) as { token: string }).token);
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  return tokens;
}
