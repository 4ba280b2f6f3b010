/**
 * HTTP load with autocannon: 2 worker threads, 64 connections (issue 7). Returns requests per
 * second and the p50/p99 latency, and fails loudly if any answer was not the expected status, so a
 * fast stream of errors can never pass for throughput.
 * @module
 */
import autocannon from "autocannon";

/** One request shape; autocannon cycles through several per connection. */
export interface LoadRequest {
  readonly method?: "GET" | "POST";
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** The result of one load run. */
export interface LoadResult {
  readonly rps: number;
  /** Requests answered (all 2xx: anything else throws). */
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
}

export const CONNECTIONS = 64;
export const WORKERS = 2;

/** Runs `seconds` of load against `base` with `requests` (cycled). */
export async function load(
  base: string,
  requests: readonly LoadRequest[],
  seconds: number,
): Promise<LoadResult> {
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    workers: WORKERS,
    duration: seconds,
    requests: requests.map((r) => ({
      method: r.method ?? "GET",
      path: r.path,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.body === undefined ? {} : { body: r.body }),
    })),
  });
  if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0 || result["2xx"] === 0) {
    throw new Error(
      `load on ${requests[0]?.path}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx of ${result.requests.total}`,
    );
  }
  return {
    rps: result.requests.total / (result.duration || seconds),
    requests: result["2xx"],
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
