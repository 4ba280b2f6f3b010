/**
 * Starts a real `redis-server` on a free loopback port for the test run (no persistence), unless
 * `REDIS_URL` is set, in which case the tests use that server with unique key prefixes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/** A redis-server child process. */
export interface RedisProcess {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL): no shutdown, no wait for lagging replicas. */
  kill(): Promise<void>;
}

/**
 * Spawns `redis-server` on `port` (a free one by default) and waits until it accepts commands.
 */
export async function startRedisServer(
  port?: number,
  extraArgs: string[] = [],
): Promise<RedisProcess> {
  const chosen = port ?? (await freePort());
  // Its own directory: a replica's full sync writes an RDB file there, never into the checkout.
  const dir = mkdtempSync(join(tmpdir(), "tokenmint-redis-"));
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(chosen),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += String(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      10000,
    );
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `cannot run redis-server (install it: apt-get install redis-server): ${error.message}`,
        ),
      );
    });
    const check = () => {
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`redis-server exited:\n${output}`));
      } else setTimeout(check, 20);
    };
    check();
  });
  return {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      });
    },
  };
}
