/**
 * Graceful shutdown of the real Node entry (`src/server.ts`): on SIGTERM it stops accepting
 * connections, lets a request that is already in flight finish (held there by pausing writes on
 * its Redis), and exits 0.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { expect, it } from "vitest";
import { startRedisServer } from "../helpers/redis-server.js";

function waitFor(read: () => string, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      const match = pattern.exec(read());
      if (match) {
        clearInterval(poll);
        resolve(match);
      } else if (Date.now() - started > 15000) {
        clearInterval(poll);
        reject(new Error(`timed out waiting for ${what}: ${read()}`));
      }
    }, 20);
  });
}

it("finishes an in-flight request on SIGTERM, then exits 0", async () => {
  // Its own Redis: writes are paused there to hold a request in flight, without touching others.
  const redis = await startRedisServer();
  const control = new Redis(redis.url);
  const cwd = mkdtempSync(join(tmpdir(), "tm-shutdown-"));
  const secret = "svc-secret-0123456789abcdef";
  const child = spawn(
    join(process.cwd(), "node_modules/.bin/tsx"),
    [join(process.cwd(), "src/server.ts")],
    {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: cwd,
        PORT: "0",
        REDIS_URL: redis.url,
        REDIS_TIMEOUT_MS: "5000",
        TOKENMINT_CLIENTS: `svc:${secret}`,
        TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  try {
    const [, url] = await waitFor(() => stderr, /listening on (http:\/\/[\d.:]+)/, "the banner");
    await control.call("CLIENT", "PAUSE", "1500", "WRITE");
    const inFlight = fetch(`${url}/v1/tokens`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`svc:${secret}`)}`,
        "content-type": "application/json",
        connection: "close",
      },
      body: JSON.stringify({ subject: "zoe", name: "in flight", scope: ["read_api"] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    child.kill("SIGTERM");
    await waitFor(() => stdout, /"event":"server.stopping","signal":"SIGTERM"/, "stopping");
    // No new connections once stopping.
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();

    const answer = await inFlight;
    expect(answer.status).toBe(201);
    expect(await answer.json()).toMatchObject({ subject: "zoe", name: "in flight" });
    expect(await exited).toBe(0);
  } finally {
    child.kill("SIGKILL");
    control.disconnect();
    await redis.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
});
