/**
 * The downstream service of issue 7, part 2, run as a child process by `bench/downstream.ts`: one
 * Hono endpoint four ways: `/open` without authentication and `/protected` behind `requireToken`
 * (warm verified-token cache, status list served in-process), `/protected-cold` behind
 * `requireToken` with no verified-token cache, and `/opaque` behind an opaque token looked up in
 * Redis (`REDIS_URL`) by its SHA-256 on every request (issue 20). It also serves its JWKS and status
 * list over HTTP, for the cell router that runs in a process of its own
 * (`bench/router-server.ts`). Prints `READY <json>` with its port, the JWKS and the tokens.
 * @module
 */
import { createHash } from "node:crypto";
import { serve } from "@hono/node-server";
import { createVerifier, requireToken, type TokenVariables } from "@tokenmint/verifier";
import { Hono } from "hono";
import { Redis } from "ioredis";
import { AUDIENCE, createFixture, ISSUER } from "./fixtures.js";

const fixture = await createFixture("ES256", 16);
const verifier = createVerifier({
  issuer: ISSUER,
  audience: AUDIENCE,
  jwks: { keys: [fixture.publicJwk] },
  fetch: fixture.fetch,
});
// Cold: no verified-token cache, so every request checks the signature (the status list stays
// cached, as in steady state).
const coldVerifier = createVerifier({
  issuer: ISSUER,
  audience: AUDIENCE,
  jwks: { keys: [fixture.publicJwk] },
  fetch: fixture.fetch,
  cache: false,
});
// The classic opaque token (GitLab's, Gitpod's PATs): its SHA-256 looked up in Redis on every
// request, the record holding the subject, scopes and expiry.
const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;
const app = new Hono<{ Variables: TokenVariables }>();
const handler = (sub: string) => ({ hello: sub, items: [1, 2, 3] });
app.get("/open", (c) => c.json(handler("anonymous")));
app.get("/protected", requireToken({ verifier, permission: "read_api" }), (c) =>
  c.json(handler(c.get("tokenClaims").sub)),
);
app.get("/protected-cold", requireToken({ verifier: coldVerifier, permission: "read_api" }), (c) =>
  c.json(handler(c.get("tokenClaims").sub)),
);
app.get("/opaque", async (c) => {
  const token = c.req.header("authorization")?.replace(/^Bearer /, "");
  if (!token || !redis) return c.json({ error: "invalid_token" }, 401);
  const digest = createHash("sha256").update(token).digest("hex");
  const stored = await redis.get(`pat:${digest}`);
  if (stored === null) return c.json({ error: "invalid_token" }, 401);
  const record = JSON.parse(stored) as { sub: string; scope: string[]; exp: number };
  if (record.exp <= Date.now() / 1000) return c.json({ error: "invalid_token" }, 401);
  if (!record.scope.includes("read_api")) return c.json({ error: "insufficient_scope" }, 403);
  return c.json(handler(record.sub));
});
app.get("/v1/status-lists/:id", (c) => fixture.fetch(`${ISSUER}${c.req.path}`));
const server = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve) => {
  const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
    resolve({ server: started, port: info.port }),
  );
});
process.stdout.write(
  `READY ${JSON.stringify({ port: server.port, jwk: fixture.publicJwk, tokens: fixture.tokens })}\n`,
);
process.on("SIGTERM", () => server.server.close(() => process.exit(0)));
