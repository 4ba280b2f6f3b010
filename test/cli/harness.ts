/**
 * What the CLI tests share: a real issuer (the Node server on the test run's redis-server, its own
 * key prefix, a free loopback port), the CLI run in-process through `main` (fast, exact streams),
 * and the CLI run as a user runs it (`bin/tokenmint.mjs` in a child process).
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { inject } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseConfig } from "../../src/config/config.js";
import { silentLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";
import { freePort } from "../helpers/redis-server.js";
import { type ProcessResult, runProcess } from "../helpers/run-process.js";

export const BIN = join(process.cwd(), "bin/tokenmint.mjs");
export const ADMIN = { id: "ops", secret: "ops-secret-0123456789abcdef" };
export const PLAIN = { id: "app", secret: "app-secret-0123456789abcdef" };

/** What a run printed and how it exited. */
export type Run = ProcessResult;

/** How to run the CLI: its environment (replacing the default) and standard input. */
export interface RunOptions {
  env?: Record<string, string>;
  stdin?: string;
}

/** A running issuer, the admin client's environment, and ways to run the CLI against it. */
export interface CliIssuer {
  readonly issuer: RunningIssuer;
  /** TOKENMINT_ISSUER and the admin client's credentials. */
  readonly env: Record<string, string>;
  /** Runs `main` in this process. */
  run(args: string[], options?: RunOptions): Promise<Run>;
  /** Runs `bin/tokenmint.mjs` in a child process. */
  spawn(args: string[], options?: RunOptions): Promise<Run>;
  close(): Promise<void>;
}

/** Runs `main` in-process with buffered streams. */
export async function runCli(args: string[], options: RunOptions = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
    env: options.env ?? {},
    readStdin: async () => options.stdin ?? "",
  });
  return { code, stdout, stderr };
}

/** Runs `bin/tokenmint.mjs` in a child process (only PATH and the given environment). */
export function spawnCli(args: string[], options: RunOptions = {}): Promise<Run> {
  return runProcess(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? "", ...options.env },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  });
}

/** Starts the real Node server on the test run's Redis, with an admin and a plain client. */
export async function startCliIssuer(extraEnv: Record<string, string> = {}): Promise<CliIssuer> {
  const port = await freePort();
  const issuer = await startServer({
    config: parseConfig({
      PORT: String(port),
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: uniquePrefix(),
      TOKENMINT_ISSUER: `http://127.0.0.1:${port}`,
      TOKENMINT_CLIENTS: `${ADMIN.id}:${ADMIN.secret},${PLAIN.id}:${PLAIN.secret}`,
      TOKENMINT_ADMIN_CLIENTS: ADMIN.id,
      TOKENMINT_KEK: randomBytes(32).toString("base64url"),
      ...extraEnv,
    }),
    logger: silentLogger,
  });
  const env = {
    TOKENMINT_ISSUER: issuer.url,
    TOKENMINT_CLIENT_ID: ADMIN.id,
    TOKENMINT_CLIENT_SECRET: ADMIN.secret,
  };
  return {
    issuer,
    env,
    run: (args, options = {}) => runCli(args, { env, ...options }),
    spawn: (args, options = {}) => spawnCli(args, { env, ...options }),
    close: () => issuer.close(),
  };
}

/** Parses standard output as JSON, failing the test with what was printed if it is not. */
export function stdoutJson<T = Record<string, unknown>>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
