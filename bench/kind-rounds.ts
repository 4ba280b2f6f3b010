/**
 * The rounds of one request kind in the issuer part (`bench/issuer-http.ts`): each round the
 * kind's CPU per request, Redis's, and its load result, beside those of the `/healthz` run just
 * before it.
 * @module
 */
import type { LoadResult } from "./load.js";
import { median } from "./paired-rounds.js";

/** One measured load run: its result and the CPU per request of the server and of Redis. */
export interface Measured {
  readonly result: LoadResult;
  readonly server: number;
  readonly redis: number;
}

/** A kind's rounds, each right after a `/healthz` round. */
export interface KindRounds {
  readonly cpu: number[];
  readonly healthzCpu: number[];
  readonly redis: number[];
  readonly results: LoadResult[];
  readonly healthzResults: LoadResult[];
}

/** Adds one round of `name` (and the `/healthz` run just before it) to `rounds`. */
export function addRound(
  rounds: Map<string, KindRounds>,
  name: string,
  healthz: Measured,
  kind: Measured,
): void {
  const kindRounds = rounds.get(name) ?? {
    cpu: [],
    healthzCpu: [],
    redis: [],
    results: [],
    healthzResults: [],
  };
  kindRounds.cpu.push(kind.server);
  kindRounds.healthzCpu.push(healthz.server);
  kindRounds.redis.push(kind.redis);
  kindRounds.results.push(kind.result);
  kindRounds.healthzResults.push(healthz.result);
  rounds.set(name, kindRounds);
}

/** The median of one load figure over rounds. */
export function medianOf(results: readonly LoadResult[], figure: "rps" | "p50" | "p99"): number {
  return median(results.map((result) => result[figure]));
}

/** Redis's CPU per request over all the rounds together (each weighted by its requests). */
export function meanRedisPerRequest(rounds: KindRounds): number {
  let cpu = 0;
  let requests = 0;
  for (const [i, result] of rounds.results.entries()) {
    cpu += (rounds.redis[i] as number) * result.requests;
    requests += result.requests;
  }
  return cpu / Math.max(1, requests);
}
