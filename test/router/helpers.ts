/**
 * Fixtures for the router tests: the real issuer (Node server on the run's Redis) with an
 * org → cell map, small Hono "cells" on free ports that echo what reached them, and settable
 * clocks for the verifier and the route map.
 */
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { inject } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { createJsonLogger } from "../../src/logger.js";
import { type RunningIssuer, startServer } from "../../src/node/start-server.js";
import { uniquePrefix } from "../helpers/issuer.js";
import { freePort } from "../helpers/redis-server.js";

export const CLIENT = { id: "platform", secret: "platform-secret-0123456789" };
export const CLIENT_AUTH = `Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}`;
export const AUDIENCE = "https://api.test";
export const OTHER_AUDIENCE = "https://other.test";

/** What an echo cell saw. */
export interface Echo {
  readonly cell: string;
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string[]>;
  readonly headers: Record<string, string>;
  readonly bodyLength: number;
  readonly bodySha256: string;
}

/** A running echo cell. */
export interface EchoCell {
  readonly name: string;
  readonly url: string;
  /** Every request that reached it. */
  readonly seen: Echo[];
  close(): Promise<void>;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Buffer.from(digest).toString("hex");
}

/**
 * Starts a cell that answers every request with a JSON echo of it; `/hop` answers with
 * hop-by-hop headers (and two `Set-Cookie`s), `/hop-one` with the same but one `Set-Cookie`,
 * `/gzip` with a gzip-encoded body, `/redirect` with a 302.
 */
export async function startEchoCell(name: string): Promise<EchoCell> {
  const seen: Echo[] = [];
  const app = new Hono();
  const hopByHopAnswer = (cookies: readonly string[]) =>
    new Response("hop", {
      headers: [
        ["Connection", "X-Cell-Secret"],
        ["X-Cell-Secret", "hop"],
        ["Keep-Alive", "timeout=5"],
        ["Proxy-Authenticate", "Basic"],
        ["X-Cell-Public", "end-to-end"],
        ...cookies.map((cookie): [string, string] => ["Set-Cookie", cookie]),
      ],
    });
  app.get("/hop", () => hopByHopAnswer(["a=1; Path=/", "b=2; Path=/"]));
  app.get("/hop-one", () => hopByHopAnswer(["a=1; Path=/"]));
  app.get("/redirect", (c) => c.redirect("/elsewhere", 302));
  app.get("/gzip", () => {
    const body = gzipSync(JSON.stringify({ cell: name, compressed: true }));
    return new Response(body, {
      headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
    });
  });
  app.all("*", async (c) => {
    const url = new URL(c.req.url);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const query: Record<string, string[]> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key);
    const echo: Echo = {
      cell: name,
      method: c.req.method,
      path: url.pathname,
      query,
      headers: Object.fromEntries(c.req.raw.headers),
      bodyLength: body.byteLength,
      bodySha256: await sha256(body),
    };
    seen.push(echo);
    c.header("X-Served-By", name);
    return c.json(echo);
  });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
        resolve({ server: started, port: info.port }),
      );
    },
  );
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The real issuer on a free port of its own URL (status list URIs must lie under it). */
export interface RouterTestIssuer {
  readonly url: string;
  readonly running: RunningIssuer;
  mint(body?: Record<string, unknown>): Promise<{ id: string; token: string; cell?: string }>;
  revoke(token: string): Promise<void>;
  move(org: string, cell: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the issuer: orgs acme → cell-a, globex → cell-b, hooli → cell-a, initech → cell-ghost
 * (a cell no router knows); no default cell; status list ttl 5 s.
 */
export async function startTestIssuer(): Promise<RouterTestIssuer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = parseConfig({
    PORT: String(port),
    REDIS_URL: inject("redisUrl"),
    REDIS_PREFIX: uniquePrefix(),
    TOKENMINT_CLIENTS: `${CLIENT.id}:${CLIENT.secret}`,
    TOKENMINT_ADMIN_CLIENTS: CLIENT.id,
    TOKENMINT_KEK: randomBytes(32).toString("base64url"),
    TOKENMINT_ISSUER: url,
    TOKENMINT_AUDIENCE: `${AUDIENCE},${OTHER_AUDIENCE}`,
    TOKENMINT_ORG_CELLS: "acme=cell-a,globex=cell-b,hooli=cell-a,initech=cell-ghost",
    TOKENMINT_STATUS_LIST_TTL: "5",
    TOKENMINT_STATUS_LIST_SIZE: "64",
  });
  const running = await startServer({ config, logger: createJsonLogger(() => undefined) });
  const call = (path: string, init: RequestInit) => fetch(`${url}${path}`, init);
  return {
    url,
    running,
    async mint(body = {}) {
      const response = await call("/v1/tokens", {
        method: "POST",
        headers: { authorization: CLIENT_AUTH, "content-type": "application/json" },
        body: JSON.stringify({ subject: "alice", name: "router", scope: ["read_api"], ...body }),
      });
      if (response.status !== 201)
        throw new Error(`mint: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string; token: string; cell?: string };
    },
    async revoke(token) {
      const response = await call("/v1/revoke", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }),
      });
      if (response.status !== 200) throw new Error(`revoke: ${response.status}`);
    },
    async move(org, cell) {
      const response = await call(`/v1/routes/${org}`, {
        method: "PUT",
        headers: { authorization: CLIENT_AUTH, "content-type": "application/json" },
        body: JSON.stringify({ cell }),
      });
      if (response.status !== 200) throw new Error(`move: ${response.status}`);
    },
    close: () => running.close(),
  };
}

/** A settable clock starting now (tokens come from the issuer's real clock). */
export function settableClock(start = Date.now()) {
  let now = start;
  return Object.assign(() => now, {
    advance(seconds: number) {
      now += seconds * 1000;
    },
  });
}

/** The bearer header of a token. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Decodes a base64url claims header. */
export function decodeClaimsHeader(value: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as Record<string, unknown>;
}
