/**
 * Node side of the Worker tests: starts a real `redis-server` (or uses `REDIS_URL`) and a real
 * webhook receiver (verifying with the Standard Webhooks library), and builds the Worker exactly as
 * `wrangler deploy` would (`--dry-run --outdir`), so the tests run that bundle in workerd. The
 * Redis URL, the receiver's URL and secret, and the bundle's path reach `vitest.workers.config.ts`
 * through `provide`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import "vitest";
import type { TestProject } from "vitest/node";
import { generateWebhookSecret } from "../../src/webhooks/secret.js";
import { type RedisProcess, startRedisServer } from "../helpers/redis-server.js";
import { type Receiver, startReceiver } from "../webhooks/receiver.js";

declare module "vitest" {
  export interface ProvidedContext {
    workerRedisUrl: string;
    workerScript: string;
    workerWebhookUrl: string;
    workerWebhookSecret: string;
  }
}

/** Where the test build of the Worker goes (gitignored). */
export const WORKER_BUILD_DIR = ".wrangler/test-build";

let server: RedisProcess | undefined;
let receiver: Receiver | undefined;

/** Builds the Worker bundle with the pinned wrangler. */
export function buildWorker(outdir = WORKER_BUILD_DIR): string {
  const wrangler = resolve("node_modules/wrangler/bin/wrangler.js");
  const result = spawnSync(
    process.execPath,
    [wrangler, "deploy", "--dry-run", "--config", "wrangler.toml", "--outdir", outdir],
    {
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_LOG: "warn" },
    },
  );
  const script = resolve(outdir, "worker.js");
  if (result.status !== 0 || !existsSync(script)) {
    throw new Error(`wrangler build failed:\n${result.stdout}\n${result.stderr}`);
  }
  return script;
}

export async function setup(project: TestProject): Promise<void> {
  const script = buildWorker();
  project.provide("workerScript", script);
  const secret = generateWebhookSecret();
  receiver = await startReceiver(secret);
  project.provide("workerWebhookUrl", receiver.url);
  project.provide("workerWebhookSecret", secret);
  if (process.env.REDIS_URL) {
    project.provide("workerRedisUrl", process.env.REDIS_URL);
    return;
  }
  server = await startRedisServer();
  project.provide("workerRedisUrl", server.url);
}

export async function teardown(): Promise<void> {
  await receiver?.close();
  await server?.stop();
}
