import { execFileSync } from "node:child_process";
import "vitest";
import type { TestProject } from "vitest/node";
import { type RedisProcess, startRedisServer } from "./helpers/redis-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

let server: RedisProcess | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Servers that tests start outside the checkout load @tokenmint/verifier from its dist/ (no
  // tsconfig paths there), so it is built from the current sources first.
  execFileSync(process.execPath, [
    "node_modules/typescript/bin/tsc",
    "-p",
    "packages/verifier/tsconfig.json",
  ]);
  if (process.env.REDIS_URL) {
    project.provide("redisUrl", process.env.REDIS_URL);
    return;
  }
  server = await startRedisServer();
  project.provide("redisUrl", server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
