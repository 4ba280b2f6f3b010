/**
 * CPU time per request (issue 20): the server under test pinned to a core of its own, the load
 * generator (this process, autocannon's worker threads included) and redis-server on the other,
 * where the machine has two or more cores. A process's CPU time is the sum over its threads of
 * `/proc/<pid>/task/<tid>/schedstat` (nanoseconds on a CPU); redis-server's is `INFO cpu`
 * (`used_cpu_sys` + `used_cpu_user`), read before and after a load run.
 * @module
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Redis } from "ioredis";

/** Whether the run pins: two cores or more. */
export const PINNED = availableParallelism() >= 2;
/** The core of the server under test, and the one of everything else. */
export const SERVER_CORE = "1";
export const OTHER_CORES = "0";

/** Pins every thread of `pid` (and the threads it starts later) to `cores`; no-op on one core. */
export function pin(pid: number | undefined, cores: string): void {
  if (!PINNED || pid === undefined) return;
  // `taskset -a` fails when a thread exits while it walks them: once more finds the rest.
  for (let attempt = 1; ; attempt++) {
    try {
      execFileSync("taskset", ["-a", "-p", "-c", cores, String(pid)], { stdio: "ignore" });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Lets this process run on every core again. */
export function unpinSelf(): void {
  if (PINNED) pin(process.pid, `0-${availableParallelism() - 1}`);
}

/** CPU time of `pid` so far, summed over its threads, in microseconds. */
export function processCpuMicros(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return ns / 1000;
}

/** redis-server's CPU time so far (`INFO cpu`, main and background threads), in microseconds. */
export async function redisCpuMicros(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return (field("used_cpu_sys") + field("used_cpu_user")) * 1e6;
}

/** redis-server's process id (`INFO server`). */
export async function redisPid(redis: Redis): Promise<number> {
  return Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1]);
}

/** CPU spent by the server and by Redis during `run`, per request it reports served. */
export async function cpuPerRequest<T extends { readonly requests: number }>(
  serverPid: number,
  redis: Redis | undefined,
  run: () => Promise<T>,
): Promise<{ result: T; server: number; redis: number }> {
  const server0 = processCpuMicros(serverPid);
  const redis0 = redis ? await redisCpuMicros(redis) : 0;
  const result = await run();
  const server1 = processCpuMicros(serverPid);
  const redis1 = redis ? await redisCpuMicros(redis) : 0;
  const n = Math.max(1, result.requests);
  return { result, server: (server1 - server0) / n, redis: (redis1 - redis0) / n };
}
