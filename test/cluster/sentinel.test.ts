/**
 * tokenmint behind Redis Sentinel: a real primary and a real sentinel (`redis-server --sentinel`)
 * on free loopback ports; the store finds the primary through the sentinel by name
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) and an issuer mints and introspects on it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore } from "../../src/store/redis-store.js";
import { createTestIssuer, uniquePrefix } from "../helpers/issuer.js";
import { freePort, type RedisProcess, startRedisServer } from "../helpers/redis-server.js";
import { isActive } from "../keys/helpers.js";

let primary: RedisProcess;
let sentinel: ChildProcess;
let sentinelPort: number;
let directory: string;

beforeAll(async () => {
  primary = await startRedisServer();
  sentinelPort = await freePort();
  directory = mkdtempSync(join(tmpdir(), "tokenmint-sentinel-"));
  const file = join(directory, "sentinel.conf");
  writeFileSync(
    file,
    `port ${sentinelPort}\nbind 127.0.0.1\ndir ${directory}\nsentinel monitor tokenmint 127.0.0.1 ${primary.port} 1\n`,
  );
  sentinel = spawn("redis-server", [file, "--sentinel"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  sentinel.stdout?.on("data", (chunk) => {
    output += String(chunk);
  });
  const started = Date.now();
  while (!output.includes("+monitor")) {
    if (Date.now() - started > 10000 || sentinel.exitCode !== null) {
      throw new Error(`the sentinel did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
});

afterAll(async () => {
  if (sentinel && sentinel.exitCode === null) {
    await new Promise<void>((resolve) => {
      sentinel.once("exit", () => resolve());
      sentinel.kill("SIGTERM");
    });
  }
  await primary?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe("a Sentinel-managed Redis", () => {
  it("is found by name through the sentinel, and serves an issuer", async () => {
    const store = createRedisStore({
      sentinels: [{ host: "127.0.0.1", port: sentinelPort }],
      sentinelName: "tokenmint",
      prefix: uniquePrefix(),
    });
    const issuer = await createTestIssuer({ store });
    const { token } = await issuer.mint();
    expect(await isActive(issuer, token)).toBe(true);
    await store.close();
  });
});
