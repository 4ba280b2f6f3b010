/**
 * Builds a real issuer (the same `buildApp` and store code as production) for in-process tests,
 * on the memory store or on the test run's real Redis, with a controllable clock.
 */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { buildApp } from "../../src/app.js";
import { createIssuerContext } from "../../src/bootstrap.js";
import { type Config, parseConfig } from "../../src/config/config.js";
import type { IssuerContext } from "../../src/context.js";
import { createJsonLogger, type Logger } from "../../src/logger.js";
import { createMemoryStore } from "../../src/store/memory-store.js";
import { createRedisStore } from "../../src/store/redis-store.js";
import type { Store } from "../../src/store/types.js";

/** The kinds of store a test can run on. */
export type StoreKind = "memory" | "redis";
export const STORE_KINDS: StoreKind[] = ["memory", "redis"];

/**
 * A settable clock, starting at the real current second: Redis TTLs run on real time, so a clock
 * frozen at a fixed date would make records expire on arrival once that date has passed.
 */
export function testClock(start = Math.floor(Date.now() / 1000) * 1000) {
  let now = start;
  const clock = () => now;
  return Object.assign(clock, {
    advance(seconds: number) {
      now += seconds * 1000;
    },
    set(ms: number) {
      now = ms;
    },
  });
}
export type TestClock = ReturnType<typeof testClock>;

/** A fresh key prefix so test files never see each other's Redis keys. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString("hex")}:`;
}

export const CLIENT = { id: "platform", secret: "platform-secret-0123456789" };
export const OTHER_CLIENT = { id: "other", secret: "other-secret-0123456789ab" };
export const TEST_ISSUER = "https://issuer.test";

/** A store of the given kind (Redis: the test run's server, unique prefix). */
export function createTestStore(kind: StoreKind, clock: () => number, url?: string): Store {
  return kind === "memory"
    ? createMemoryStore({ clock })
    : createRedisStore({ url: url ?? inject("redisUrl"), prefix: uniquePrefix(), timeoutMs: 1000 });
}

export interface TestIssuer {
  readonly app: ReturnType<typeof buildApp>;
  readonly ctx: IssuerContext;
  readonly config: Config;
  readonly clock: TestClock;
  readonly store: Store;
  readonly logs: string[];
  /** `Authorization` header of the service client. */
  readonly clientAuth: string;
  /** Mints through HTTP and returns the 201 body. */
  mint(body?: Record<string, unknown>): Promise<MintAnswer>;
  request(path: string, init?: RequestInit): Promise<Response>;
}

export interface MintAnswer {
  id: string;
  token: string;
  expires_at: string | null;
  [key: string]: unknown;
}

/** Options of {@link createTestIssuer}. */
export interface TestIssuerOptions {
  readonly store?: StoreKind | Store;
  readonly env?: Record<string, string>;
  readonly clock?: TestClock;
  readonly logger?: Logger;
}

/** Basic auth header for a client. */
export function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${id}:${secret}`)}`;
}

/** Builds an issuer with test configuration. */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const clock = options.clock ?? testClock();
  const config = parseConfig({
    TOKENMINT_ISSUER: TEST_ISSUER,
    TOKENMINT_CLIENTS: `${CLIENT.id}:${CLIENT.secret},${OTHER_CLIENT.id}:${OTHER_CLIENT.secret}`,
    TOKENMINT_ADMIN_CLIENTS: CLIENT.id,
    TOKENMINT_KEK: randomBytes(32).toString("base64url"),
    TOKENMINT_AUDIENCE: "https://api.test,https://registry.test",
    TOKENMINT_ORG_CELLS: "acme=cell-eu-1,globex=cell-us-2",
    TOKENMINT_DEFAULT_CELL: "cell-default",
    TOKENMINT_STATUS_LIST_SIZE: "64",
    ...options.env,
  });
  const store =
    typeof options.store === "object"
      ? options.store
      : createTestStore(options.store ?? "memory", clock);
  const logs: string[] = [];
  const logger = options.logger ?? createJsonLogger((line) => logs.push(line), clock);
  const ctx = await createIssuerContext({ config, store, logger, keks: config.keks, clock });
  const app = buildApp(ctx);
  const clientAuth = basic(CLIENT.id, CLIENT.secret);
  const request = async (path: string, init?: RequestInit) => app.request(path, init);
  return {
    app,
    ctx,
    config,
    clock,
    store,
    logs,
    clientAuth,
    request,
    async mint(body = {}) {
      const response = await request("/v1/tokens", {
        method: "POST",
        headers: { authorization: clientAuth, "content-type": "application/json" },
        body: JSON.stringify({
          subject: "alice",
          name: "laptop",
          scope: ["read_api", "manage_tokens"],
          ...body,
        }),
      });
      if (response.status !== 201) {
        // The issuer's own account of a refusal (a store error's cause) makes a failure readable.
        const refusals = logs.filter((line) => line.includes('"event":"request.failed"'));
        throw new Error(
          `mint failed: ${response.status} ${await response.text()}\n${refusals.slice(-1).join("")}`,
        );
      }
      return (await response.json()) as MintAnswer;
    },
  };
}

/** A bearer header. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/** POSTs a form (OAuth endpoints). */
export function form(
  params: Record<string, string>,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  };
}

/** A JSON answer: its status and its body parsed (an empty body reads as `{}`). */
export interface JsonAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Sends a request with `auth` (and `body` as JSON, when given) through `send`, an in-process
 * issuer's `request` or a `fetch` against a running server, and reads the JSON answer.
 */
export async function callJson(
  send: (path: string, init: RequestInit) => Promise<Response>,
  method: string,
  path: string,
  auth: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const response = await send(path, {
    method,
    headers: {
      authorization: auth,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : JSON.parse(text) };
}
